/**
 * Instantiates the compiled AssemblyScript kernels (module.generated.ts):
 * synchronously where the host allows it (Node, workers), asynchronously
 * otherwise (a browser's main thread refuses to compile large modules
 * synchronously). SIMD support is probed first with a 43-byte module.
 *
 * Node gets the build that imports a shared memory, made here at its full
 * capacity, so that worker threads can run kernels over the same tensors
 * (threads.ts); browsers, and any host that refuses shared memory, get the
 * build that owns its memory.
 */
import { CAPACITIES_MIB, PAGE } from './heap.js';
import { WASM_BASE64, WASM_SHARED_BASE64 } from './module.generated.js';

/** (module (func (result v128) (v128.const i32x4 0 0 0 0))) */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
]);

/** True when this WebAssembly engine accepts 128-bit SIMD. */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/** A kernel export: pointers and sizes are numbers, parameters follow them. */
export type KernelFn = (...args: number[]) => void;

export interface KernelModule {
  readonly memory: WebAssembly.Memory;
  /** The compiled shared-memory build, when `memory` is shared: what worker threads instantiate over it. */
  readonly shared?: WebAssembly.Module;
  /** First free byte after the module's static data (16-byte aligned). */
  readonly scratchBase: number;
  kernel(name: string): KernelFn;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function wrap(
  instance: WebAssembly.Instance,
  shared?: { module: WebAssembly.Module; memory: WebAssembly.Memory },
): KernelModule {
  const exports = instance.exports;
  const memory = shared?.memory ?? exports['memory'];
  const base = exports['scratchBase'];
  if (!(memory instanceof WebAssembly.Memory) || typeof base !== 'function') {
    throw new Error('the wasm kernel module lacks memory or scratchBase');
  }
  return {
    memory,
    ...(shared === undefined ? {} : { shared: shared.module }),
    scratchBase: (base as () => number)(),
    kernel(name) {
      const fn = exports[name];
      if (typeof fn !== 'function') throw new Error(`the wasm kernel module has no '${name}'`);
      return fn as KernelFn;
    },
  };
}

/** True in Node, whose worker threads can share wasm memory with the main thread. */
function nodeWithSharedMemory(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof SharedArrayBuffer === 'function' && typeof proc?.versions?.node === 'string';
}

/**
 * The shared-memory build over a new shared memory of the largest capacity
 * the host grants (it never grows: see heap.ts); undefined where shared wasm
 * memory is unavailable.
 */
export function instantiateSharedKernelsSync(
  capacitiesMiB: readonly number[] = CAPACITIES_MIB,
): KernelModule | undefined {
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(decodeBase64(WASM_SHARED_BASE64));
  } catch {
    return undefined;
  }
  for (const mib of capacitiesMiB) {
    const pages = (mib * 1024 * 1024) / PAGE;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    } catch {
      continue;
    }
    return wrap(new WebAssembly.Instance(module, { env: { memory } }), { module, memory });
  }
  return undefined;
}

/** Compiles and instantiates on the spot (Node, Web Workers). */
export function instantiateKernelsSync(): KernelModule {
  if (nodeWithSharedMemory()) {
    const shared = instantiateSharedKernelsSync();
    if (shared !== undefined) return shared;
  }
  const module = new WebAssembly.Module(decodeBase64(WASM_BASE64));
  return wrap(new WebAssembly.Instance(module, {}));
}

/** The same, without blocking: for a browser's main thread. */
export async function instantiateKernels(): Promise<KernelModule> {
  const { instance } = await WebAssembly.instantiate(decodeBase64(WASM_BASE64), {});
  return wrap(instance);
}
