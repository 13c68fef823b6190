/** `actlab list`: the catalogue as a table, or as JSON. */
import type { Command } from 'commander';
import { listActivations } from '../../activations/index.js';
import { catalogueEntry, SUMMARY_HEADERS, summaryRow } from '../../report/catalogue.js';
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';
import { toJson } from '../json.js';
import { formatTable } from '../table.js';

/** The catalogue table as lines of text (also printed by `actlab start`). */
export function catalogueTable(): string[] {
  const keys = Object.keys(SUMMARY_HEADERS) as (keyof typeof SUMMARY_HEADERS)[];
  const rows = listActivations().map((spec) => {
    const row = summaryRow(spec);
    return keys.map((k) => row[k]);
  });
  return formatTable(
    keys.map((k) => SUMMARY_HEADERS[k]),
    rows,
  );
}

export function registerList(program: Command, ctx: CommandContext): void {
  program
    .command('list')
    .description('list every activation with its parameters and properties')
    .option('--json', 'print a JSON array instead of a table')
    .action((opts: { json?: boolean }) => {
      const { stdout } = ctx.io;
      if (opts.json) {
        writeLine(stdout, toJson(listActivations().map(catalogueEntry), 2));
        return;
      }
      for (const line of catalogueTable()) writeLine(stdout, line);
    });
}
