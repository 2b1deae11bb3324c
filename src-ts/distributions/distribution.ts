/**
 * The base of torch.distributions: batch and event shapes, sampling (`sample` without gradients,
 * `rsample` reparameterized, with them), log densities, and argument/sample validation with
 * Python's messages. Validation is on by default, as in Python (`Distribution.setDefaultValidateArgs`).
 *
 * Memory: a distribution owns the tensors it made from its arguments (broadcast views, derived
 * probabilities); they live in the scope it was made in, like any tensor, and `dispose()` frees
 * them. Every method returns new tensors and frees its temporaries.
 */
import { NotImplementedError, ValueError } from '../errors';
import { noGrad } from '../autograd';
import { tensor } from '../creation';
import { arange, broadcastTensors } from '../generated/ops';
import type { DType } from '../dtype';
import type { Device } from '../device';
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { type Constraint, positive as positiveConstraint, real as realConstraint } from './constraints';
import { keyOf, pyFloat } from '../nn/module';

const pyShape = (s: number[]): string => `torch.Size([${s.join(', ')}])`;

/**
 * A parameter as Python's distribution repr formats it: a one-element tensor as itself (a 0-d one
 * as its Python number, `0.0`), a bigger one as its size.
 */
export function argRepr(t: Tensor): string {
  if (t.numel() !== 1) return pyShape(t.shape);
  if (t.dim() > 0) return t.toString();
  const v = t.item();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return t.dtype.startsWith('float') || t.dtype.startsWith('bfloat') ? pyFloat(Number(v)) : String(v);
}
const pyTupleShape = (s: number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
// A tensor in a Python f-string: a 0-d one formats as its Python number (Tensor.__format__).
const pyFormat = (t: Tensor): string => (t.dim() === 0 ? argRepr(t) : t.toString());

let defaultValidate = true;

export abstract class Distribution {
  /** Turns argument and sample validation on or off for distributions made afterwards. */
  static setDefaultValidateArgs(value: boolean): void {
    defaultValidate = value;
  }

  readonly batchShape: number[];
  readonly eventShape: number[];
  protected readonly validateArgs: boolean;
  /** Reparameterized sampling (`rsample`) is available. */
  get hasRsample(): boolean {
    return false;
  }
  /** enumerateSupport() is available (discrete distributions). */
  get hasEnumerateSupport(): boolean {
    return false;
  }

  protected constructor(batchShape: number[], eventShape: number[] = [], validateArgs?: boolean) {
    this.batchShape = batchShape;
    this.eventShape = eventShape;
    this.validateArgs = validateArgs ?? defaultValidate;
  }

  /** The parameters and what they must satisfy (checked at construction when validating). */
  abstract get argConstraints(): Record<string, Constraint>;
  /** The values samples take. */
  abstract get support(): Constraint;

  /** Subclasses call this once their parameters are set. */
  protected checkArgs(): void {
    if (!this.validateArgs) return;
    for (const [name, c] of Object.entries(this.argConstraints)) {
      const value = (this as unknown as Record<string, unknown>)[name];
      if (!(value instanceof Tensor)) continue;
      const ok = scope(() => c.check(value).all().item<boolean>());
      if (!ok) {
        throw new ValueError(
          `Expected parameter ${keyOf(name)} (Tensor of shape ${pyTupleShape(value.shape)}) of distribution ${this.toString()} ` +
            `to satisfy the constraint ${c.toString()}, but found invalid values:\n${pyFormat(value)}`,
        );
      }
    }
  }

  get mean(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement mean`);
  }
  get mode(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement mode`);
  }
  get variance(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement variance`);
  }
  get stddev(): Tensor {
    return scope(() => this.variance.sqrt());
  }

  /** Samples of shape sampleShape + batchShape + eventShape, without gradients. */
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }
  /** Reparameterized samples: gradients flow to the parameters. */
  rsample(sampleShape: number[] = []): Tensor {
    void sampleShape;
    throw new NotImplementedError(`${this.constructor.name} does not implement rsample`);
  }
  logProb(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError(`${this.constructor.name} does not implement logProb`);
  }
  cdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError(`${this.constructor.name} does not implement cdf`);
  }
  icdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError(`${this.constructor.name} does not implement icdf`);
  }
  entropy(): Tensor {
    throw new NotImplementedError(`${this.constructor.name} does not implement entropy`);
  }
  perplexity(): Tensor {
    return scope(() => this.entropy().exp());
  }
  enumerateSupport(expand = true): Tensor {
    void expand;
    throw new NotImplementedError(`${this.constructor.name} does not implement enumerateSupport`);
  }

  /** sampleShape + batchShape + eventShape. */
  protected extendedShape(sampleShape: number[] = []): number[] {
    if (!Array.isArray(sampleShape) || sampleShape.some((n) => !Number.isInteger(n) || n < 0)) {
      throw new ValueError(`sampleShape must be an array of non-negative integers, got ${String(sampleShape)}`);
    }
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /** Python's sample checks: a tensor, broadcastable to batch+event shape, inside the support. */
  protected validateSample(value: Tensor): void {
    if (!this.validateArgs) return;
    if (!(value instanceof Tensor)) throw new ValueError('The value argument to log_prob must be a Tensor');
    const size = value.shape;
    const ev = this.eventShape;
    const tail = size.slice(size.length - ev.length);
    if (ev.length > size.length || tail.some((n, i) => n !== ev[i])) {
      throw new ValueError(`The right-most size of value must match event_shape: ${pyShape(size)} vs ${pyShape(ev)}.`);
    }
    const expected = [...this.batchShape, ...ev];
    for (let i = 1; i <= Math.min(size.length, expected.length); i++) {
      const [a, b] = [size[size.length - i], expected[expected.length - i]];
      if (a !== 1 && b !== 1 && a !== b) throw new ValueError(`Value is not broadcastable with batch_shape+event_shape: ${pyShape(size)} vs ${pyShape(expected)}.`);
    }
    const support = this.support;
    const ok = scope(() => support.check(value).all().item<boolean>());
    if (!ok) {
      throw new ValueError(
        `Expected value argument (Tensor of shape ${pyTupleShape(size)}) to be within the support (${support.toString()}) ` +
          `of the distribution ${this.toString()}, but found invalid values:\n${pyFormat(value)}`,
      );
    }
  }

  /**
   * Python's `expand`: this distribution over a larger batch shape, its parameters expanded as
   * Tensor.expand does (views, no copies): dims of size 1 grow, new dims go in front. The result
   * owns its views (its `dispose()` frees them, not this distribution's tensors); the arguments
   * are not checked again.
   */
  expand(batchShape: number[]): this {
    return expandDistribution(this, batchShape);
  }

  /** The tensors this distribution made and owns (freed by dispose). */
  protected abstract ownedTensors(): Tensor[];

  /** Frees the tensors this distribution made from its arguments. */
  dispose(): void {
    for (const t of this.ownedTensors()) t.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Python's repr: `Normal(loc: torch.Size([3]), scale: torch.Size([3]))`, scalars printed. */
  toString(): string {
    const parts = Object.keys(this.argConstraints)
      .map((k) => [k, (this as unknown as Record<string, unknown>)[k]] as const)
      .filter(([, v]) => v instanceof Tensor)
      .map(([k, v]) => `${keyOf(k)}: ${argRepr(v as Tensor)}`);
    return `${this.constructor.name}(${parts.join(', ')})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * `d` over `batchShape`: a copy of its fields with every tensor whose leading dims are the batch
 * shape expanded over the new one (its trailing, per-sample dims kept), other tensors aliased, and
 * the distributions inside expanded the same way (to `nestedBatch(inner)`, by default the new
 * batch shape followed by the inner one's own extra dims). A value referenced twice (a base
 * distribution kept under two names) stays one value.
 */
export function expandDistribution<D extends Distribution>(d: D, batchShape: number[], nestedBatch?: (inner: Distribution) => number[] | undefined): D {
  if (!Array.isArray(batchShape) || batchShape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ValueError(`expand(): batchShape must be an array of non-negative integers, got ${String(batchShape)}`);
  }
  const old = d.batchShape;
  const bl = old.length;
  if (batchShape.length < bl) {
    throw new ValueError(`expand(): the number of sizes provided (${batchShape.length}) must be greater or equal to the number of dimensions in the batch shape (${bl})`);
  }
  for (let i = 1; i <= bl; i++) {
    const [a, b] = [old[bl - i], batchShape[batchShape.length - i]];
    if (a !== 1 && a !== b) {
      throw new ValueError(
        `expand(): the expanded size (${b}) must match the existing size (${a}) at non-singleton dimension ${batchShape.length - i}. ` +
          `Target sizes: [${batchShape.join(', ')}].  Batch shape: [${old.join(', ')}]`,
      );
    }
  }
  const batched = (shape: number[]): boolean => shape.length >= bl && old.every((n, i) => shape[i] === n);
  const made: Tensor[] = [];
  const inner: Distribution[] = [];
  const copies = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (!(v instanceof Tensor) && !(v instanceof Distribution) && !Array.isArray(v)) return v;
    if (copies.has(v)) return copies.get(v);
    let c: unknown;
    if (v instanceof Tensor) {
      const t = batched(v.shape) ? v.expand([...batchShape, ...v.shape.slice(bl)]) : v.alias();
      made.push(t);
      c = t;
    } else if (v instanceof Distribution) {
      const target = nestedBatch?.(v) ?? (batched(v.batchShape) ? [...batchShape, ...v.batchShape.slice(bl)] : undefined);
      if (target === undefined) throw new NotImplementedError(`${d.constructor.name}.expand(): cannot tell the batch shape of its ${v.constructor.name}`);
      const e = v.expand(target);
      inner.push(e);
      c = e;
    } else {
      c = v.some((x) => x instanceof Tensor || x instanceof Distribution) ? v.map(copy) : v;
    }
    copies.set(v, c);
    return c;
  };
  const out = Object.create(Object.getPrototypeOf(d)) as D;
  for (const key of Reflect.ownKeys(d)) {
    const desc = Object.getOwnPropertyDescriptor(d, key)!;
    if ('value' in desc) desc.value = key === 'batchShape' ? [...batchShape] : copy(desc.value);
    Object.defineProperty(out, key, desc);
  }
  // It owns exactly what expand made, whatever the class's own dispose() frees.
  Object.defineProperty(out, 'dispose', {
    value: () => {
      for (const t of made) t.dispose();
      for (const e of inner) e.dispose();
    },
    configurable: true,
    writable: true,
  });
  return out;
}

/**
 * The values a discrete distribution takes, shaped (n, 1, ..., 1) over its batch, or expanded to
 * (n, ...batchShape): Python's enumerate_support.
 */
export function enumerateValues(n: number, dtype: DType, device: Device, batchShape: number[], expand: boolean): Tensor {
  return scope(() => {
    const values = arange(n, { dtype, device }).view([-1, ...batchShape.map(() => 1)]);
    return expand ? values.expand([-1, ...batchShape]) : values;
  });
}

/**
 * Python's broadcast_all: numbers become tensors of the first tensor's dtype and device (float32
 * when all are numbers), then all broadcast together. Returns [tensors, all were numbers].
 */
export function broadcastAll(...values: (number | Tensor)[]): [Tensor[], boolean] {
  for (const v of values) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new ValueError('Input arguments must all be instances of numbers.Number, torch.Tensor or objects implementing __torch_function__.');
  }
  const first = values.find((v): v is Tensor => v instanceof Tensor);
  const allNumbers = first === undefined;
  return [
    scope(() => {
      const ts = values.map((v) => (v instanceof Tensor ? v : tensor(v, { dtype: first?.dtype ?? 'float32', device: first?.device })));
      return broadcastTensors(ts);
    }),
    allNumbers,
  ];
}

/**
 * A distribution over the reals with a location and a positive scale, reparameterizable (Normal,
 * Laplace, Cauchy): the arguments broadcast together, scalars give an empty batch shape.
 */
export abstract class LocScale extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  get hasRsample(): boolean {
    return true;
  }

  constructor(loc: number | Tensor, scale: number | Tensor, options: { validateArgs?: boolean } = {}) {
    const [[l, s], scalar] = broadcastAll(loc, scale);
    super(scalar ? [] : l.shape, [], options.validateArgs);
    this.loc = l;
    this.scale = s;
    this.checkArgs();
  }
  get argConstraints(): Record<string, Constraint> {
    return { loc: realConstraint, scale: positiveConstraint };
  }
  get support(): Constraint {
    return realConstraint;
  }
  get mode(): Tensor {
    return this.loc.alias();
  }
  protected ownedTensors(): Tensor[] {
    return [this.loc, this.scale];
  }
}
