/**
 * Instantiates the compiled AssemblyScript kernels (module.generated.ts):
 * synchronously where the host allows it (Node, workers), asynchronously
 * otherwise (a browser's main thread refuses to compile large modules
 * synchronously). SIMD support is probed first with a 43-byte module.
 */
import { WASM_BASE64 } from './module.generated.js';

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

function wrap(instance: WebAssembly.Instance): KernelModule {
  const exports = instance.exports;
  const memory = exports['memory'];
  const base = exports['scratchBase'];
  if (!(memory instanceof WebAssembly.Memory) || typeof base !== 'function') {
    throw new Error('the wasm kernel module lacks memory or scratchBase');
  }
  return {
    memory,
    scratchBase: (base as () => number)(),
    kernel(name) {
      const fn = exports[name];
      if (typeof fn !== 'function') throw new Error(`the wasm kernel module has no '${name}'`);
      return fn as KernelFn;
    },
  };
}

/** Compiles and instantiates on the spot (Node, Web Workers). */
export function instantiateKernelsSync(): KernelModule {
  const module = new WebAssembly.Module(decodeBase64(WASM_BASE64));
  return wrap(new WebAssembly.Instance(module, {}));
}

/** The same, without blocking: for a browser's main thread. */
export async function instantiateKernels(): Promise<KernelModule> {
  const { instance } = await WebAssembly.instantiate(decodeBase64(WASM_BASE64), {});
  return wrap(instance);
}
