/**
 * Saving and loading (Node): DIR/model.json (architecture, format version,
 * layer and activation names from a closed allow-list, never evaluated) and
 * DIR/weights.safetensors. Each file is written to a temporary name, synced and
 * renamed, so a crash never leaves a half-written file under the real name.
 * Node's file modules are imported on use, so this module loads in browsers too.
 */
import { UsageError } from '../activations/errors.js';
import { lookupActivation } from '../activations/registry.js';
import { type DType, Tensor } from '../tensor/tensor.js';
import { allFinite } from './finite.js';
import { LoadError, type LoadErrorCode, quoteName } from './io/load-error.js';
import {
  encodeSafetensors,
  MAX_ELEMENTS,
  MAX_HEADER_BYTES,
  type NamedArray,
  readSafetensorsHeader,
  readTensor,
  type SafetensorsHeader,
} from './io/safetensors.js';
import { isForbiddenKey, parseStrictJson, parseStrictJsonBytes } from './io/strict-json.js';
import type { JsonObject } from './json.js';
import { InputLayer, symbolicInput } from './layers/core.js';
import { LAYER_CLASS_NAMES, LAYER_CLASSES, layerFromJson } from './layers/index.js';
import type { Layer, SymbolicTensor, Weight } from './layers/layer.js';
import { Model, Sequential } from './model.js';

export const MODEL_FORMAT = 'actlab-model';
export const FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.safetensors';
/** model.json above this size is refused unread. */
const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** The architecture as JSON: layers, then the graph as nodes referring to layers by name. */
export function modelToJson(model: Model): JsonObject {
  // Nodes in an order where each comes after its inputs, the model's inputs first.
  const all = [...model.inputs, ...model.nodes];
  const index = new Map(all.map((t, i) => [t, i]));
  const layers: Layer[] = [...new Set(all.map((t) => t.node.layer))];
  return {
    format: MODEL_FORMAT,
    formatVersion: FORMAT_VERSION,
    className: model.className,
    name: model.name,
    dtype: model.dtype,
    seed: model.seed,
    layers: layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    nodes: all.map((t) => ({
      layer: t.node.layer.name,
      inputs: t.node.inputs.map((p) => index.get(p)!),
    })),
    inputs: model.inputs.map((t) => index.get(t)!),
    outputs: model.outputs.map((t) => index.get(t)!),
  };
}

function loadFail(code: LoadErrorCode, msg: string): never {
  throw new LoadError(code, `model.json: ${oneLine(msg)}`);
}

/** A constructor's message about a file's value, made safe to print on one line. */
function oneLine(msg: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped.
  const flat = msg.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return flat.length > 400 ? `${flat.slice(0, 400)}…` : flat;
}

/** Deepest nesting accepted in model.json (a Residual block nests layers inside layers). */
export const MAX_MODEL_JSON_DEPTH = 64;
/** Total weight elements a model file may declare; a larger model is refused before allocation. */
export const MAX_MODEL_ELEMENTS = 2 ** 28;

/** Refuses prototype keys and deep nesting in a document that did not come through the strict parser. */
function checkKeys(v: unknown, depth = 1): void {
  if (typeof v !== 'object' || v === null) return;
  if (depth > MAX_MODEL_JSON_DEPTH)
    loadFail('too-deep', `nested deeper than ${MAX_MODEL_JSON_DEPTH} levels`);
  if (Array.isArray(v)) {
    for (const x of v) checkKeys(x, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (isForbiddenKey(k)) loadFail('forbidden-key', `forbidden key ${quoteName(k)}`);
    checkKeys(x, depth + 1);
  }
}

function isIndex(v: unknown, n: number): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < n;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NO_ACTIVATION = new Set(['linear', 'identity', 'none']);

/**
 * Checked before any constructor sees a layer config, so the error says
 * which rule was broken: every value under a key that names an activation
 * (`activation`, `recurrentActivation`) is null or a name in the catalogue,
 * and every `name` is a string.
 */
function checkConfigTypes(v: unknown, where: string): void {
  if (Array.isArray(v)) {
    for (const x of v) checkConfigTypes(x, where);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const names = /activation$/i.test(k);
    if (names && x !== null && typeof x !== 'string')
      loadFail('bad-config', `${where}, ${k}: an activation name or null, not ${typeof x}`);
    if (k === 'name' && typeof x !== 'string')
      loadFail('bad-config', `${where}: name must be a string, not ${typeof x}`);
    if (names && typeof x === 'string' && !NO_ACTIVATION.has(x.toLowerCase())) {
      try {
        lookupActivation(x);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        loadFail('unknown-activation', `${where}, ${k}: ${e.message}`);
      }
    }
    checkConfigTypes(x, where);
  }
}

function layerFromEntry(entry: unknown, i: number): Layer {
  if (!isObject(entry)) loadFail('bad-config', `layer ${i} is not an object`);
  const cls = entry['className'];
  if (typeof cls !== 'string') loadFail('unknown-class', `layer ${i} has no className`);
  checkConfigTypes(entry['config'], `layer ${i} (${quoteName(cls)})`);
  try {
    return layerFromJson(entry);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    if (!(e instanceof UsageError)) {
      // Constructors check values, not JSON types: a list where a number belongs ends up here.
      loadFail(
        'bad-config',
        `layer ${i} (${cls}): a config value has the wrong type (${e.message})`,
      );
    }
    if (!Object.hasOwn(LAYER_CLASSES, cls)) {
      loadFail(
        'unknown-class',
        `layer ${i}: unknown layer class '${cls.slice(0, 80)}' (valid: ${LAYER_CLASS_NAMES.join(', ')})`,
      );
    }
    loadFail('bad-config', `layer ${i} (${cls}): ${e.message}`);
  }
}

/** The weights of the layers the outputs depend on, each once, in the order the layers are listed. */
function weightsReaching(outputs: readonly SymbolicTensor[], layers: Iterable<Layer>): Weight[] {
  const reached = new Set<Layer>();
  const seen = new Set<SymbolicTensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    reached.add(t.node.layer);
    stack.push(...t.node.inputs);
  }
  return [...new Set([...layers].filter((l) => reached.has(l)).flatMap((l) => l.weights))];
}

