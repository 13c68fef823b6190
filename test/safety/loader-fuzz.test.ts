import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  checkCheckpointFits,
  decodeCheckpoint,
  LoadError,
  modelFromFiles,
} from '../../src/nn/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { smallFiles, smallModel } from './files.js';
import { mutate, mutation } from './mutations.js';

/** Loads and sorts the outcome: 'accepted', a LoadError code, or the file is reported as a failure. */
function outcome(load: () => unknown): string {
  try {
    load();
    return 'accepted';
  } catch (e) {
    if (e instanceof LoadError) return e.code;
    throw e;
  }
}

describe('the loader under 10,000 mutated model files', () => {
  it('throws nothing but LoadError, and the mutations reach most of the rules', () => {
    const files = smallFiles();
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(mutation, (m) => {
        const mutated = mutate(files, m);
        const o = outcome(() => modelFromFiles(mutated.json, mutated.weights));
        seen.set(o, (seen.get(o) ?? 0) + 1);
      }),
      { numRuns: 10_000, seed: 20_240_601 },
    );
    // Not only the first check fires: the mutations get past the header into shapes, offsets and names.
    for (const code of [
      'bad-json',
      'duplicate-key',
      'forbidden-key',
      'bad-shape',
      'overlap',
      'bad-config',
    ])
      expect(seen.has(code), code).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(15);
  });
});

describe('the checkpoint reader under 1,000 mutated checkpoints', () => {
  it('throws nothing but LoadError', async () => {
    const model = smallModel();
    const optimizer = new Adam();
    model.compile({ optimizer, loss: 'sparse_categorical_crossentropy' });
    const dir = mkdtempSync(join(tmpdir(), 'actlab-ckfuzz-'));
    const x = new Tensor(Float32Array.from([0.5, -1, 2, 0.25]), [2, 2]);
    await model.fit(x, Int32Array.from([0, 1]), { epochs: 1, verbose: 0, checkpointDir: dir });
    const path = join(dir, readdirSync(dir)[0]!);
    const bytes = new Uint8Array(readFileSync(path));
    const fileMutation = mutation.filter((m) => !m.kind.startsWith('json'));
    await fc.assert(
      fc.asyncProperty(fileMutation, async (m) => {
        const { weights } = mutate({ json: '', weights: bytes }, m);
        try {
          checkCheckpointFits(await decodeCheckpoint(weights, path), model, optimizer);
        } catch (e) {
          if (!(e instanceof LoadError)) throw e;
        }
      }),
      { numRuns: 1_000, seed: 7 },
    );
  });
});
