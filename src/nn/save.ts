/**
 * Saving and loading (Node): DIR/model.json (architecture, format version,
 * layer and activation names from a closed allow-list, never evaluated) and
 * DIR/weights.safetensors. Each file is written to a temporary name, synced and
 * renamed, so a crash never leaves a half-written file under the real name.
 * Node's file modules are imported on use, so this module loads in browsers too.
 */
import { UsageError } from '../activations/errors.js';
import { type DType, Tensor } from '../tensor/tensor.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  LoadError,
  type NamedArray,
} from './io/safetensors.js';
import type { JsonObject } from './json.js';
import { InputLayer, symbolicInput } from './layers/core.js';
import { layerFromJson } from './layers/index.js';
import type { Layer, SymbolicTensor } from './layers/layer.js';
import { Model, Sequential } from './model.js';

export const MODEL_FORMAT = 'actlab-model';
export const FORMAT_VERSION = 1;
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.safetensors';
/** model.json above this size is refused unread. */
const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/** The architecture as JSON: layers, then the graph as nodes referring to layers by name. */
export function modelToJson(model: Model): JsonObject {
  const tensors = [...model.inputs];
  const order: SymbolicTensor[] = [];
  // Nodes in an order where each comes after its inputs: inputs first, then a DFS from the outputs.
  const seen = new Set<SymbolicTensor>(tensors);
  const visit = (t: SymbolicTensor): void => {
    if (seen.has(t)) return;
    for (const p of t.node.inputs) visit(p);
    seen.add(t);
    order.push(t);
  };
  for (const o of model.outputs) visit(o);
  const all = [...tensors, ...order];
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

function loadFail(msg: string): never {
  throw new LoadError(`model.json: ${msg}`);
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses prototype keys anywhere in the document. */
function checkKeys(v: unknown, depth = 0): void {
  if (depth > 64) loadFail('nested too deeply');
  if (Array.isArray(v)) for (const x of v) checkKeys(x, depth + 1);
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (FORBIDDEN.has(k)) loadFail(`forbidden key '${k}'`);
      checkKeys(x, depth + 1);
    }
  }
}

function isIndex(v: unknown, n: number): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < n;
}

/** Rebuilds a model (freshly initialised) from its JSON; LoadError on anything not understood. */
export function modelFromJson(doc: unknown): Model {
  checkKeys(doc);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) loadFail('not a JSON object');
  const d = doc as JsonObject;
  if (d['format'] !== MODEL_FORMAT)
    loadFail(`format is ${JSON.stringify(d['format'])}, expected '${MODEL_FORMAT}'`);
  if (d['formatVersion'] !== FORMAT_VERSION) {
    loadFail(
      `format version ${JSON.stringify(d['formatVersion'])} is not supported (this reader: ${FORMAT_VERSION})`,
    );
  }
  const cls = d['className'];
  if (cls !== 'Sequential' && cls !== 'Model')
    loadFail(`className must be Sequential or Model (got ${JSON.stringify(cls)})`);
  const dtype = d['dtype'];
  if (dtype !== 'float32' && dtype !== 'float64')
    loadFail(`dtype must be float32 or float64 (got ${JSON.stringify(dtype)})`);
  const seed = d['seed'] ?? 0;
  if (!Number.isInteger(seed)) loadFail('seed must be an integer');
  const name = typeof d['name'] === 'string' ? d['name'] : undefined;
  const layerDocs = d['layers'];
  const nodes = d['nodes'];
  if (!Array.isArray(layerDocs) || !Array.isArray(nodes))
    loadFail('layers and nodes must be lists');
  const byName = new Map<string, Layer>();
  for (const ld of layerDocs) {
    let layer: Layer;
    try {
      layer = layerFromJson(ld as JsonObject);
    } catch (e) {
      loadFail((e as Error).message);
    }
    if (byName.has(layer.name)) loadFail(`two layers are named '${layer.name}'`);
    byName.set(layer.name, layer);
  }
  const built: SymbolicTensor[] = [];
  for (const [i, nd] of nodes.entries()) {
    if (typeof nd !== 'object' || nd === null || Array.isArray(nd))
      loadFail(`node ${i} is not an object`);
    const layer = byName.get(String((nd as JsonObject)['layer']));
    if (layer === undefined) loadFail(`node ${i} names an unknown layer`);
    const ins = (nd as JsonObject)['inputs'];
    if (!Array.isArray(ins) || !ins.every((k) => isIndex(k, i)))
      loadFail(`node ${i} has bad inputs (each must be an earlier node)`);
    try {
      if (layer instanceof InputLayer) {
        if (ins.length !== 0) loadFail(`input node ${i} cannot have inputs`);
        built.push(symbolicInput(layer));
      } else {
        built.push(layer.apply((ins as number[]).map((k) => built[k]!)));
      }
    } catch (e) {
      if (e instanceof LoadError) throw e;
      loadFail(`node ${i} (${layer.name}): ${(e as Error).message}`);
    }
  }
  const pick = (key: string): SymbolicTensor[] => {
    const v = d[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((k) => isIndex(k, built.length)))
      loadFail(`${key} must list node indices`);
    return (v as number[]).map((k) => built[k]!);
  };
  const inputs = pick('inputs');
  const outputs = pick('outputs');
  const opts = {
    dtype: dtype as DType,
    seed: seed as number,
    ...(name === undefined ? {} : { name }),
  };
  try {
    if (cls === 'Sequential') {
      if (inputs.length !== 1 || outputs.length !== 1)
        loadFail('a Sequential model has one input and one output');
      const chain: Layer[] = [];
      for (let t: SymbolicTensor = outputs[0]!; t !== inputs[0]; t = t.node.inputs[0]!) {
        if (t.node.inputs.length !== 1) loadFail('a Sequential model must be a chain');
        chain.unshift(t.node.layer);
      }
      return new Sequential([inputs[0]!, ...chain], opts).buildIfKnown();
    }
    return new Model({ inputs, outputs, ...opts });
  } catch (e) {
    if (e instanceof LoadError) throw e;
    loadFail((e as Error).message);
  }
}

