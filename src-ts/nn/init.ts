/**
 * nn.init: PyTorch's initializers, with the same arithmetic and the same random draws, so
 * `torch.manualSeed(0)` then an initializer fills a tensor exactly as Python does. All work in
 * place under noGrad and return the tensor.
 */
import { noGrad } from '../autograd';
import { scope } from '../memory';
import { ValueError } from '../errors';
import type { Tensor } from '../tensor';
import type { Generator } from '../generator';
import { linalg, randperm } from '../generated/ops';
import { tensor } from '../creation';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/** The recommended gain for a nonlinearity (Python's `calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const linear = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];
  if (linear.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    const slope = param ?? 0.01;
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/** [fanIn, fanOut] of a weight (Python's `_calculate_fan_in_and_fan_out`). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const shape = tensor.shape;
  if (shape.length < 2) throw new ValueError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1] * receptive, shape[0] * receptive];
}

function fan(tensor: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

interface GenOpt {
  generator?: Generator;
}

// Only the generator goes on to the op (callers pass their whole options object).
const gen = (o: GenOpt): GenOpt => (o.generator === undefined ? {} : { generator: o.generator });

export function uniform_(tensor: Tensor, a = 0, b = 1, options: GenOpt = {}): Tensor {
  return noGrad(() => tensor.uniform_(a, b, gen(options)));
}
export function normal_(tensor: Tensor, mean = 0, std = 1, options: GenOpt = {}): Tensor {
  return noGrad(() => tensor.normal_(mean, std, gen(options)));
}
export function constant_(tensor: Tensor, val: number): Tensor {
  return noGrad(() => tensor.fill_(val));
}
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}
export function zeros_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.zero_());
}

export function xavierUniform_(tensor: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a, options);
}
export function xavierNormal_(tensor: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std, options);
}

export interface KaimingOptions extends GenOpt {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

export function kaimingUniform_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.shape.includes(0)) return tensor; // Python warns and leaves it
  const std = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan(tensor, options.mode ?? 'fan_in'));
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound, options);
}
export function kaimingNormal_(tensor: Tensor, options: KaimingOptions = {}): Tensor {
  if (tensor.shape.includes(0)) return tensor;
  const std = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan(tensor, options.mode ?? 'fan_in'));
  return normal_(tensor, 0, std, options);
}

/** Fills with a (semi-)orthogonal matrix, as Python's `orthogonal_` (QR of a normal matrix). */
export function orthogonal_(tensor: Tensor, gain = 1, options: GenOpt = {}): Tensor {
  const shape = tensor.shape;
  if (shape.length < 2) throw new ValueError('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const rows = shape[0];
  const cols = tensor.numel() / rows;
  // The scope frees the draws, the QR factors and the views; `tensor` is the caller's.
  return scope(() =>
    noGrad(() => {
      const flat = tensor.newEmpty([rows, cols]).normal_(0, 1, gen(options));
      const [q0, r] = linalg.qr(rows < cols ? flat.t() : flat);
      let q = q0.mul(r.diag(0).sign());
      if (rows < cols) q = q.t();
      tensor.viewAs(q).copy_(q);
      tensor.mul_(gain);
      return tensor;
    }),
  );
}

/**
 * Fills from a normal distribution N(mean, std²) truncated to [a, b], by inverting the normal CDF
 * of a uniform draw (Python's `trunc_normal_`, the same draws).
 */
export function truncNormal_(tensor: Tensor, mean = 0, std = 1, a = -2, b = 2, options: GenOpt = {}): Tensor {
  const normCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    process.emitWarning('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.', 'UserWarning');
  }
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  return noGrad(() => {
    tensor.uniform_(2 * l - 1, 2 * u - 1, gen(options));
    tensor.erfinv_();
    tensor.mul_(std * Math.sqrt(2));
    tensor.add_(mean);
    return tensor.clamp_(a, b);
  });
}

// Python's math.erf: the C library's erf, which LibTorch's float64 erf calls too.
function erf(x: number): number {
  const t = tensor(x, { dtype: 'float64' });
  try {
    return noGrad(() => {
      const e = t.erf();
      const v = e.item<number>();
      e.dispose();
      return v;
    });
  } finally {
    t.dispose();
  }
}

/** The identity matrix, in place (2-D only), preserving the identity of the inputs in Linear layers. */
export function eye_(tensor: Tensor): Tensor {
  if (tensor.dim() !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  return noGrad(() => {
    tensor.zero_();
    const diag = tensor.diagonal();
    diag.fill_(1);
    diag.dispose();
    return tensor;
  });
}

/**
 * The Dirac delta, in place (3-, 4- or 5-D convolution weights): each output channel copies its
 * input channel (per group), preserving the identity of the inputs in convolutions.
 */
export function dirac_(tensor: Tensor, groups = 1): Tensor {
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new ValueError('Only tensors with 3, 4, or 5 dimensions are supported');
  const sizes = tensor.shape;
  if (sizes[0] % groups !== 0) throw new ValueError('dim 0 must be divisible by groups');
  const perGroup = sizes[0] / groups;
  const minDim = Math.min(perGroup, sizes[1]);
  const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
  return noGrad(() => {
    tensor.zero_();
    for (let g = 0; g < groups; g++) {
      for (let d = 0; d < minDim; d++) tensor.indexPut_([g * perGroup + d, d, ...centre], 1);
    }
    return tensor;
  });
}

/**
 * A sparse matrix, in place (2-D): normal N(0, std²) values, then in each column a `sparsity`
 * fraction of the rows set to zero (Python's `sparse_`, the same draws).
 */
export function sparse_(tensor: Tensor, sparsity: number, std = 0.01, options: GenOpt = {}): Tensor {
  if (tensor.dim() !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  const [rows, cols] = tensor.shape;
  const numZeros = Math.ceil(sparsity * rows);
  return noGrad(() => {
    tensor.normal_(0, std, gen(options));
    for (let c = 0; c < cols; c++) {
      const perm = options.generator ? randperm(rows, { generator: options.generator }) : randperm(rows);
      const zeroRows = perm.slice(0, 0, numZeros);
      tensor.indexPut_([zeroRows, c], 0);
      zeroRows.dispose();
      perm.dispose();
    }
    return tensor;
  });
}
