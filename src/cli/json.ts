/**
 * JSON output for data verbs. JSON has no NaN or ±Infinity, and JSON.stringify
 * silently turns them into null (and -0 into 0); the CLI writes them as the
 * strings "NaN", "Infinity", "-Infinity" and keeps the sign of zero, so that
 * every number read back is the number computed.
 */
export type JsonValue =
  | number
  | string
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

function encodeNumber(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (v === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  if (Object.is(v, -0)) return '-0';
  // String(v) is the shortest decimal that reads back as exactly v.
  return String(v);
}

/** Serialises like JSON.stringify(value, null, indent), with the number rules above. */
export function toJson(value: JsonValue, indent = 0): string {
  const pad = (depth: number) => (indent > 0 ? `\n${' '.repeat(indent * depth)}` : '');
  const sep = indent > 0 ? ': ' : ':';
  const encode = (v: JsonValue, depth: number): string => {
    if (typeof v === 'number') return encodeNumber(v);
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return JSON.stringify(v);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      // Arrays of numbers stay on one line: a column of 1000 values helps nobody.
      if (v.every((e) => typeof e === 'number')) {
        return `[${v.map((e) => encodeNumber(e as number)).join(indent > 0 ? ', ' : ',')}]`;
      }
      const items = v.map((e: JsonValue) => pad(depth + 1) + encode(e, depth + 1));
      return `[${items.join(',')}${pad(depth)}]`;
    }
    const entries = Object.entries(v as Record<string, JsonValue | undefined>).filter(
      (e): e is [string, JsonValue] => e[1] !== undefined,
    );
    if (entries.length === 0) return '{}';
    const items = entries.map(
      ([k, e]) => `${pad(depth + 1)}${JSON.stringify(k)}${sep}${encode(e, depth + 1)}`,
    );
    return `{${items.join(',')}${pad(depth)}}`;
  };
  return encode(value, 0);
}
