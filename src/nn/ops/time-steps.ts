/**
 * Cutting a [batch, time, features] tensor into its time steps and putting
 * steps back together, for the recurrent layers.
 *
 * `slice` would do the cutting, but each slice's backward sends a gradient the
 * size of the whole input, so backpropagation through T steps would cost T²
 * work. Here the steps share one gradient buffer: each step writes its own
 * block into it, and the buffer goes to the input once.
 */
import { concat, reshape } from '../../tensor/index.js';
import {
  allocate,
  type FloatArray,
  needsGrad,
  record,
  sendGrad,
  shapeText,
  Tensor,
} from '../../tensor/tensor.js';

/** [batch, time, features] -> `time` tensors of shape [batch, features]. */
export function unstackSteps(x: Tensor): Tensor[] {
  if (x.rank !== 3) {
    throw new RangeError(
      `unstackSteps: expected [batch, time, features], got ${shapeText(x.shape)}`,
    );
  }
  const [batch, time, features] = x.shape as [number, number, number];
  const tracked = needsGrad(x);
  // The gradient of the whole input, filled block by block during one backward pass.
  let buffer: FloatArray | null = null;
  const hub = tracked
    ? record(new Tensor(x.data, x.shape), 'unstack_steps', [x], (g) => {
        // Every step that takes part has written its block by now (steps come after
        // the hub in the graph, so their backward runs first): hand it on, start afresh.
        buffer = null;
        sendGrad(x, g);
      })
    : x;
  const steps: Tensor[] = [];
  for (let t = 0; t < time; t++) {
    const out = allocate(x.dtype, batch * features);
    for (let b = 0; b < batch; b++) {
      const from = (b * time + t) * features;
      out.set(x.data.subarray(from, from + features), b * features);
    }
    const step = new Tensor(out, [batch, features]);
    steps.push(
      record(step, 'time_step', [hub], (gy) => {
        if (buffer === null) {
          buffer = allocate(x.dtype, x.size);
          // The autograd keeps this array and reads it when the hub's turn comes.
          sendGrad(hub, buffer);
        }
        for (let b = 0; b < batch; b++) {
          const at = (b * time + t) * features;
          for (let j = 0; j < features; j++)
            buffer[at + j] = buffer[at + j]! + gy[b * features + j]!;
        }
      }),
    );
  }
  return steps;
}

/** `time` tensors of shape [batch, units] -> [batch, time, units]. */
export function stackSteps(steps: readonly Tensor[]): Tensor {
  if (steps.length === 0) throw new RangeError('stackSteps: needs at least one step');
  return concat(
    steps.map((s) => reshape(s, [s.shape[0]!, 1, s.shape[1]!])),
    1,
  );
}