/** The shapes the file holds, by weight path: what the architecture must match one-to-one. */
export type ExpectedWeights = ReadonlyMap<string, readonly number[]>;

/**
 * Checks the weights an architecture declares before any is allocated: each
 * shape under the element cap, the total under the model cap, and, when the
 * weights file is known, the same names with the same shapes, one-to-one.
 */
function checkDeclaredWeights(
  weights: readonly Weight[],
  expected: ExpectedWeights | undefined,
): void {
  let total = 0;
  for (const w of weights) {
    let count = 1;
    for (const d of w.shape) {
      count *= d;
      if (!Number.isSafeInteger(count) || count > MAX_ELEMENTS) {
        loadFail(
          'too-many-elements',
          `weight ${quoteName(w.path)} of shape [${w.shape.join(', ')}] is over the cap`,
        );
      }
    }
    total += count;
    if (total > MAX_MODEL_ELEMENTS)
      loadFail('too-many-elements', `the layers declare more than ${MAX_MODEL_ELEMENTS} weights`);
  }
  if (expected === undefined) return;
  checkWeightNames(
    weights.map((w) => [w.path, w.shape]),
    expected,
  );
}

/** The architecture's weights and the file's tensors: same names, same shapes. */
function checkWeightNames(
  declared: readonly (readonly [string, readonly number[]])[],
  inFile: ExpectedWeights,
): void {
  const wanted = new Map(declared);
  for (const k of inFile.keys()) {
    if (!wanted.has(k))
      throw new LoadError(
        'unexpected-tensor',
        `weights: tensor ${quoteName(k)} is not a weight of the model`,
      );
  }
  for (const [path, shape] of declared) {
    const got = inFile.get(path);
    if (got === undefined)
      throw new LoadError(
        'missing-tensor',
        `weights: the model needs ${quoteName(path)}, which the file lacks`,
      );
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new LoadError(
        'shape-mismatch',
        `weights: ${quoteName(path)} has shape [${got.join(', ')}], the model needs [${shape.join(', ')}]`,
      );
    }
  }
}

export interface ModelFromJsonOptions {
  /** The shapes in the weights file: the architecture must declare exactly these. */
  readonly weights?: ExpectedWeights;
}

