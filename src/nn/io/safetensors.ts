/**
 * The safetensors format (huggingface/safetensors), so PyTorch users can read
 * actlab weights: an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}`
 * (padded with spaces to a multiple of 8), then the raw little-endian data.
 *
 * The reader trusts nothing: every rule breaks with a LoadError before any
 * large allocation (header cap, strict JSON without duplicate or prototype
 * keys, names, dtype, dimensions and their products, offsets that must tile
 * the data buffer exactly).
 */
import { LoadError, type LoadErrorCode, quoteName } from './load-error.js';
import { parseStrictJsonBytes } from './strict-json.js';

export type SafeDType = 'F32' | 'F64';

export interface NamedArray {
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

export { LoadError, type LoadErrorCode } from './load-error.js';

const BYTES: Readonly<Record<SafeDType, number>> = { F32: 4, F64: 8 };
/** Header JSON above this size is refused (the reference implementation uses 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
/** Largest dimension, and largest element count of one tensor: refused above, before allocation. */
export const MAX_DIMENSION = 2 ** 31 - 1;
export const MAX_ELEMENTS = 2 ** 31 - 1;
/** Longest tensor name accepted. */
export const MAX_NAME_LENGTH = 1024;

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

/** One tensor as the header describes it; begin and end are relative to the data section. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: SafeDType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A validated header: every entry checked, the offsets known to tile the data section. */
export interface SafetensorsHeader {
  /** The tensors, sorted by name. */
  readonly entries: readonly TensorEntry[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data section in the file. */
  readonly dataStart: number;
}

function fail(code: LoadErrorCode, msg: string): never {
  throw new LoadError(code, `safetensors: ${msg}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkName(name: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    fail(
      'bad-name',
      `tensor name ${quoteName(name)} must be 1-${MAX_NAME_LENGTH} characters without control characters`,
    );
  }
}

/** The element count of a shape, each dimension and each partial product checked before use. */
function elementCount(name: string, shape: unknown): number {
  if (!Array.isArray(shape)) fail('bad-shape', `tensor ${quoteName(name)} has no shape list`);
  let count = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || (d as number) < 0 || (d as number) > MAX_DIMENSION) {
      fail(
        'bad-shape',
        `tensor ${quoteName(name)} has dimension ${JSON.stringify(d)}, not an integer in [0, ${MAX_DIMENSION}]`,
      );
    }
    count *= d as number;
    if (!Number.isSafeInteger(count) || count > MAX_ELEMENTS) {
      fail(
        'too-many-elements',
        `tensor ${quoteName(name)} with shape [${shape.join(', ')}] claims more than ${MAX_ELEMENTS} elements`,
      );
    }
  }
  return count;
}

function parseEntry(name: string, v: unknown): TensorEntry {
  checkName(name);
  if (!isPlainObject(v)) fail('bad-header', `entry ${quoteName(name)} is not an object`);
  for (const key of Object.keys(v)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') {
      fail('bad-header', `entry ${quoteName(name)} has an unknown key ${quoteName(key)}`);
    }
  }
  const dtype = v['dtype'];
  if (dtype !== 'F32' && dtype !== 'F64') {
    const shown = typeof dtype === 'string' ? quoteName(dtype) : typeof dtype;
    fail('bad-dtype', `tensor ${quoteName(name)} has dtype ${shown}; this reader knows F32, F64`);
  }
  const count = elementCount(name, v['shape']);
  const offs = v['data_offsets'];
  if (!Array.isArray(offs) || offs.length !== 2)
    fail('bad-offsets', `tensor ${quoteName(name)} has no [begin, end] data_offsets`);
  const [begin, end] = offs as unknown[];
  if (
    !Number.isSafeInteger(begin) ||
    !Number.isSafeInteger(end) ||
    (begin as number) < 0 ||
    (end as number) < (begin as number)
  ) {
    fail(
      'bad-offsets',
      `tensor ${quoteName(name)} has data_offsets [${String(begin)}, ${String(end)}], not 0 <= begin <= end`,
    );
  }
  const bytes = (end as number) - (begin as number);
  if (bytes !== count * BYTES[dtype]) {
    fail(
      'byte-length',
      `tensor ${quoteName(name)} spans ${bytes} bytes, but ${count} elements of ${dtype} take ${count * BYTES[dtype]}`,
    );
  }
  const dims = v['shape'] as number[];
  return { name, dtype, shape: [...dims], begin: begin as number, end: end as number };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) fail('bad-header', '__metadata__ is not an object');
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      fail('bad-header', `__metadata__ value of ${quoteName(k)} is not a string`);
    metadata[k] = v;
  }
  return metadata;
}

/** The offsets must tile [0, dataLength) exactly: no overlap, no gap, nothing past the end. */
function checkTiling(entries: readonly TensorEntry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  let previous: TensorEntry | null = null;
  for (const e of sorted) {
    if (e.begin < expected) {
      fail(
        'overlap',
        `tensor ${quoteName(e.name)} (bytes ${e.begin}-${e.end}) overlaps ${quoteName(previous!.name)} (bytes ${previous!.begin}-${previous!.end})`,
      );
    }
    if (e.begin > expected) {
      fail(
        'gap',
        `${e.begin - expected} bytes before tensor ${quoteName(e.name)} belong to no tensor`,
      );
    }
    if (e.end > dataLength) {
      fail(
        'past-end',
        `tensor ${quoteName(e.name)} ends at byte ${e.end} of a data section of ${dataLength} bytes`,
      );
    }
    expected = e.end;
    previous = e;
  }
  if (expected !== dataLength) {
    fail(
      'trailing-bytes',
      `${dataLength - expected} bytes after the last tensor belong to no tensor`,
    );
  }
}

/**
 * Reads and validates the header of a safetensors buffer without touching the
 * data: every rule is checked here, so nothing is allocated for a bad file.
 * `buf` may be just the start of a file of `fileLength` bytes, as long as it
 * holds the header.
 */
export function readSafetensorsHeader(
  buf: Uint8Array,
  fileLength: number = buf.length,
): SafetensorsHeader {
  if (fileLength < 8)
    fail('truncated', `file of ${fileLength} bytes is shorter than the 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES))
    fail('too-large', `header of ${n} bytes is over the ${MAX_HEADER_BYTES}-byte cap`);
  const headerLen = Number(n);
  if (8 + headerLen > fileLength) {
    fail(
      'truncated',
      `header of ${headerLen} bytes runs past the end of the file (${fileLength} bytes)`,
    );
  }
  // The format nests three levels: {name: {shape: [..]}}; anything deeper is not safetensors.
  const parsed = parseStrictJsonBytes(buf.subarray(8, 8 + headerLen), {
    what: 'safetensors header',
    maxDepth: 3,
  });
  if (!isPlainObject(parsed)) fail('bad-header', 'header is not a JSON object');
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '__metadata__') metadata = parseMetadata(value);
    else entries.push(parseEntry(key, value));
  }
  const dataStart = 8 + headerLen;
  checkTiling(entries, fileLength - dataStart);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, metadata, dataStart };
}

