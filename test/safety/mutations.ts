/**
 * Mutations of valid model files for the loader fuzz test: raw bytes, the
 * length field, the header JSON (as text, and as values: shapes, offsets,
 * dtypes, names), and model.json (as text, and as values: classes,
 * activations, configs, keys).
 */
import fc from 'fast-check';
import { type ModelFiles, safetensorsFile, splitSafetensors } from './files.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Values chosen to hit the rules: extremes of the caps, wrong types, names from outside the allow-lists. */
const nasty = fc.constantFrom<Json>(
  -1,
  0,
  0.5,
  2 ** 20,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 40,
  2 ** 53,
  1e308,
  '',
  'F16',
  'I64',
  'F64',
  'eval',
  'Function',
  'Lambda',
  '__proto__',
  'constructor',
  'linear',
  'softmax',
  [],
  [2 ** 20, 2 ** 20],
  [0],
  [1, 1, 1, 1],
  {},
);
const value: fc.Arbitrary<Json> = fc.oneof(
  nasty,
  fc.integer({ min: -4, max: 80 }),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.array(fc.integer({ min: -1, max: 2 ** 31 }), { maxLength: 4 }),
);
const keyName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'shape', 'dtype', 'name', 'units'),
  fc.string({ maxLength: 10 }),
);

/** Every path to a value inside a JSON document. */
function paths(doc: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push(...paths(v, [...prefix, i]));
    });
  } else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type ValueEdit =
  | { readonly op: 'set'; readonly at: number; readonly value: Json }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'rename'; readonly at: number; readonly key: string };

const valueEdit: fc.Arbitrary<ValueEdit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: keyName }),
);

/** Applies value edits to a copy of a document; renames are written as text so "__proto__" stays a key. */
function editJson(text: string, edits: readonly ValueEdit[]): string {
  const doc = JSON.parse(text) as Json;
  const renames: [string, string][] = [];
  for (const e of edits) {
    const all = paths(doc).filter((p) => p.length > 0);
    const path = all[e.at % all.length]!;
    let parent = doc as Record<string | number, Json>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const last = path[path.length - 1]!;
    if (e.op === 'set') parent[last] = e.value;
    else if (e.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (typeof last === 'string') {
      const marker = `\u0001rename${renames.length}`;
      parent[marker] = parent[last]!;
      delete parent[last];
      renames.push([marker, e.key]);
    }
  }
  let out = JSON.stringify(doc);
  for (const [marker, key] of renames)
    out = out.replace(JSON.stringify(marker), JSON.stringify(key));
  return out;
}

type TextEdit = { readonly at: number; readonly cut: number; readonly insert: string };
const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat(),
  cut: fc.integer({ min: 0, max: 3 }),
  insert: fc.oneof(
    fc.constantFrom(
      '',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      '0',
      '-',
      'e9',
      '\u0000',
      '"a":1,',
    ),
    fc.string({ maxLength: 4 }),
  ),
});

function editText(text: string, edits: readonly TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const at = e.at % (t.length + 1);
    t = t.slice(0, at) + e.insert + t.slice(at + e.cut);
  }
  return t;
}

export type Mutation =
  | { readonly kind: 'bytes'; readonly flips: readonly (readonly [number, number])[] }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'extend'; readonly bytes: Uint8Array }
  | { readonly kind: 'length'; readonly claimed: bigint }
  | { readonly kind: 'header-values'; readonly edits: readonly ValueEdit[] }
  | { readonly kind: 'header-text'; readonly edits: readonly TextEdit[] }
  | { readonly kind: 'shift'; readonly tensor: number; readonly by: number }
  | { readonly kind: 'json-values'; readonly edits: readonly ValueEdit[] }
  | { readonly kind: 'json-text'; readonly edits: readonly TextEdit[] };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('bytes' as const),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 6,
    }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('extend' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant('length' as const),
    claimed: fc.oneof(
      fc.bigInt({ min: 0n, max: 600n }),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    ),
  }),
  fc.record({
    kind: fc.constant('header-values' as const),
    edits: fc.array(valueEdit, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('header-text' as const),
    edits: fc.array(textEdit, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('shift' as const),
    tensor: fc.nat(),
    by: fc.integer({ min: -12, max: 12 }),
  }),
  fc.record({
    kind: fc.constant('json-values' as const),
    edits: fc.array(valueEdit, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('json-text' as const),
    edits: fc.array(textEdit, { minLength: 1, maxLength: 3 }),
  }),
);

/** The files with one mutation applied (the safetensors length field kept right unless that is the mutation). */
export function mutate(files: ModelFiles, m: Mutation): ModelFiles {
  const { json, weights } = files;
  const { header, data } = splitSafetensors(weights);
  switch (m.kind) {
    case 'bytes': {
      const w = weights.slice();
      for (const [at, b] of m.flips) w[at % w.length] = b;
      return { json, weights: w };
    }
    case 'truncate':
      return { json, weights: weights.slice(0, m.at % weights.length) };
    case 'extend': {
      const w = new Uint8Array(weights.length + m.bytes.length);
      w.set(weights);
      w.set(m.bytes, weights.length);
      return { json, weights: w };
    }
    case 'length': {
      const w = weights.slice();
      new DataView(w.buffer).setBigUint64(0, m.claimed, true);
      return { json, weights: w };
    }
    case 'header-values':
      return { json, weights: safetensorsFile(editJson(header, m.edits), data) };
    case 'header-text':
      return { json, weights: safetensorsFile(editText(header, m.edits), data) };
    case 'shift': {
      // Both ends move together, so the byte length still fits and the tiling check has to catch it.
      const h = JSON.parse(header) as Record<string, { data_offsets?: number[] }>;
      const names = Object.keys(h).filter((k) => k !== '__metadata__');
      const e = h[names[m.tensor % names.length]!]!;
      e.data_offsets = e.data_offsets!.map((o) => o + m.by);
      return { json, weights: safetensorsFile(JSON.stringify(h), data) };
    }
    case 'json-values':
      return { json: editJson(json, m.edits), weights };
    case 'json-text':
      return { json: editText(json, m.edits), weights };
  }
}
