/**
 * torch.distributions.transforms: invertible maps with log |det J|, for TransformedDistribution.
 * `t.call(x)` maps forward, `t.inv` is the inverse transform, `t.logAbsDetJacobian(x, y)` the log
 * of the absolute Jacobian determinant. The elementwise transforms (Exp, Power, Sigmoid, Tanh, Abs,
 * Affine) compute what Python's compute, op for op.
 *
 * `cacheSize: 1` remembers the last (x, y) pair, so `inv(y)` of the y just made returns x itself:
 * `TanhTransform({ cacheSize: 1 })` keeps atanh off samples that rounded to ±1 (as SAC's squashed
 * Normal relies on). The cached tensors stay alive (into the scope that called `call`) while cached.
 */
import { TypeError as TorchTypeError, ValueError } from '../errors';
import { finfo } from '../dtype';
import { cat, diagEmbed, eye, fullLike, logSigmoid, pad, stack, zerosLike } from '../generated/ops';
import { softplus } from '../nn/functional';
import { keep, scope } from '../memory';
import { Tensor } from '../tensor';
import * as constraints from './constraints';
import { broadcastAll, type Distribution } from './distribution';
import { broadcastShapes, sumRightmost, trilMatrixToVec, vecToTrilMatrix } from './utils';

function checkTensor(t: Transform, x: unknown): void {
  if (!(x instanceof Tensor)) throw new TorchTypeError(`${t.toString()}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

export interface TransformOptions {
  /** 0 (no caching) or 1 (the latest pair). */
  cacheSize?: number;
}

export abstract class Transform {
  readonly cacheSize: number;
  private cached: [Tensor, Tensor] | null = null;
  private inverse: Transform | null = null;

  constructor(options: TransformOptions = {}) {
    const cacheSize = options.cacheSize ?? 0;
    if (cacheSize !== 0 && cacheSize !== 1) throw new ValueError('cache_size must be 0 or 1');
    this.cacheSize = cacheSize;
  }
  /** Valid inputs. */
  abstract get domain(): constraints.Constraint;
  /** Valid outputs (the inverse's inputs). */
  abstract get codomain(): constraints.Constraint;
  /** Whether inv(call(x)) is x for every x in the domain. */
  get bijective(): boolean {
    return false;
  }
  /** +1 or -1 (or a tensor of them): whether the map increases or decreases. */
  get sign(): number | Tensor {
    throw new ValueError(`${this.constructor.name} has no sign`);
  }
  /** The event dimensions it acts on, when domain and codomain agree. */
  get eventDim(): number {
    if (this.domain.eventDim === this.codomain.eventDim) return this.domain.eventDim;
    throw new ValueError('Please use either .domain.event_dim or .codomain.event_dim');
  }
  /** The inverse transform (the same object each time). */
  get inv(): Transform {
    return (this.inverse ??= new InverseTransform(this));
  }
  /** y = t(x). */
  call(x: Tensor): Tensor {
    checkTensor(this, x);
    if (this.cacheSize === 0) return this.forwardImpl(x);
    if (this.cached !== null && x === this.cached[0] && !this.cached[1].isDisposed) return this.cached[1];
    const y = this.forwardImpl(x);
    this.cached = [keep(x), keep(y)];
    return y;
  }
  /** x = t⁻¹(y) (what `t.inv.call(y)` runs). */
  invCall(y: Tensor): Tensor {
    checkTensor(this, y);
    if (this.cacheSize === 0) return this.inverseImpl(y);
    if (this.cached !== null && y === this.cached[1] && !this.cached[0].isDisposed) return this.cached[0];
    const x = this.inverseImpl(y);
    this.cached = [keep(x), keep(y)];
    return x;
  }
  /** log |dy/dx|, elementwise over the batch. */
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    void x;
    void y;
    throw new ValueError(`${this.constructor.name} has no log_abs_det_jacobian`);
  }
  /** The output shape for an input shape (parameters may broadcast it). */
  forwardShape(shape: number[]): number[] {
    return shape;
  }
  inverseShape(shape: number[]): number[] {
    return shape;
  }
  /** Python's `==` on transforms: the same map (by kind, and parameters where it has them). */
  equals(other: Transform): boolean {
    return this === other || (this.constructor === other.constructor && this.sameParams(other));
  }
  /** For `equals`: parameterless transforms of one kind are all equal. */
  protected sameParams(other: Transform): boolean {
    void other;
    return true;
  }
  /** Frees tensors the transform made (PowerTransform's broadcast exponent); given ones stay the caller's. */
  dispose(): void {}
  protected abstract forwardImpl(x: Tensor): Tensor;
  protected abstract inverseImpl(y: Tensor): Tensor;
  toString(): string {
    return `${this.constructor.name}()`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

class InverseTransform extends Transform {
  constructor(readonly base: Transform) {
    super({ cacheSize: base.cacheSize });
  }
  get domain(): constraints.Constraint {
    return this.base.codomain;
  }
  get codomain(): constraints.Constraint {
    return this.base.domain;
  }
  get bijective(): boolean {
    return this.base.bijective;
  }
  get sign(): number | Tensor {
    return this.base.sign;
  }
  get inv(): Transform {
    return this.base;
  }
  protected sameParams(other: Transform): boolean {
    return this.base.equals((other as InverseTransform).base);
  }
  call(x: Tensor): Tensor {
    return this.base.invCall(x);
  }
  invCall(y: Tensor): Tensor {
    return this.base.call(y);
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.base.logAbsDetJacobian(y, x).neg();
  }
  forwardShape(shape: number[]): number[] {
    return this.base.inverseShape(shape);
  }
  inverseShape(shape: number[]): number[] {
    return this.base.forwardShape(shape);
  }
  protected forwardImpl(x: Tensor): Tensor {
    return this.base.invCall(x);
  }
  protected inverseImpl(y: Tensor): Tensor {
    return this.base.call(y);
  }
  toString(): string {
    return `_InverseTransform(${this.base.toString()})`;
  }
}

/** Applies `parts` in order; its log |det J| sums theirs. */
export class ComposeTransform extends Transform {
  readonly parts: Transform[];
  /** `cacheSize` caches the composition's own (x, y) pair; each part keeps its own setting. */
  constructor(parts: Transform[], options: TransformOptions = {}) {
    super(options);
    if (!Array.isArray(parts) || !parts.every((p) => p instanceof Transform)) throw new ValueError('ComposeTransform: parts must be a list of Transforms');
    this.parts = parts;
  }
  get domain(): constraints.Constraint {
    if (this.parts.length === 0) return constraints.real;
    const domain = this.parts[0].domain;
    let eventDim = this.parts[this.parts.length - 1].codomain.eventDim;
    for (const part of [...this.parts].reverse()) {
      eventDim += part.domain.eventDim - part.codomain.eventDim;
      eventDim = Math.max(eventDim, part.domain.eventDim);
    }
    return eventDim > domain.eventDim ? constraints.independent(domain, eventDim - domain.eventDim) : domain;
  }
  get codomain(): constraints.Constraint {
    if (this.parts.length === 0) return constraints.real;
    const codomain = this.parts[this.parts.length - 1].codomain;
    let eventDim = this.parts[0].domain.eventDim;
    for (const part of this.parts) {
      eventDim += part.codomain.eventDim - part.domain.eventDim;
      eventDim = Math.max(eventDim, part.codomain.eventDim);
    }
    return eventDim > codomain.eventDim ? constraints.independent(codomain, eventDim - codomain.eventDim) : codomain;
  }
  get bijective(): boolean {
    return this.parts.every((p) => p.bijective);
  }
  protected sameParams(other: Transform): boolean {
    const o = (other as ComposeTransform).parts;
    return o.length === this.parts.length && this.parts.every((p, i) => p.equals(o[i]));
  }
  get sign(): number | Tensor {
    let sign: number | Tensor = 1;
    for (const p of this.parts) sign = mulSign(sign, p.sign);
    return sign;
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return zerosLike(x);
    const xs = [x];
    for (const part of this.parts.slice(0, -1)) xs.push(part.call(xs[xs.length - 1]));
    xs.push(y);
    let eventDim = this.domain.eventDim;
    let total: Tensor | null = null;
    this.parts.forEach((part, i) => {
      const term = sumRightmost(part.logAbsDetJacobian(xs[i], xs[i + 1]), eventDim - part.domain.eventDim);
      total = total === null ? term : total.add(term);
      eventDim += part.codomain.eventDim - part.domain.eventDim;
    });
    return total as unknown as Tensor;
  }
  forwardShape(shape: number[]): number[] {
    return this.parts.reduce((s, p) => p.forwardShape(s), shape);
  }
  inverseShape(shape: number[]): number[] {
    return [...this.parts].reverse().reduce((s, p) => p.inverseShape(s), shape);
  }
  protected forwardImpl(x: Tensor): Tensor {
    return this.parts.reduce((v, p) => p.call(v), x);
  }
  protected inverseImpl(y: Tensor): Tensor {
    return [...this.parts].reverse().reduce((v, p) => p.inv.call(v), y);
  }
  toString(): string {
    return `ComposeTransform(\n    ${this.parts.map(String).join(',\n    ')}\n)`;
  }
}

// Python's `a == b` for numbers, and `(a == b).all()` for tensors (broadcasting).
function sameValue(a: number | Tensor, b: number | Tensor): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const [t, other] = a instanceof Tensor ? [a, b] : [b as Tensor, a];
  return scope(() => (typeof other === 'number' ? t.eq(other) : t.eq(other)).all().item<boolean>());
}

/** A product of signs, kept a plain number while every factor is one. */
export function mulSign(a: number | Tensor, b: number | Tensor): number | Tensor {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (typeof a === 'number') return (b as Tensor).mul(a);
  return a.mul(b);
}

/** A bijective, increasing map (the elementwise transforms but Abs and Affine). */
abstract class IncreasingBijection extends Transform {
  get bijective(): boolean {
    return true;
  }
  get sign(): number {
    return 1;
  }
}

/** y = exp(x). */
export class ExpTransform extends IncreasingBijection {
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return x.exp();
  }
  protected inverseImpl(y: Tensor): Tensor {
    return y.log();
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    return x.alias();
  }
}

/** y = x^exponent on positive x. */
export class PowerTransform extends IncreasingBijection {
  readonly exponent: Tensor;
  constructor(exponent: number | Tensor, options: TransformOptions = {}) {
    super(options);
    this.exponent = broadcastAll(exponent)[0][0];
  }
  get domain(): constraints.Constraint {
    return constraints.positive;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return x.pow(this.exponent);
  }
  protected inverseImpl(y: Tensor): Tensor {
    return y.pow(this.exponent.reciprocal());
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.exponent.mul(y).div(x).abs().log();
  }
  dispose(): void {
    this.exponent.dispose();
  }
  protected sameParams(other: Transform): boolean {
    return sameValue(this.exponent, (other as PowerTransform).exponent);
  }
  forwardShape(shape: number[]): number[] {
    return broadcastShapes(shape, this.exponent.shape);
  }
  inverseShape(shape: number[]): number[] {
    return broadcastShapes(shape, this.exponent.shape);
  }
}

/** y = sigmoid(x), kept inside [tiny, 1 - eps] so the inverse stays finite. */
export class SigmoidTransform extends IncreasingBijection {
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.unitInterval;
  }
  protected forwardImpl(x: Tensor): Tensor {
    const { tiny, eps } = finfo(x.dtype);
    return x.sigmoid().clamp(tiny, 1 - eps);
  }
  protected inverseImpl(y: Tensor): Tensor {
    const { tiny, eps } = finfo(y.dtype);
    const c = y.clamp(tiny, 1 - eps);
    return c.log().sub(c.neg().log1p());
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    return softplus(x.neg()).neg().sub(softplus(x));
  }
}

/** y = tanh(x). */
export class TanhTransform extends IncreasingBijection {
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.interval(-1, 1);
  }
  protected forwardImpl(x: Tensor): Tensor {
    return x.tanh();
  }
  protected inverseImpl(y: Tensor): Tensor {
    return y.atanh();
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    // 2 (log 2 - x - softplus(-2x)): stable where tanh saturates.
    return x.neg().add(Math.log(2)).sub(softplus(x.mul(-2))).mul(2);
  }
}

/** y = |x| (not bijective: the inverse gives the positive root). */
export class AbsTransform extends Transform {
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return x.abs();
  }
  protected inverseImpl(y: Tensor): Tensor {
    return y.alias();
  }
}

/** y = loc + scale * x, over `eventDim` rightmost dimensions. */
export class AffineTransform extends Transform {
  readonly loc: number | Tensor;
  readonly scale: number | Tensor;
  private readonly dims: number;
  constructor(loc: number | Tensor, scale: number | Tensor, options: TransformOptions & { eventDim?: number } = {}) {
    super(options);
    for (const [name, v] of [['loc', loc], ['scale', scale]] as const) {
      if (typeof v !== 'number' && !(v instanceof Tensor)) throw new ValueError(`AffineTransform: ${name} must be a number or a Tensor`);
    }
    this.loc = loc;
    this.scale = scale;
    this.dims = options.eventDim ?? 0;
  }
  get eventDim(): number {
    return this.dims;
  }
  protected sameParams(other: Transform): boolean {
    const o = other as AffineTransform;
    return sameValue(this.loc, o.loc) && sameValue(this.scale, o.scale);
  }
  get domain(): constraints.Constraint {
    return this.dims === 0 ? constraints.real : constraints.independent(constraints.real, this.dims);
  }
  get codomain(): constraints.Constraint {
    return this.domain;
  }
  get bijective(): boolean {
    return true;
  }
  get sign(): number | Tensor {
    if (typeof this.scale === 'number') return this.scale > 0 ? 1 : this.scale < 0 ? -1 : 0;
    return this.scale.sign();
  }
  protected forwardImpl(x: Tensor): Tensor {
    const scaled = typeof this.scale === 'number' ? x.mul(this.scale) : this.scale.mul(x);
    return typeof this.loc === 'number' ? scaled.add(this.loc) : this.loc.add(scaled);
  }
  protected inverseImpl(y: Tensor): Tensor {
    const shifted = y.sub(this.loc);
    return shifted.div(this.scale);
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    let result = typeof this.scale === 'number' ? fullLike(x, Math.log(Math.abs(this.scale))) : this.scale.abs().log();
    let shape = x.shape;
    if (this.dims) {
      result = result.view([...result.shape.slice(0, result.dim() - this.dims), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this.dims);
    }
    return result.expand(shape);
  }
  forwardShape(shape: number[]): number[] {
    return broadcastShapes(shape, this.loc instanceof Tensor ? this.loc.shape : [], this.scale instanceof Tensor ? this.scale.shape : []);
  }
  inverseShape(shape: number[]): number[] {
    return this.forwardShape(shape);
  }
}

/** y = softplus(x) = log(1 + eˣ), onto the positive reals. */
export class SoftplusTransform extends IncreasingBijection {
  get domain(): constraints.Constraint {
    return constraints.real;
  }
  get codomain(): constraints.Constraint {
    return constraints.positive;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return softplus(x);
  }
  protected inverseImpl(y: Tensor): Tensor {
    return scope(() => y.neg().expm1().neg().log().add(y));
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    return scope(() => softplus(x.neg()).neg());
  }
}

/** y = softmax(x) over the last dimension, onto the simplex (not bijective: the inverse is log). */
export class SoftmaxTransform extends Transform {
  get domain(): constraints.Constraint {
    return constraints.realVector;
  }
  get codomain(): constraints.Constraint {
    return constraints.simplex;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return scope(() => {
      const probs = x.sub(x.max(-1, true)[0]).exp();
      return probs.div(probs.sum(-1, true));
    });
  }
  protected inverseImpl(y: Tensor): Tensor {
    return y.log();
  }
  forwardShape(shape: number[]): number[] {
    if (shape.length < 1) throw new ValueError('Too few dimensions on input');
    return shape;
  }
  inverseShape(shape: number[]): number[] {
    return this.forwardShape(shape);
  }
}

/**
 * From K-1 reals onto the K-simplex by stick breaking (a bijection, unlike softmax): what
 * LogisticNormal and variational methods use to put unconstrained parameters on the simplex.
 */
// n, n - 1, ..., 1: how many pieces of the stick are left at each break (on `like`'s device and dtype).
function stickOffset(like: Tensor, n: number): Tensor {
  return like.newOnes([n]).cumsum(-1).neg().add(n + 1);
}

export class StickBreakingTransform extends Transform {
  get domain(): constraints.Constraint {
    return constraints.realVector;
  }
  get codomain(): constraints.Constraint {
    return constraints.simplex;
  }
  get bijective(): boolean {
    return true;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return scope(() => {
      const { tiny, eps } = finfo(x.dtype);
      const z = x.sub(stickOffset(x, x.size(-1)).log()).sigmoid().clamp(tiny, 1 - eps);
      const zCumprod = z.neg().add(1).cumprod(-1);
      return pad(z, [0, 1], 'constant', 1).mul(pad(zCumprod, [1, 0], 'constant', 1));
    });
  }
  protected inverseImpl(y: Tensor): Tensor {
    return scope(() => {
      const yCrop = y.narrow(-1, 0, y.size(-1) - 1);
      const sf = yCrop.cumsum(-1).neg().add(1).clamp(finfo(y.dtype).tiny);
      return yCrop.log().sub(sf.log()).add(stickOffset(y, yCrop.size(-1)).log());
    });
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return scope(() => {
      const shifted = x.sub(stickOffset(x, x.size(-1)).log());
      return shifted.neg().add(logSigmoid(shifted)).add(y.narrow(-1, 0, y.size(-1) - 1).log()).sum(-1);
    });
  }
  forwardShape(shape: number[]): number[] {
    if (shape.length < 1) throw new ValueError('Too few dimensions on input');
    return [...shape.slice(0, -1), shape[shape.length - 1] + 1];
  }
  inverseShape(shape: number[]): number[] {
    if (shape.length < 1) throw new ValueError('Too few dimensions on input');
    return [...shape.slice(0, -1), shape[shape.length - 1] - 1];
  }
}

/** From square matrices onto lower-triangular ones with a positive diagonal (its exp). */
export class LowerCholeskyTransform extends Transform {
  get domain(): constraints.Constraint {
    return constraints.independent(constraints.real, 2);
  }
  get codomain(): constraints.Constraint {
    return constraints.lowerCholesky;
  }
  protected forwardImpl(x: Tensor): Tensor {
    return scope(() => x.tril(-1).add(diagEmbed(x.diagonal(0, -2, -1).exp())));
  }
  protected inverseImpl(y: Tensor): Tensor {
    return scope(() => y.tril(-1).add(diagEmbed(y.diagonal(0, -2, -1).log())));
  }
}

/** A transform over `reinterpretedBatchNdims` more rightmost dimensions (its log |det J| summed over them). */
export class IndependentTransform extends Transform {
  constructor(readonly baseTransform: Transform, readonly reinterpretedBatchNdims: number, options: TransformOptions = {}) {
    super(options);
    if (!(baseTransform instanceof Transform)) throw new TorchTypeError('IndependentTransform: base_transform must be a Transform');
  }
  get domain(): constraints.Constraint {
    return constraints.independent(this.baseTransform.domain, this.reinterpretedBatchNdims);
  }
  get codomain(): constraints.Constraint {
    return constraints.independent(this.baseTransform.codomain, this.reinterpretedBatchNdims);
  }
  get bijective(): boolean {
    return this.baseTransform.bijective;
  }
  get sign(): number | Tensor {
    return this.baseTransform.sign;
  }
  protected sameParams(): boolean {
    return false; // as Python, which compares these by identity
  }
  protected forwardImpl(x: Tensor): Tensor {
    if (x.dim() < this.domain.eventDim) throw new ValueError('Too few dimensions on input');
    return this.baseTransform.call(x);
  }
  protected inverseImpl(y: Tensor): Tensor {
    if (y.dim() < this.codomain.eventDim) throw new ValueError('Too few dimensions on input');
    return this.baseTransform.inv.call(y);
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return scope(() => sumRightmost(this.baseTransform.logAbsDetJacobian(x, y), this.reinterpretedBatchNdims));
  }
  forwardShape(shape: number[]): number[] {
    return this.baseTransform.forwardShape(shape);
  }
  inverseShape(shape: number[]): number[] {
    return this.baseTransform.inverseShape(shape);
  }
  toString(): string {
    return `IndependentTransform(${this.baseTransform.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}

/**
 * From unconstrained vectors of D(D-1)/2 reals onto Cholesky factors of D x D correlation
 * matrices (lower triangular, positive diagonal, rows of unit length): tanh, then a signed
 * stick-breaking along each row. log |det J| is taken against the factor's strictly lower part.
 */
export class CorrCholeskyTransform extends Transform {
  get domain(): constraints.Constraint {
    return constraints.realVector;
  }
  get codomain(): constraints.Constraint {
    return constraints.corrCholesky;
  }
  get bijective(): boolean {
    return true;
  }
  protected sameParams(): boolean {
    return false; // as Python, which compares these by identity
  }
  protected forwardImpl(x: Tensor): Tensor {
    return scope(() => {
      const eps = finfo(x.dtype).eps;
      const r = vecToTrilMatrix(x.tanh().clamp(-1 + eps, 1 - eps), -1);
      const n = r.size(-1);
      // y = sign(r) sqrt(z prod(1 - z)) over the row so far, with z = r^2: r * sqrt(prod(1 - z)).
      const z1mCumprodSqrt = r.pow(2).neg().add(1).sqrt().cumprod(-1);
      const withDiagonal = r.add(eye(n, { dtype: r.dtype, device: r.device }));
      return withDiagonal.mul(pad(z1mCumprodSqrt.narrow(-1, 0, n - 1), [1, 0], 'constant', 1));
    });
  }
  protected inverseImpl(y: Tensor): Tensor {
    return scope(() => {
      const yCumsum = y.mul(y).cumsum(-1).neg().add(1);
      const shifted = pad(yCumsum.narrow(-1, 0, yCumsum.size(-1) - 1), [1, 0], 'constant', 1);
      const t = trilMatrixToVec(y, -1).div(trilMatrixToVec(shifted, -1).sqrt());
      return t.add(1).div(t.neg().add(1)).log().div(2); // atanh
    });
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return scope(() => {
      // diag -2 needs no shift of the cumulative sums (and works for 2 x 2 too).
      const stickBreaking = trilMatrixToVec(y.mul(y).cumsum(-1).neg().add(1), -2).log().sum(-1).mul(0.5);
      const tanh = x.add(softplus(x.mul(-2))).sub(Math.LN2).sum(-1).mul(-2);
      return stickBreaking.add(tanh);
    });
  }
  forwardShape(shape: number[]): number[] {
    if (shape.length < 1) throw new ValueError('Too few dimensions on input');
    const n = shape[shape.length - 1];
    const d = Math.round(Math.sqrt(0.25 + 2 * n) + 0.5);
    if ((d * (d - 1)) / 2 !== n) throw new ValueError('Input is not a flattend lower-diagonal number');
    return [...shape.slice(0, -1), d, d];
  }
  inverseShape(shape: number[]): number[] {
    if (shape.length < 2) throw new ValueError('Too few dimensions on input');
    const d = shape[shape.length - 1];
    if (shape[shape.length - 2] !== d) throw new ValueError('Input is not square');
    return [...shape.slice(0, -2), (d * (d - 1)) / 2];
  }
}

// Slices of x along dim, or which dimension; both combinators check the size along it.
function alongDim(name: string, x: Tensor, dim: number, size: number): void {
  if (dim < -x.dim() || dim >= x.dim()) throw new ValueError(`${name}: dim ${dim} is out of range for a tensor of ${x.dim()} dimensions`);
  if (x.size(dim) !== size) throw new ValueError(`${name}: expected size ${size} along dim ${dim}, got ${x.size(dim)}`);
}

/**
 * Transforms applied to consecutive slices along `dim` (`lengths[i]` entries each, default 1), the
 * results laid out as torch.cat lays them (Python's CatTransform).
 */
export class CatTransform extends Transform {
  readonly transforms: Transform[];
  readonly lengths: number[];
  constructor(tseq: Transform[], readonly dim = 0, lengths?: number[] | null, options: TransformOptions = {}) {
    super(options);
    if (!Array.isArray(tseq) || !tseq.every((t) => t instanceof Transform)) throw new TorchTypeError('CatTransform: tseq must be an array of Transforms');
    this.transforms = [...tseq];
    this.lengths = lengths ? [...lengths] : this.transforms.map(() => 1);
    if (this.lengths.length !== this.transforms.length) throw new ValueError(`CatTransform: ${this.transforms.length} transforms but ${this.lengths.length} lengths`);
  }
  get eventDim(): number {
    return Math.max(...this.transforms.map((t) => t.eventDim));
  }
  get length(): number {
    return this.lengths.reduce((a, b) => a + b, 0);
  }
  get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }
  get domain(): constraints.Constraint {
    return new constraints.Cat(this.transforms.map((t) => t.domain), this.dim, this.lengths);
  }
  get codomain(): constraints.Constraint {
    return new constraints.Cat(this.transforms.map((t) => t.codomain), this.dim, this.lengths);
  }
  protected sameParams(): boolean {
    return false; // as Python, which compares these by identity
  }
  private map(v: Tensor, fn: (t: Transform, slice: Tensor) => Tensor): Tensor {
    alongDim('CatTransform', v, this.dim, this.length);
    return scope(() => {
      let start = 0;
      const parts = this.transforms.map((t, i) => {
        const out = fn(t, v.narrow(this.dim, start, this.lengths[i]));
        start += this.lengths[i];
        return out;
      });
      return cat(parts, this.dim);
    });
  }
  protected forwardImpl(x: Tensor): Tensor {
    return this.map(x, (t, s) => t.call(s));
  }
  protected inverseImpl(y: Tensor): Tensor {
    return this.map(y, (t, s) => t.inv.call(s));
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    alongDim('CatTransform', x, this.dim, this.length);
    alongDim('CatTransform', y, this.dim, this.length);
    const eventDim = this.eventDim;
    return scope(() => {
      let start = 0;
      const parts = this.transforms.map((t, i) => {
        const j = t.logAbsDetJacobian(x.narrow(this.dim, start, this.lengths[i]), y.narrow(this.dim, start, this.lengths[i]));
        start += this.lengths[i];
        return t.eventDim < eventDim ? sumRightmost(j, eventDim - t.eventDim) : j;
      });
      // Along a batch dim the slices' terms sit side by side; inside the event they add up.
      const dim = (this.dim >= 0 ? this.dim - x.dim() : this.dim) + eventDim;
      return dim < 0 ? cat(parts, dim) : parts.reduce((a, b) => a.add(b));
    });
  }
  toString(): string {
    return 'CatTransform()';
  }
}

/** Transforms applied to each index along `dim`, the results stacked as torch.stack stacks them (Python's StackTransform). */
export class StackTransform extends Transform {
  readonly transforms: Transform[];
  constructor(tseq: Transform[], readonly dim = 0, options: TransformOptions = {}) {
    super(options);
    if (!Array.isArray(tseq) || !tseq.every((t) => t instanceof Transform)) throw new TorchTypeError('StackTransform: tseq must be an array of Transforms');
    this.transforms = [...tseq];
  }
  get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }
  get domain(): constraints.Constraint {
    return new constraints.Stack(this.transforms.map((t) => t.domain), this.dim);
  }
  get codomain(): constraints.Constraint {
    return new constraints.Stack(this.transforms.map((t) => t.codomain), this.dim);
  }
  protected sameParams(): boolean {
    return false; // as Python, which compares these by identity
  }
  private map(vs: Tensor[], fn: (t: Transform, slices: Tensor[]) => Tensor): Tensor {
    for (const v of vs) alongDim('StackTransform', v, this.dim, this.transforms.length);
    return scope(() => stack(this.transforms.map((t, i) => fn(t, vs.map((v) => v.select(this.dim, i)))), this.dim));
  }
  protected forwardImpl(x: Tensor): Tensor {
    return this.map([x], (t, [s]) => t.call(s));
  }
  protected inverseImpl(y: Tensor): Tensor {
    return this.map([y], (t, [s]) => t.inv.call(s));
  }
  logAbsDetJacobian(x: Tensor, y: Tensor): Tensor {
    return this.map([x, y], (t, [xs, ys]) => t.logAbsDetJacobian(xs, ys));
  }
  toString(): string {
    return 'StackTransform()';
  }
}

/** Reshapes the rightmost dimensions from `inShape` to `outShape` (log |det J| is 0). */
export class ReshapeTransform extends Transform {
  constructor(readonly inShape: number[], readonly outShape: number[], options: TransformOptions = {}) {
    super(options);
    const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);
    if (numel(inShape) !== numel(outShape)) throw new ValueError('in_shape, out_shape have different numbers of elements');
  }
  get domain(): constraints.Constraint {
    return constraints.independent(constraints.real, this.inShape.length);
  }
  get codomain(): constraints.Constraint {
    return constraints.independent(constraints.real, this.outShape.length);
  }
  get bijective(): boolean {
    return true;
  }
  protected sameParams(): boolean {
    return false; // as Python, which compares these by identity
  }
  protected forwardImpl(x: Tensor): Tensor {
    return x.reshape([...x.shape.slice(0, x.dim() - this.inShape.length), ...this.outShape]);
  }
  protected inverseImpl(y: Tensor): Tensor {
    return y.reshape([...y.shape.slice(0, y.dim() - this.outShape.length), ...this.inShape]);
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    return x.newZeros(x.shape.slice(0, x.dim() - this.inShape.length));
  }
  private static reshaped(shape: number[], from: number[], to: number[]): number[] {
    if (shape.length < from.length) throw new ValueError('Too few dimensions on input');
    const cut = shape.length - from.length;
    if (shape.slice(cut).join() !== from.join()) throw new ValueError(`Shape mismatch: expected torch.Size([${shape.slice(cut).join(', ')}]) but got torch.Size([${from.join(', ')}])`);
    return [...shape.slice(0, cut), ...to];
  }
  forwardShape(shape: number[]): number[] {
    return ReshapeTransform.reshaped(shape, this.inShape, this.outShape);
  }
  inverseShape(shape: number[]): number[] {
    return ReshapeTransform.reshaped(shape, this.outShape, this.inShape);
  }
}

/** y = the cdf of `distribution` at x, onto (0, 1) (its log |det J| is the log density). */
export class CumulativeDistributionTransform extends IncreasingBijection {
  constructor(readonly distribution: Distribution, options: TransformOptions = {}) {
    super(options);
  }
  get domain(): constraints.Constraint {
    return this.distribution.support;
  }
  get codomain(): constraints.Constraint {
    return constraints.unitInterval;
  }
  protected sameParams(): boolean {
    return false; // as Python, which compares these by identity
  }
  protected forwardImpl(x: Tensor): Tensor {
    return this.distribution.cdf(x);
  }
  protected inverseImpl(y: Tensor): Tensor {
    return this.distribution.icdf(y);
  }
  logAbsDetJacobian(x: Tensor, _y?: Tensor): Tensor {
    return this.distribution.logProb(x);
  }
}

/** The identity (an empty composition), as Python's `identity_transform`. */
export const identityTransform: Transform = new ComposeTransform([]);
