/** Tensors from values, and filled tensors. */
import {
  allocate,
  type DType,
  type FloatArray,
  type Shape,
  shapeText,
  sizeOf,
  Tensor,
} from '../tensor.js';

function checkShape(shape: Shape, op: string): void {
  for (const d of shape) {
    if (!(Number.isInteger(d) && d >= 0)) {
      throw new RangeError(`${op}: shape ${shapeText(shape)} must hold non-negative integers`);
    }
  }
}

/** A tensor holding a copy of `values` (row-major). */
export function tensor(values: ArrayLike<number>, shape: Shape, dtype: DType = 'float32'): Tensor {
  checkShape(shape, 'tensor');
  if (values.length !== sizeOf(shape)) {
    throw new RangeError(
      `tensor: ${values.length} values do not fill shape ${shapeText(shape)} (${sizeOf(shape)} elements)`,
    );
  }
  const data: FloatArray = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i]!;
  return new Tensor(data, shape);
}

export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkShape(shape, 'full');
  const data = allocate(dtype, sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}
