/**
 * The options of `actlab train` that keep a run safe, shared by every kind of
 * training: checkpoints (--checkpoint-dir, --checkpoint-every, and the
 * checkpoints/ folder of --save), --resume, the NaN guard (--on-nan) and
 * --allow-nonfinite. A guard stop prints one line and exits with code 3; a
 * refused checkpoint is bad input (one line, exit code 2).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../activations/errors.js';
import {
  CHECKPOINT_SUBDIR,
  describeNonFinite,
  type FitOptions,
  type History,
  LoadError,
  NON_FINITE_POLICIES,
  NonFiniteError,
  type NonFinitePolicy,
} from '../../nn/index.js';
import type { CommandContext } from '../context.js';
import { parseIntOption } from './nn-options.js';

/** Exit code of a run the NaN guard stopped (2 is bad input, 1 any other failure). */
export const NON_FINITE_EXIT = 3;

export interface SafetyFlags {
  save?: string;
  checkpointDir?: string;
  checkpointEvery?: number;
  resume?: string;
  onNan?: string;
  allowNonfinite?: boolean;
}

export function addSafetyOptions(cmd: Command): Command {
  return cmd
    .option(
      '--checkpoint-dir <dir>',
      'write a checkpoint here after every epoch (default with --save: DIR/checkpoints)',
    )
    .option(
      '--checkpoint-every <n>',
      'also write a checkpoint every n batches',
      parseIntOption('--checkpoint-every', 1),
    )
    .option(
      '--resume <dir>',
      'continue from the newest intact checkpoint in a --save or --checkpoint-dir directory (or one checkpoint file), bitwise as if never stopped',
    )
    .option(
      '--on-nan <policy>',
      'a NaN or infinite loss or gradient: stop (exit code 3), skip the step, or ignore',
      'stop',
    )
    .option('--allow-nonfinite', 'accept NaN and infinite weights in a loaded model or checkpoint');
}

function isPolicy(v: string): v is NonFinitePolicy {
  return (NON_FINITE_POLICIES as readonly string[]).includes(v);
}

/** Where checkpoints go: --checkpoint-dir, else the checkpoints/ folder of --save, else nowhere. */
function checkpointDir(flags: SafetyFlags): string | undefined {
  if (flags.checkpointDir !== undefined) return flags.checkpointDir;
  return flags.save === undefined ? undefined : join(flags.save, CHECKPOINT_SUBDIR);
}

/** --resume must name a checkpoint file or a directory holding some (its checkpoints/ folder included). */
function checkResumable(path: string): void {
  if (!existsSync(path))
    throw new UsageError(`--resume: no checkpoint directory or file '${path}'`);
  if (!statSync(path).isDirectory()) return;
  const sub = join(path, CHECKPOINT_SUBDIR);
  const dir = existsSync(sub) && statSync(sub).isDirectory() ? sub : path;
  if (!readdirSync(dir).some((f) => /^ckpt-\d+\.safetensors$/.test(f)))
    throw new UsageError(`--resume: no checkpoint (ckpt-*.safetensors) in '${dir}'`);
}

/** The fit() options these flags ask for; a UsageError for a combination that cannot work. */
export function safetyFitOptions(flags: SafetyFlags, { io }: CommandContext): FitOptions {
  const policy = flags.onNan ?? 'stop';
  if (!isPolicy(policy)) {
    throw new UsageError(
      `--on-nan must be one of ${NON_FINITE_POLICIES.join(', ')} (got '${policy}')`,
    );
  }
  const dir = checkpointDir(flags);
  if (flags.resume !== undefined) checkResumable(flags.resume);
  if (flags.checkpointEvery !== undefined && dir === undefined)
    throw new UsageError('--checkpoint-every needs --save or --checkpoint-dir to write to');
  return {
    onNonFinite: policy,
    onSkippedStep: (r) => io.stderr.write(`warning: step skipped: ${describeNonFinite(r)}\n`),
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    ...(dir === undefined ? {} : { checkpointDir: dir }),
    ...(flags.checkpointEvery === undefined ? {} : { checkpointEvery: flags.checkpointEvery }),
    ...(flags.resume === undefined ? {} : { resumeFrom: flags.resume }),
    ...(flags.allowNonfinite === true ? { allowNonFinite: true } : {}),
  };
}

/**
 * Runs fit(): a NaN-guard stop becomes one line on stderr and exit code 3
 * (returning null), a refused checkpoint a UsageError (one line, exit code 2).
 */
export async function fitSafely(
  train: () => Promise<History>,
  flags: SafetyFlags,
  ctx: CommandContext,
): Promise<History | null> {
  try {
    return await train();
  } catch (e) {
    if (e instanceof NonFiniteError) {
      const dir = checkpointDir(flags);
      const kept = dir === undefined ? '' : `, the checkpoints in ${dir} are intact`;
      ctx.io.stderr.write(
        `error: training stopped: ${e.message}; the weights are as they were before this step, nothing was saved${kept} (--on-nan skip leaves such steps out)\n`,
      );
      ctx.exitCode = NON_FINITE_EXIT;
      return null;
    }
    if (e instanceof LoadError)
      throw new UsageError(`--resume ${flags.resume}: ${e.message} [${e.code}]`);
    throw e;
  }
}
