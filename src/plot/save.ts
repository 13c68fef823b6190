/**
 * Writing charts and generated files. Every write goes to a temporary file in
 * the target directory and is renamed into place, so a failure (a bad spec, a
 * full disk, Ctrl-C) never leaves a half-written file behind.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../activations/index.js';
import { renderSvg, svgToPng } from './render.js';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export type ImageFormat = 'svg' | 'png';

/** The image format named by a file's extension; anything else is a UsageError. */
export function imageFormatOf(path: string): ImageFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new UsageError(`output '${path}' must end in .svg or .png`);
}

/** Renders the chart in the format its file name asks for and writes it atomically. */
export async function saveChart(spec: TopLevelSpec, path: string): Promise<void> {
  const format = imageFormatOf(path);
  const svg = await renderSvg(spec);
  writeFileAtomic(path, format === 'svg' ? svg : svgToPng(svg));
}
