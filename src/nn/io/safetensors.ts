/**
 * The safetensors format (huggingface/safetensors), so PyTorch users can read
 * actlab weights: an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}`
 * (padded with spaces to a multiple of 8), then the raw little-endian data.
 *
 * The reader trusts nothing: every rule breaks with a LoadError before any
 * large allocation (header cap, dtype, safe shape products, offsets that must
 * tile the data buffer exactly, no prototype keys).
 */
export type SafeDType = 'F32' | 'F64';

export interface NamedArray {
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** A model file that cannot be trusted or understood. Never anything else is thrown by the readers. */
export class LoadError extends Error {
  override name = 'LoadError';
}

const BYTES: Readonly<Record<SafeDType, number>> = { F32: 4, F64: 8 };
/** Header JSON above this size is refused (the reference implementation uses 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
/** Element count above which a tensor is refused before allocation. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Serialises named arrays (sorted by name, so the file is canonical) into one buffer. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, NamedArray>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = { ...metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const bytes = t.data.length * BYTES[t.dtype];
    if ((t.dtype === 'F32') !== t.data instanceof Float32Array) {
      throw new Error(`tensor '${name}': dtype ${t.dtype} does not match its array`);
    }
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  // Pad with spaces so the data starts 8-byte aligned (as the Rust writer does).
  const pad = (8 - (raw.length % 8)) % 8;
  json += ' '.repeat(pad);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  const le = isLittleEndian();
  for (const name of names) {
    const t = tensors.get(name)!;
    if (le) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
      pos += t.data.byteLength;
    } else {
      for (const v of t.data) {
        if (t.dtype === 'F32') view.setFloat32(pos, v, true);
        else view.setFloat64(pos, v, true);
        pos += BYTES[t.dtype];
      }
    }
  }
  return out;
}

export interface DecodedSafetensors {
  readonly tensors: Map<string, NamedArray>;
  readonly metadata: Record<string, string>;
}

function fail(msg: string): never {
  throw new LoadError(`safetensors: ${msg}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Entry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, v: unknown): Entry {
  if (!isPlainObject(v)) fail(`entry '${name}' is not an object`);
  const dtype = v['dtype'];
  if (dtype !== 'F32' && dtype !== 'F64')
    fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(dtype)} (F32, F64)`);
  const shape = v['shape'];
  if (!Array.isArray(shape)) fail(`tensor '${name}' has no shape array`);
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || (d as number) < 0)
      fail(`tensor '${name}' has a bad dimension ${JSON.stringify(d)}`);
    count *= d as number;
    if (!Number.isSafeInteger(count) || count > MAX_ELEMENTS)
      fail(`tensor '${name}' claims too many elements`);
  }
  const offs = v['data_offsets'];
  if (!Array.isArray(offs) || offs.length !== 2)
    fail(`tensor '${name}' has no [begin, end] data_offsets`);
  const [begin, end] = offs as unknown[];
  if (
    !Number.isSafeInteger(begin) ||
    !Number.isSafeInteger(end) ||
    (begin as number) < 0 ||
    (end as number) < (begin as number)
  ) {
    fail(`tensor '${name}' has bad data_offsets ${JSON.stringify(offs)}`);
  }
  if ((end as number) - (begin as number) !== count * BYTES[dtype]) {
    fail(
      `tensor '${name}': ${(end as number) - (begin as number)} bytes for shape [${shape.join(', ')}] of ${dtype}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin: begin as number, end: end as number };
}

/** Reads a safetensors buffer; throws LoadError (and only LoadError) on anything malformed. */
export function decodeSafetensors(buf: Uint8Array): DecodedSafetensors {
  try {
    return decode(buf);
  } catch (e) {
    if (e instanceof LoadError) throw e;
    throw new LoadError(`safetensors: ${(e as Error).message}`);
  }
}

function decode(buf: Uint8Array): DecodedSafetensors {
  if (buf.length < 8) fail(`file of ${buf.length} bytes is shorter than the 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    fail(`header of ${n} bytes is over the ${MAX_HEADER_BYTES}-byte cap`);
  const headerLen = Number(n);
  if (8 + headerLen > buf.length)
    fail(`header of ${headerLen} bytes runs past the end of the file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen)),
    );
  } catch {
    fail('header is not valid UTF-8 JSON');
  }
  if (!isPlainObject(parsed)) fail('header is not a JSON object');
  const metadata: Record<string, string> = Object.create(null);
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (FORBIDDEN_KEYS.has(key)) fail(`forbidden key '${key}' in header`);
    if (key === '__metadata__') {
      if (!isPlainObject(value)) fail('__metadata__ is not an object');
      for (const [mk, mv] of Object.entries(value)) {
        if (FORBIDDEN_KEYS.has(mk)) fail(`forbidden key '${mk}' in __metadata__`);
        if (typeof mv !== 'string') fail(`__metadata__ value of '${mk}' is not a string`);
        metadata[mk] = mv;
      }
      continue;
    }
    entries.push(parseEntry(key, value));
  }
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  // The offsets must tile [0, dataLen) exactly: no overlap, no gap, nothing past the end.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin !== expected) {
      fail(
        e.begin < expected
          ? `tensor '${e.name}' overlaps another`
          : `gap before tensor '${e.name}'`,
      );
    }
    expected = e.end;
  }
  if (expected !== dataLen) {
    fail(
      expected > dataLen
        ? `tensors run past the end of the file (${expected} > ${dataLen} bytes)`
        : `${dataLen - expected} bytes after the last tensor`,
    );
  }
  const tensors = new Map<string, NamedArray>();
  for (const e of entries) {
    const count = (e.end - e.begin) / BYTES[e.dtype];
    const data = e.dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
    const base = dataStart + e.begin;
    for (let i = 0; i < count; i++) {
      data[i] =
        e.dtype === 'F32'
          ? view.getFloat32(base + 4 * i, true)
          : view.getFloat64(base + 8 * i, true);
    }
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata: { ...metadata } };
}
