import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LoadError,
  type LoadErrorCode,
  loadModel,
  MAX_HEADER_BYTES,
  modelFromFiles,
  parseStrictJson,
} from '../../src/nn/index.js';
import { cli, expectUsageError } from '../cli/harness.js';
import { safetensorsFile, smallFiles, splitSafetensors } from './files.js';

const good = smallFiles();
const { header: goodHeader, data: goodData } = splitSafetensors(good.weights);
type Header = Record<string, { dtype: string; shape: unknown[]; data_offsets: unknown[] }>;

/** The good header as an object, changed by `edit`, written back with the good data. */
function weightsWith(edit: (h: Header) => void, data: Uint8Array | number = goodData): Uint8Array {
  const h = JSON.parse(goodHeader) as Header;
  edit(h);
  return safetensorsFile(JSON.stringify(h), data);
}

/** model.json with `edit` applied to its document. */
function jsonWith(edit: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(good.json) as Record<string, unknown>;
  edit(doc);
  return JSON.stringify(doc);
}

function layerConfig(doc: Record<string, unknown>, i: number): Record<string, unknown> {
  return (doc['layers'] as { config: Record<string, unknown> }[])[i]!.config;
}

/** The LoadError that loading throws (the test fails if loading succeeds or throws anything else). */
function refusal(json: string, weights: Uint8Array, allowNonFinite = false): LoadError {
  try {
    modelFromFiles(json, weights, { allowNonFinite });
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  throw new Error('the file was accepted');
}

const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

interface Rule {
  readonly what: string;
  readonly json?: string;
  readonly weights?: Uint8Array;
  readonly code: LoadErrorCode;
  /** A piece of the message: the tensor or key it must name. */
  readonly names: string;
}

const rules: Rule[] = [
  {
    what: 'a file shorter than the 8-byte length',
    weights: new Uint8Array(5),
    code: 'truncated',
    names: '5 bytes',
  },
  {
    what: 'a header length over the cap',
    weights: safetensorsFile('{}', 0, BigInt(MAX_HEADER_BYTES) + 1n),
    code: 'too-large',
    names: 'cap',
  },
  {
    what: 'a header running past the end of the file',
    weights: safetensorsFile('{}', 0, 4096n),
    code: 'truncated',
    names: '4096 bytes',
  },
  {
    what: 'a header that is not UTF-8',
    weights: safetensorsFile(new Uint8Array([0x7b, 0xff, 0x7d]), 0),
    code: 'bad-json',
    names: 'UTF-8',
  },
  {
    what: 'a header that is not JSON',
    weights: safetensorsFile('{"a":', 0),
    code: 'bad-json',
    names: 'safetensors header',
  },
  {
    what: 'a header nested deeper than the format',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [[2]];
    }),
    code: 'too-deep',
    names: 'nested deeper than 3',
  },
  {
    what: 'model.json nested 100 levels deep',
    json: `${'['.repeat(100)}${']'.repeat(100)}`,
    code: 'too-deep',
    names: 'model.json',
  },
  {
    what: 'a duplicate tensor name in the header',
    weights: safetensorsFile(goodHeader.replace('"out/kernel"', '"out/bias"').trimEnd(), goodData),
    code: 'duplicate-key',
    names: '"out/bias"',
  },
  {
    what: 'a duplicate key in model.json',
    json: good.json.replace('"name": "small"', '"name": "small", "name": "other"'),
    code: 'duplicate-key',
    names: '"name"',
  },
  {
    what: 'a __proto__ key in the header',
    weights: safetensorsFile(goodHeader.replace('"out/bias"', '"__proto__"'), goodData),
    code: 'forbidden-key',
    names: '"__proto__"',
  },
  {
    what: 'a constructor key in model.json',
    json: good.json.replace('"name": "hidden"', '"name": "hidden", "constructor": {}'),
    code: 'forbidden-key',
    names: '"constructor"',
  },
  {
    what: 'a prototype key in the metadata',
    weights: safetensorsFile(goodHeader.replace('"format"', '"prototype"'), goodData),
    code: 'forbidden-key',
    names: '"prototype"',
  },
  {
    what: 'a layer class outside the allow-list',
    json: jsonWith((d) => {
      (d['layers'] as { className: string }[])[1]!.className = 'Function';
    }),
    code: 'unknown-class',
    names: "'Function'",
  },
  {
    what: 'a model class outside the allow-list',
    json: jsonWith((d) => {
      d['className'] = 'eval';
    }),
    code: 'unknown-class',
    names: '"eval"',
  },
  {
    what: 'an activation outside the catalogue',
    json: jsonWith((d) => {
      layerConfig(d, 1)['activation'] = 'eval';
    }),
    code: 'unknown-activation',
    names: "'eval'",
  },
  {
    what: 'a dtype outside the closed set',
    weights: weightsWith((h) => {
      h['out/bias']!.dtype = 'I64';
      h['out/bias']!.shape = [1];
    }),
    code: 'bad-dtype',
    names: '"out/bias"',
  },
  {
    what: 'a model dtype outside the closed set',
    json: jsonWith((d) => {
      d['dtype'] = 'int8';
    }),
    code: 'bad-dtype',
    names: 'int8',
  },
  {
    what: 'a negative dimension',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [-2];
    }),
    code: 'bad-shape',
    names: '"out/bias"',
  },
  {
    what: 'a fractional dimension',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [2.5];
    }),
    code: 'bad-shape',
    names: '"out/bias"',
  },
  {
    what: 'a dimension of 2^31',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [2 ** 31];
    }),
    code: 'bad-shape',
    names: '"out/bias"',
  },
  {
    what: 'a shape claiming 2^40 elements',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [2 ** 20, 2 ** 20];
    }),
    code: 'too-many-elements',
    names: '"out/bias"',
  },
  {
    what: 'a shape whose product leaves the safe integers',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1];
    }),
    code: 'too-many-elements',
    names: '"out/bias"',
  },
  {
    what: 'offsets with begin after end',
    weights: weightsWith((h) => {
      h['out/bias']!.data_offsets = [44, 36];
    }),
    code: 'bad-offsets',
    names: '"out/bias"',
  },
  {
    what: 'a fractional offset',
    weights: weightsWith((h) => {
      h['out/bias']!.data_offsets = [36.5, 44];
    }),
    code: 'bad-offsets',
    names: '"out/bias"',
  },
  {
    what: 'overlapping tensors',
    weights: weightsWith((h) => {
      h['out/bias']!.data_offsets = [32, 40];
    }),
    code: 'overlap',
    names: '"out/bias"',
  },
  {
    what: 'a gap between tensors',
    weights: weightsWith((h) => {
      h['out/kernel']!.data_offsets = [48, 72];
    }, 72),
    code: 'gap',
    names: '"out/kernel"',
  },
  {
    what: 'a tensor running past the end',
    weights: weightsWith(() => {}, goodData.subarray(0, 60)),
    code: 'past-end',
    names: '"out/kernel"',
  },
  {
    what: 'bytes after the last tensor',
    weights: weightsWith(() => {}, 72),
    code: 'trailing-bytes',
    names: '4 bytes',
  },
  {
    what: 'a byte length that is not elements x dtype size',
    weights: weightsWith((h) => {
      h['out/bias']!.shape = [3];
    }),
    code: 'byte-length',
    names: '"out/bias"',
  },
  {
    what: 'a tensor name with a control character',
    weights: safetensorsFile(goodHeader.replace('"out/bias"', '"out/\\u0000bias"'), goodData),
    code: 'bad-name',
    names: 'out/\\u0000bias',
  },
  {
    what: 'an unknown key in a header entry',
    weights: safetensorsFile(
      goodHeader.replace('"dtype":"F32"', '"code":"x","dtype":"F32"'),
      goodData,
    ),
    code: 'bad-header',
    names: '"code"',
  },
  {
    what: 'a weight the architecture needs that the file lacks',
    weights: weightsWith(
      (h) => {
        delete h['out/kernel'];
      },
      goodData.subarray(0, 44),
    ),
    code: 'missing-tensor',
    names: '"out/kernel"',
  },
  {
    what: 'a tensor the architecture does not have',
    weights: weightsWith((h) => {
      h['extra'] = { dtype: 'F32', shape: [0], data_offsets: [68, 68] };
    }),
    code: 'unexpected-tensor',
    names: '"extra"',
  },
  {
    what: 'a weight whose shape differs from the architecture',
    weights: weightsWith((h) => {
      h['hidden/kernel']!.shape = [3, 2];
    }),
    code: 'shape-mismatch',
    names: '"hidden/kernel"',
  },
  {
    what: 'an architecture wider than the file',
    json: jsonWith((d) => {
      layerConfig(d, 1)['units'] = 2 ** 20;
    }),
    code: 'shape-mismatch',
    names: '"hidden/kernel"',
  },
  {
    what: 'an architecture too large to allocate',
    json: jsonWith((d) => {
      layerConfig(d, 1)['units'] = 2 ** 31 - 1;
    }),
    code: 'too-many-elements',
    names: '"hidden/kernel"',
  },
  {
    what: 'NaN weights',
    weights: safetensorsFile(
      goodHeader,
      (() => {
        const d = goodData.slice();
        d.set(floats([Number.NaN]), 36);
        return d;
      })(),
    ),
    code: 'non-finite',
    names: '"out/bias"',
  },
  {
    what: 'a file of another format',
    json: jsonWith((d) => {
      d['format'] = 'keras';
    }),
    code: 'bad-format',
    names: 'keras',
  },
];

