/**
 * tidy(): a scope whose tensors live in the backend's own memory and are
 * freed when it ends. JavaScript frees memory when the garbage collector
 * gets round to it, which for 16 MB outputs is long after they are dead;
 * PyTorch frees them the moment the last reference goes. A tidy scope gives
 * that back: ops inside it put their outputs and gradients in the backend's
 * memory (the wasm heap, where the kernels read and write them with no copy),
 * and at its end every such array is freed but those of the tensors it
 * returns, of tensors passed to keep(), and of gradients that leaves keep
 * (.grad). Those outlive the scope: they pass to the enclosing scope, or,
 * outside every scope, are freed when the garbage collector takes them.
 *
 * The contract (as TensorFlow.js's tf.tidy): a tensor made inside a scope
 * and reached after it by any other way (stored in a variable outside, say)
 * must be kept, or its values may be overwritten. Outside a scope nothing
 * changes: arrays are ordinary typed arrays.
 */

import type { Backend } from '../kernels/backend.js';
import { getBackend } from '../kernels/backend.js';

interface Scope {
  readonly arrays: Float32Array[];
  readonly backends: Backend[];
  readonly kept: Set<Float32Array>;
}

const scopes: Scope[] = [];

/** Arrays shorter than this stay ordinary arrays: the bookkeeping would cost more than the copy. */
const MIN_RESIDENT = 1024;

/** Something holding tensors: a tensor, or arrays and plain objects of them. */
interface HasData {
  readonly data: ArrayLike<number>;
}

function isTensorLike(v: unknown): v is HasData {
  return (
    typeof v === 'object' &&
    v !== null &&
    'data' in v &&
    (v.data instanceof Float32Array || v.data instanceof Float64Array)
  );
}

/** Runs fn in a scope; see the module comment for what is freed when it returns. */
export function tidy<T>(fn: () => T): T {
  const scope: Scope = { arrays: [], backends: [], kept: new Set() };
  scopes.push(scope);
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new Error('tidy(): the function must be synchronous (it returned a Promise)');
    }
    return result;
  } finally {
    scopes.pop();
    if (result !== undefined) keepAll(result, scope.kept, 2);
    const parent = scopes[scopes.length - 1];
    scope.arrays.forEach((a, i) => {
      const backend = scope.backends[i]!;
      if (!scope.kept.has(a)) backend.residentFree?.(a);
      else if (parent !== undefined) {
        parent.arrays.push(a);
        parent.backends.push(backend);
      } else backend.residentFreeWhenCollected?.(a);
    });
  }
}

function keepAll(v: unknown, kept: Set<Float32Array>, depth: number): void {
  if (isTensorLike(v)) {
    if (v.data instanceof Float32Array) kept.add(v.data);
    const grad = (v as { grad?: unknown }).grad;
    if (isTensorLike(grad) && grad.data instanceof Float32Array) kept.add(grad.data);
    return;
  }
  if (depth === 0 || typeof v !== 'object' || v === null) return;
  for (const item of Array.isArray(v) ? v : Object.values(v)) keepAll(item, kept, depth - 1);
}

/** Keeps t's values past the scopes it was made in (returns t). */
export function keep<T extends HasData>(t: T): T {
  if (t.data instanceof Float32Array) keepArray(t.data);
  return t;
}

/** The same for one array (a gradient a leaf keeps, say). */
export function keepArray(a: Float32Array): void {
  for (const s of scopes) s.kept.add(a);
}

/** True while a tidy() scope is open. */
export function inScope(): boolean {
  return scopes.length > 0;
}

/**
 * n float32 values in the backend's memory for an op output made inside a
 * scope, contents undefined; undefined outside scopes, for small arrays, or
 * when the backend has no such memory or it is full.
 */
export function scopedFloat32(n: number): Float32Array | undefined {
  const scope = scopes[scopes.length - 1];
  if (scope === undefined || n < MIN_RESIDENT) return undefined;
  const backend = getBackend();
  const a = backend.residentAlloc?.(n);
  if (a === undefined) return undefined;
  scope.arrays.push(a);
  scope.backends.push(backend);
  return a;
}

/** Frees t's values now if they live in the backend's memory (a second call does nothing). */
export function disposeArray(a: Float32Array | Float64Array): void {
  if (!(a instanceof Float32Array)) return;
  getBackend().residentFree?.(a);
}

/**
 * A copy of a (float32, long enough) array in the backend's memory for
 * something that lives as long as an object does (a layer's weight, an
 * optimizer's slots): freed when the garbage collector takes the array.
 * Anything else comes back as it was.
 */
export function residentCopy<A extends Float32Array | Float64Array>(a: A): A {
  if (!(a instanceof Float32Array) || a.length < MIN_RESIDENT) return a;
  const backend = getBackend();
  if (backend.isResident?.(a) === true) return a;
  const r = backend.residentAlloc?.(a.length);
  if (r === undefined) return a;
  r.set(a);
  backend.residentFreeWhenCollected?.(r);
  return r as A;
}
