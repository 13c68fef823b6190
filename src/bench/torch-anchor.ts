/**
 * The PyTorch anchor: runs bench/anchors/torch_activations.py with Debian's
 * /usr/bin/python3 when it can import torch, and reads its JSON. Absent
 * PyTorch is not an error: the benchmark then reports null for its columns.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The interpreter that has Debian's python3-torch (not whatever python3 is first on PATH). */
export const TORCH_PYTHON = '/usr/bin/python3';

export interface TorchActivations {
  readonly torch: string;
  readonly memcpy: number;
  readonly activations: Readonly<
    Record<string, { readonly fwd: number; readonly fwd_bwd: number }>
  >;
}

/** bench/anchors/ sits two levels above both src/bench and dist/bench. */
function anchorPath(name: string): string {
  return fileURLToPath(new URL(`../../bench/anchors/${name}`, import.meta.url));
}

export function torchAvailable(): boolean {
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return r.status === 0;
}

/** One single-threaded run of the anchor over `ids`; undefined when PyTorch is missing. */
export function runTorchActivations(
  n: number,
  repeats: number,
  ids: readonly string[],
): TorchActivations | undefined {
  if (!torchAvailable()) return undefined;
  const args = [anchorPath('torch_activations.py'), '--n', String(n), '--repeats', String(repeats)];
  const r = spawnSync(TORCH_PYTHON, [...args, '--threads', '1', '--only', ids.join(',')], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    throw new Error(`the PyTorch anchor failed (exit ${r.status}): ${r.stderr.trim()}`);
  }
  return JSON.parse(r.stdout) as TorchActivations;
}