describe('the model loader refuses each kind of bad file with its own LoadError code', () => {
  it('loads the unbroken files (so each refusal below is caused by its one change)', () => {
    expect(modelFromFiles(good.json, good.weights).countParams()).toBe(17);
  });

  for (const r of rules) {
    it(`refuses ${r.what} with code ${r.code}, naming it`, () => {
      const e = refusal(r.json ?? good.json, r.weights ?? good.weights);
      expect(e.code).toBe(r.code);
      expect(e.message).toContain(r.names);
      expect(e.message).not.toContain('\n');
    });
  }

  it('accepts non-finite weights when asked to', () => {
    const d = goodData.slice();
    d.set(floats([Number.POSITIVE_INFINITY]), 36);
    const m = modelFromFiles(good.json, safetensorsFile(goodHeader, d), { allowNonFinite: true });
    expect(m.weights.find((w) => w.path === 'out/bias')!.tensor.data[0]).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('refuses a 2^40-element claim in a file on disk before reading its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actlab-huge-'));
    writeFileSync(join(dir, 'model.json'), good.json);
    const huge = weightsWith((h) => {
      h['out/bias']!.shape = [2 ** 20, 2 ** 20];
      h['out/bias']!.data_offsets = [36, 36 + 4 * 2 ** 40];
      h['out/kernel']!.data_offsets = [36 + 4 * 2 ** 40, 60 + 4 * 2 ** 40];
    });
    writeFileSync(join(dir, 'weights.safetensors'), huge);
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'too-many-elements' });
  });
});

