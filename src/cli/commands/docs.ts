/**
 * `actlab docs`: writes docs/activations.md and docs/plots/<id>.svg from the
 * specs; `--check` only compares the markdown and exits 1 when it is stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type ElementwiseSpec, listActivations } from '../../activations/index.js';
import { writeFileAtomic } from '../../plot/save.js';
import { catalogueMarkdown, plotPath } from '../../report/catalogue-markdown.js';
import { activationFigureSvg } from '../../report/figures.js';
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';

interface DocsOptions {
  readonly check?: boolean;
  readonly dir: string;
}

export function registerDocs(program: Command, ctx: CommandContext): void {
  program
    .command('docs')
    .description('generate docs/activations.md and its plots from the activation specs')
    .option('--check', 'exit 1 if the committed markdown differs from what would be generated')
    .option('--dir <dir>', 'documentation directory', 'docs')
    .action(async (opts: DocsOptions) => {
      const specs = listActivations();
      const markdown = catalogueMarkdown(specs);
      const path = join(opts.dir, 'activations.md');
      if (opts.check) {
        const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
        if (current === markdown) {
          writeLine(ctx.io.stdout, `${path} is up to date`);
        } else {
          writeLine(ctx.io.stderr, `${path} is out of date: run \`npm run docs\` (actlab docs)`);
          ctx.exitCode = 1;
        }
        return;
      }
      const plotted = specs.filter((s): s is ElementwiseSpec => s.kind === 'elementwise');
      for (const spec of plotted) {
        writeFileAtomic(join(opts.dir, plotPath(spec.id)), await activationFigureSvg(spec));
      }
      writeFileAtomic(path, markdown);
      writeLine(ctx.io.stdout, `wrote ${path} and ${plotted.length} plots`);
    });
}
