/** The built-in catalogue: one import and one entry per activation. */
import type { ActivationSpec } from '../types.js';
import celu from './celu.js';
import elu from './elu.js';
import exponential from './exponential.js';
import geglu from './geglu.js';
import gelu from './gelu.js';
import glu from './glu.js';
import hardshrink from './hardshrink.js';
import hardsigmoid from './hardsigmoid.js';
import hardswish from './hardswish.js';
import hardtanh from './hardtanh.js';
import leaky_relu from './leaky_relu.js';
import linear from './linear.js';
import log_sigmoid from './log_sigmoid.js';
import log_softmax from './log_softmax.js';
import maxout from './maxout.js';
import mish from './mish.js';
import prelu from './prelu.js';
import reglu from './reglu.js';
import relu from './relu.js';
import relu_squared from './relu_squared.js';
import relu6 from './relu6.js';
import rrelu from './rrelu.js';
import selu from './selu.js';
import sigmoid from './sigmoid.js';
import silu from './silu.js';
import snake from './snake.js';
import softmax from './softmax.js';
import softmin from './softmin.js';
import softplus from './softplus.js';
import softshrink from './softshrink.js';
import softsign from './softsign.js';
import sparsemax from './sparsemax.js';
import squareplus from './squareplus.js';
import swiglu from './swiglu.js';
import swish from './swish.js';
import tanh from './tanh.js';
import tanhshrink from './tanhshrink.js';
import threshold from './threshold.js';
import thresholded_relu from './thresholded_relu.js';

export const BUILTIN: readonly ActivationSpec[] = [
  sigmoid,
  leaky_relu,
  gelu,
  linear,
  tanh,
  hardtanh,
  relu,
  relu6,
  prelu,
  rrelu,
  thresholded_relu,
  threshold,
  elu,
  celu,
  selu,
  silu,
  swish,
  mish,
  softplus,
  softsign,
  log_sigmoid,
  hardsigmoid,
  hardswish,
  hardshrink,
  softshrink,
  tanhshrink,
  squareplus,
  relu_squared,
  exponential,
  snake,
  softmax,
  log_softmax,
  softmin,
  sparsemax,
  maxout,
  glu,
  reglu,
  swiglu,
  geglu,
];