describe('actlab summary --model DIR reads the weights through the same loader', () => {
  const saved = (json: string, weights: Uint8Array) => {
    const dir = mkdtempSync(join(tmpdir(), 'actlab-summary-'));
    writeFileSync(join(dir, 'model.json'), json);
    writeFileSync(join(dir, 'weights.safetensors'), weights);
    return dir;
  };

  it('prints the table of a good saved model', async () => {
    const r = await cli(['summary', '--model', saved(good.json, good.weights)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hidden (Dense)');
  });

  for (const r of rules.filter((x) =>
    ['overlap', 'non-finite', 'duplicate-key'].includes(x.code),
  )) {
    it(`prints one line and exits 2 for ${r.what}`, async () => {
      const dir = saved(r.json ?? good.json, r.weights ?? good.weights);
      const line = expectUsageError(await cli(['summary', '--model', dir]));
      expect(line).toContain(`[${r.code}]`);
      expect(line).toContain(r.names);
    });
  }

  it('reads a model description file with the same strict JSON reader', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'actlab-desc-')), 'model.json');
    writeFileSync(file, '{"model": "mlp", "hidden": [4], "hidden": [400000]}');
    const line = expectUsageError(await cli(['summary', '--model', file]));
    expect(line).toContain('duplicate key "hidden"');
  });

  it('accepts non-finite weights with --allow-nonfinite', async () => {
    const d = goodData.slice();
    d.set(floats([Number.NaN]), 36);
    const dir = saved(good.json, safetensorsFile(goodHeader, d));
    const r = await cli(['summary', '--model', dir, '--allow-nonfinite']);
    expect(r.code).toBe(0);
  });
});

describe('the strict JSON reader', () => {
  const opts = { what: 'test', maxDepth: 64 };

  it('reads what JSON.parse reads, for any JSON value without repeated or prototype keys', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        // fast-check may generate "__proto__" keys, which the strict reader refuses by design.
        fc.pre(!/"(__proto__|constructor|prototype)":/.test(text));
        expect(parseStrictJson(text, opts)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500, seed: 4 },
    );
  });

  it('refuses what JSON.parse refuses, with a LoadError', () => {
    for (const bad of [
      '',
      '{',
      '[1,]',
      '{"a":1,}',
      '01',
      '1.',
      '"\\x"',
      "'a'",
      'nul',
      '1 2',
      '"\n"',
    ]) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(() => parseStrictJson(bad, opts)).toThrow(LoadError);
    }
  });

  it('refuses a repeated key that JSON.parse would silently keep the last of', () => {
    expect(JSON.parse('{"a":1,"a":2}')).toEqual({ a: 2 });
    expect(() => parseStrictJson('{"a":1,"a":2}', opts)).toThrow(/duplicate key "a"/);
  });

  it('counts nesting depth from 1 at the top level', () => {
    expect(parseStrictJson('[[1]]', { what: 't', maxDepth: 2 })).toEqual([[1]]);
    expect(() => parseStrictJson('[[[1]]]', { what: 't', maxDepth: 2 })).toThrow(/deeper than 2/);
  });
});
