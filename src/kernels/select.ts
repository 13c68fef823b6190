/**
 * Chooses the backend at start-up. `ACTLAB_BACKEND=js|wasm` picks one
 * explicitly; without it the current default (js) stays.
 */
import { type Backend, backendNames, getBackend, setBackend } from './backend.js';
import './js/index.js';
import './wasm/index.js';

function envChoice(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env['ACTLAB_BACKEND'];
}

/** Applies ACTLAB_BACKEND (a clear error for an unknown or unavailable backend) and returns the backend in use. */
export function selectDefaultBackend(choice: string | undefined = envChoice()): Backend {
  if (choice === undefined || choice === '') return getBackend();
  if (!backendNames().includes(choice)) {
    const why = choice === 'wasm' ? ' (this WebAssembly engine lacks SIMD)' : '';
    throw new Error(
      `ACTLAB_BACKEND='${choice}' is not available${why} — available: ${backendNames().join(', ')}`,
    );
  }
  return setBackend(choice);
}
