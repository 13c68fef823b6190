/**
 * The streams a CLI run talks to. Passed in rather than taken from `process`
 * so that tests can run the whole CLI in-process and read what it printed.
 */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIO {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Absent when there is nothing to read (an interactive terminal). */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
}

/** All of stdin as text ('' when there is no stdin). */
export async function readAll(stdin: CliIO['stdin']): Promise<string> {
  if (stdin === undefined) return '';
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

export function writeLine(sink: TextSink, line = ''): void {
  sink.write(`${line}\n`);
}

/** stderr as fit()'s progress stream: the bar redraws in place only on a terminal. */
export function stderrProgress(io: CliIO): { write(text: string): void; isTTY: boolean } {
  return {
    write: (t: string) => io.stderr.write(t),
    isTTY: (io.stderr as { isTTY?: boolean }).isTTY === true,
  };
}