/** The values of one validated entry, copied out of the buffer. */
export function readTensor(buf: Uint8Array, header: SafetensorsHeader, e: TensorEntry): NamedArray {
  const start = header.dataStart + e.begin;
  const end = header.dataStart + e.end;
  const count = (e.end - e.begin) / BYTES[e.dtype];
  let data: Float32Array | Float64Array;
  if (isLittleEndian()) {
    // slice() copies into a fresh, aligned buffer that the typed array can view directly.
    const bytes = buf.slice(start, end).buffer;
    data = e.dtype === 'F32' ? new Float32Array(bytes) : new Float64Array(bytes);
  } else {
    const view = new DataView(buf.buffer, buf.byteOffset + start, end - start);
    data = e.dtype === 'F32' ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      data[i] = e.dtype === 'F32' ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true);
    }
  }
  return { dtype: e.dtype, shape: e.shape, data };
}

/** Reads a whole safetensors buffer; throws LoadError (and only LoadError) on anything malformed. */
export function decodeSafetensors(buf: Uint8Array): DecodedSafetensors {
  const header = readSafetensorsHeader(buf);
  const tensors = new Map<string, NamedArray>();
  for (const e of header.entries) tensors.set(e.name, readTensor(buf, header, e));
  return { tensors, metadata: { ...header.metadata } };
}