/** Writes bytes to path via a synced temporary file and a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const { open, rename, rm } = await import('node:fs/promises');
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

/** Puts safetensors weights into a model: every weight present, shapes equal, nothing extra. */
export function assignWeights(model: Model, buf: Uint8Array, opts: LoadOptions = {}): void {
  const { tensors } = decodeSafetensors(buf);
  const weights = model.weights;
  const wanted = new Set(weights.map((w) => w.path));
  for (const k of tensors.keys())
    if (!wanted.has(k)) throw new LoadError(`weights: unexpected tensor '${k}'`);
  for (const w of weights) {
    const t = tensors.get(w.path);
    if (t === undefined) throw new LoadError(`weights: missing tensor '${w.path}'`);
    if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      throw new LoadError(
        `weights: '${w.path}' has shape [${t.shape.join(', ')}], the model needs [${w.shape.join(', ')}]`,
      );
    }
    if (opts.allowNonFinite !== true && !t.data.every(Number.isFinite)) {
      throw new LoadError(`weights: '${w.path}' holds NaN or infinite values`);
    }
    const data = model.dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
    w.assign(new Tensor(data, w.shape));
  }
}

/** Parses model.json text; LoadError on bad JSON. */
export function parseModelJson(text: string): Model {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    loadFail(`not valid JSON (${(e as Error).message})`);
  }
  return modelFromJson(doc);
}

/** Loads DIR (written by model.save) as a model with its saved weights. */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<Model> {
  const { readFile, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const jsonPath = join(dir, MODEL_FILE);
  const info = await stat(jsonPath).catch(() => null);
  if (info === null) throw new UsageError(`no ${MODEL_FILE} in '${dir}'`);
  if (info.size > MAX_MODEL_JSON_BYTES)
    throw new LoadError(`model.json: ${info.size} bytes is over the cap`);
  const model = parseModelJson(await readFile(jsonPath, 'utf8'));
  const wpath = join(dir, WEIGHTS_FILE);
  const buf = await readFile(wpath).catch(() => null);
  if (buf === null) throw new UsageError(`no ${WEIGHTS_FILE} in '${dir}'`);
  assignWeights(model, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), opts);
  return model;
}