/** Rebuilds a model (freshly initialised) from its JSON; LoadError on anything not understood. */
export function modelFromJson(doc: unknown, opts: ModelFromJsonOptions = {}): Model {
  checkKeys(doc);
  if (!isObject(doc)) loadFail('bad-format', 'not a JSON object');
  const d = doc;
  if (d['format'] !== MODEL_FORMAT)
    loadFail('bad-format', `format is ${JSON.stringify(d['format'])}, expected '${MODEL_FORMAT}'`);
  if (d['formatVersion'] !== FORMAT_VERSION) {
    loadFail(
      'bad-format',
      `format version ${JSON.stringify(d['formatVersion'])} is not supported (this reader: ${FORMAT_VERSION})`,
    );
  }
  const cls = d['className'];
  if (cls !== 'Sequential' && cls !== 'Model')
    loadFail('unknown-class', `className must be Sequential or Model (got ${JSON.stringify(cls)})`);
  const dtype = d['dtype'];
  if (dtype !== 'float32' && dtype !== 'float64')
    loadFail('bad-dtype', `dtype must be float32 or float64 (got ${JSON.stringify(dtype)})`);
  const seed = d['seed'] ?? 0;
  if (!Number.isSafeInteger(seed)) loadFail('bad-config', 'seed must be an integer');
  const name = d['name'];
  if (name !== undefined && typeof name !== 'string')
    loadFail('bad-config', 'name must be a string');
  const layerDocs = d['layers'];
  const nodes = d['nodes'];
  if (!Array.isArray(layerDocs) || !Array.isArray(nodes))
    loadFail('bad-config', 'layers and nodes must be lists');
  const byName = new Map<string, Layer>();
  for (const [i, ld] of layerDocs.entries()) {
    const layer = layerFromEntry(ld, i);
    if (byName.has(layer.name))
      loadFail('bad-config', `two layers are named ${quoteName(layer.name)}`);
    byName.set(layer.name, layer);
  }
  const built: SymbolicTensor[] = [];
  for (const [i, nd] of nodes.entries()) {
    if (!isObject(nd)) loadFail('bad-config', `node ${i} is not an object`);
    const ref = nd['layer'];
    const layer = typeof ref === 'string' ? byName.get(ref) : undefined;
    if (layer === undefined) loadFail('bad-config', `node ${i} names an unknown layer`);
    const ins = nd['inputs'];
    if (!Array.isArray(ins) || !ins.every((k) => isIndex(k, i)))
      loadFail('bad-config', `node ${i} has bad inputs (each must be an earlier node)`);
    try {
      if (layer instanceof InputLayer) {
        if (ins.length !== 0) loadFail('bad-config', `input node ${i} cannot have inputs`);
        built.push(symbolicInput(layer));
      } else {
        built.push(layer.apply((ins as number[]).map((k) => built[k]!)));
      }
    } catch (e) {
      if (e instanceof LoadError || !(e instanceof Error)) throw e;
      // Building a layer for its input shapes runs on config values the constructor only range-checked.
      loadFail('bad-config', `node ${i} (${layer.name}): ${e.message}`);
    }
  }
  const pick = (key: string): SymbolicTensor[] => {
    const v = d[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((k) => isIndex(k, built.length)))
      loadFail('bad-config', `${key} must list node indices`);
    return (v as number[]).map((k) => built[k]!);
  };
  const inputs = pick('inputs');
  const outputs = pick('outputs');
  // Validate what the weights will cost before the model constructor allocates them.
  checkDeclaredWeights(weightsReaching(outputs, byName.values()), opts.weights);
  const modelOpts = {
    dtype: dtype as DType,
    seed: seed as number,
    ...(name === undefined ? {} : { name: name as string }),
  };
  try {
    if (cls === 'Sequential') {
      if (inputs.length !== 1 || outputs.length !== 1)
        loadFail('bad-config', 'a Sequential model has one input and one output');
      const chain: Layer[] = [];
      for (let t: SymbolicTensor = outputs[0]!; t !== inputs[0]; t = t.node.inputs[0]!) {
        if (t.node.inputs.length !== 1)
          loadFail('bad-config', 'a Sequential model must be a chain');
        chain.unshift(t.node.layer);
      }
      return new Sequential([inputs[0]!, ...chain], modelOpts).buildIfKnown();
    }
    return new Model({ inputs, outputs, ...modelOpts });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    loadFail('bad-config', e.message);
  }
}

/**
 * Writes bytes to path so that a crash at any moment leaves either the old
 * file or the new one under that name, never a mix: a temporary file in the
 * same directory, fsync, rename over the name, then fsync the directory so
 * the rename itself survives a power cut.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const { open, rename, rm } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const tmp = `${path}.tmp-${globalThis.crypto.randomUUID()}`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dirname(path));
}

/** fsync of a directory; some platforms (Windows) cannot open one, and then there is nothing to do. */
async function syncDirectory(dir: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  const fh = await open(dir, 'r').catch(() => null);
  if (fh === null) return;
  try {
    await fh.sync();
  } catch {
    // EISDIR/EINVAL/EPERM: the platform does not sync directories.
  } finally {
    await fh.close();
  }
}

/** The weights as a safetensors buffer, keyed `layer/weight`. */
export function weightsToSafetensors(model: Model): Uint8Array {
  const map = new Map<string, NamedArray>();
  for (const w of model.weights) {
    const t = w.tensor;
    map.set(w.path, { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: t.shape, data: t.data });
  }
  return encodeSafetensors(map, { format: MODEL_FORMAT, formatVersion: String(FORMAT_VERSION) });
}

