/** Valid model files to break, and writers of hand-made safetensors files. */
import {
  Dense,
  Input,
  type Model,
  modelToJson,
  Sequential,
  weightsToSafetensors,
} from '../../src/nn/index.js';

/** A small named model (names fixed, so files do not depend on what else the process built). */
export function smallModel(seed = 1): Model {
  return new Sequential(
    [
      Input({ shape: [2], name: 'x' }),
      new Dense({ name: 'hidden', units: 3, activation: 'tanh' }),
      new Dense({ name: 'out', units: 2, activation: 'softmax' }),
    ],
    { seed, name: 'small' },
  ).buildIfKnown();
}

export interface ModelFiles {
  /** model.json text. */
  readonly json: string;
  /** weights.safetensors bytes. */
  readonly weights: Uint8Array;
}

export function smallFiles(): ModelFiles {
  const m = smallModel();
  return { json: JSON.stringify(modelToJson(m), null, 2), weights: weightsToSafetensors(m) };
}

/** The header text and data section of a safetensors file. */
export function splitSafetensors(buf: Uint8Array): { header: string; data: Uint8Array } {
  const n = Number(new DataView(buf.buffer, buf.byteOffset).getBigUint64(0, true));
  return {
    header: new TextDecoder().decode(buf.subarray(8, 8 + n)),
    data: buf.slice(8 + n),
  };
}

/** A safetensors file from header text and data bytes; the length field says `claimed` when given. */
export function safetensorsFile(
  header: string | Uint8Array,
  data: Uint8Array | number,
  claimed?: bigint,
): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, claimed ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}
