/**
 * Chooses the backend at start-up. `ACTLAB_BACKEND=js|wasm` picks one
 * explicitly; without it the wasm backend is the default wherever this
 * WebAssembly engine has SIMD (and could compile the module synchronously),
 * and the portable js backend everywhere else. Importing this module (the
 * tensor layer does) makes the choice once; setBackend() changes it later.
 */
import { type Backend, backendNames, setBackend } from './backend.js';
import './js/index.js';
import './wasm/index.js';

function envChoice(): string | undefined {
  return typeof process === 'undefined' ? undefined : process.env['ACTLAB_BACKEND'];
}

/** The backend used when nothing says otherwise: wasm where it loaded, else js. */
export function defaultBackendName(): 'js' | 'wasm' {
  return backendNames().includes('wasm') ? 'wasm' : 'js';
}

/** Applies ACTLAB_BACKEND (a clear error for an unknown or unavailable backend) and returns the backend in use. */
export function selectDefaultBackend(choice: string | undefined = envChoice()): Backend {
  if (choice === undefined || choice === '') return setBackend(defaultBackendName());
  if (!backendNames().includes(choice)) {
    const why = choice === 'wasm' ? ' (this WebAssembly engine lacks SIMD)' : '';
    throw new Error(
      `ACTLAB_BACKEND='${choice}' is not available${why} — available: ${backendNames().join(', ')}`,
    );
  }
  return setBackend(choice);
}

selectDefaultBackend();