export async function saveModel(model: Model, dir: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const json = `${JSON.stringify(modelToJson(model), null, 2)}\n`;
  const weights = weightsToSafetensors(model);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
  await writeFileAtomic(join(dir, MODEL_FILE), json);
}

export interface LoadOptions {
  /** Accept NaN and infinite weights (refused by default). */
  allowNonFinite?: boolean;
}

function expectedShapes(header: SafetensorsHeader): ExpectedWeights {
  return new Map(header.entries.map((e) => [e.name, e.shape]));
}

/** Puts safetensors weights into a model: every weight present, shapes equal, nothing extra. */
export function assignWeights(model: Model, buf: Uint8Array, opts: LoadOptions = {}): void {
  const header = readSafetensorsHeader(buf);
  const weights = model.weights;
  checkWeightNames(
    weights.map((w) => [w.path, w.shape]),
    expectedShapes(header),
  );
  const entries = new Map(header.entries.map((e) => [e.name, e]));
  for (const w of weights) {
    const t = readTensor(buf, header, entries.get(w.path)!);
    if (opts.allowNonFinite !== true && !allFinite(t.data)) {
      throw new LoadError(
        'non-finite',
        `weights: ${quoteName(w.path)} holds NaN or infinite values (allow them with --allow-nonfinite)`,
      );
    }
    const data = model.dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
    w.assign(new Tensor(data, w.shape));
  }
}

/** Parses model.json text strictly (no duplicate or prototype keys, bounded nesting). */
export function parseModelJsonDocument(text: string | Uint8Array): unknown {
  if (text.length > MAX_MODEL_JSON_BYTES)
    loadFail('too-large', `${text.length} bytes is over the ${MAX_MODEL_JSON_BYTES}-byte cap`);
  const opts = { what: 'model.json', maxDepth: MAX_MODEL_JSON_DEPTH };
  return typeof text === 'string' ? parseStrictJson(text, opts) : parseStrictJsonBytes(text, opts);
}

/** Parses model.json text into a freshly initialised model; LoadError on anything bad. */
export function parseModelJson(text: string): Model {
  return modelFromJson(parseModelJsonDocument(text));
}

/**
 * A model from the bytes of model.json and weights.safetensors, with every
 * loader rule applied: both headers are validated and the architecture is
 * matched to the weights file before any weight is allocated.
 */
export function modelFromFiles(
  json: string | Uint8Array,
  weights: Uint8Array,
  opts: LoadOptions = {},
): Model {
  const doc = parseModelJsonDocument(json);
  const header = readSafetensorsHeader(weights);
  const model = modelFromJson(doc, { weights: expectedShapes(header) });
  assignWeights(model, weights, opts);
  return model;
}

/** Reads a file, refusing one over `cap` bytes before reading it. */
async function readCapped(path: string, cap: number, what: string): Promise<Uint8Array> {
  const { readFile, stat } = await import('node:fs/promises');
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile()) throw new UsageError(`no ${what} at '${path}'`);
  if (info.size > cap)
    throw new LoadError('too-large', `${what}: ${info.size} bytes is over the ${cap}-byte cap`);
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Reads the 8-byte length and the header of a safetensors file and validates
 * them against the file's size, without reading the data: a file that claims
 * more than it holds is refused before its data is read into memory.
 */
async function checkSafetensorsFile(path: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'r').catch(() => null);
  if (fh === null) throw new UsageError(`no ${WEIGHTS_FILE} at '${path}'`);
  try {
    const { size } = await fh.stat();
    const prefix = new Uint8Array(Math.min(size, 8));
    await fh.read(prefix, 0, prefix.length, 0);
    if (size >= 8) {
      const n = new DataView(prefix.buffer).getBigUint64(0, true);
      if (n <= BigInt(MAX_HEADER_BYTES) && 8n + n <= BigInt(size)) {
        const head = new Uint8Array(8 + Number(n));
        await fh.read(head, 0, head.length, 0);
        readSafetensorsHeader(head, size);
        return;
      }
    }
    readSafetensorsHeader(prefix, size);
  } finally {
    await fh.close();
  }
}

/** Loads DIR (written by model.save) as a model with its saved weights. */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<Model> {
  const { join } = await import('node:path');
  const json = await readCapped(join(dir, MODEL_FILE), MAX_MODEL_JSON_BYTES, MODEL_FILE);
  const wpath = join(dir, WEIGHTS_FILE);
  await checkSafetensorsFile(wpath);
  const weights = await readCapped(wpath, Number.MAX_SAFE_INTEGER, WEIGHTS_FILE);
  return modelFromFiles(json, weights, opts);
}
