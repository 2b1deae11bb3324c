/**
 * Constraints on a distribution's parameters and support (torch.distributions.constraints):
 * `check(value)` gives a bool tensor, true where the value is allowed; the repr is Python's, as
 * validation errors print it.
 */
import { scope } from '../memory';
import { Tensor } from '../tensor';
import { pyFloat } from '../nn/module';
import { cat as catTensors, linalg, stack as stackTensors, zeros } from '../generated/ops';
import { finfo } from '../dtype';
import { TypeError as TorchTypeError, ValueError } from '../errors';

const finfoEps = (dtype: string): number => finfo(dtype).eps;

export abstract class Constraint {
  /** Whether values are integers (discrete support). */
  readonly isDiscrete: boolean = false;
  /** How many rightmost dimensions make one event. */
  readonly eventDim: number = 0;
  abstract check(value: Tensor): Tensor;
  abstract toString(): string;
}

export class Real extends Constraint {
  check(v: Tensor): Tensor {
    return v.eq(v); // false only for NaN
  }
  toString(): string {
    return 'Real()';
  }
}

class Boolean extends Constraint {
  readonly isDiscrete = true;
  check(v: Tensor): Tensor {
    return scope(() => v.eq(0).logicalOr(v.eq(1)));
  }
  toString(): string {
    return 'Boolean()';
  }
}

// A bound as Python's str.format prints it: an int, a 0-d tensor as its number, else the tensor.
const pyBound = (x: number | Tensor): string => (typeof x === 'number' ? String(x) : x.dim() === 0 ? pyFloat(Number(x.item())) : x.toString());

export class GreaterThan extends Constraint {
  constructor(readonly lowerBound: number | Tensor, readonly inclusive: boolean) {
    super();
  }
  check(v: Tensor): Tensor {
    return this.inclusive ? v.ge(this.lowerBound as number) : v.gt(this.lowerBound as number);
  }
  toString(): string {
    const b = typeof this.lowerBound === 'number' ? pyFloat(this.lowerBound) : pyBound(this.lowerBound);
    return `${this.inclusive ? 'GreaterThanEq' : 'GreaterThan'}(lower_bound=${b})`;
  }
}

export class Interval extends Constraint {
  constructor(readonly lowerBound: number | Tensor, readonly upperBound: number | Tensor, readonly halfOpen = false) {
    super();
  }
  check(v: Tensor): Tensor {
    return scope(() => {
      const lo = v.ge(this.lowerBound as number);
      return lo.logicalAnd(this.halfOpen ? v.lt(this.upperBound as number) : v.le(this.upperBound as number));
    });
  }
  toString(): string {
    // A 0-d tensor bound prints as its Python number, as str.format prints it.
    const f = (x: number | Tensor): string => (typeof x === 'number' ? pyFloat(x) : pyBound(x));
    return `${this.halfOpen ? 'HalfOpenInterval' : 'Interval'}(lower_bound=${f(this.lowerBound)}, upper_bound=${f(this.upperBound)})`;
  }
}

class IntegerInterval extends Constraint {
  readonly isDiscrete = true;
  constructor(readonly lowerBound: number | Tensor, readonly upperBound: number | Tensor) {
    super();
  }
  check(v: Tensor): Tensor {
    return scope(() => v.remainder(1).eq(0).logicalAnd(v.ge(this.lowerBound as number)).logicalAnd(v.le(this.upperBound as number)));
  }
  toString(): string {
    return `IntegerInterval(lower_bound=${pyBound(this.lowerBound)}, upper_bound=${pyBound(this.upperBound)})`;
  }
}

// Count vectors of at most `upperBound` trials (Python's constraints.multinomial).
class Multinomial extends Constraint {
  readonly isDiscrete = true;
  readonly eventDim = 1;
  constructor(readonly upperBound: number) {
    super();
  }
  check(v: Tensor): Tensor {
    return scope(() => v.ge(0).all(-1).logicalAnd(v.sum(-1).le(this.upperBound)));
  }
  toString(): string {
    return 'Multinomial()';
  }
}

export class Simplex extends Constraint {
  readonly eventDim = 1;
  check(v: Tensor): Tensor {
    return scope(() => v.ge(0).all(-1).logicalAnd(v.sum(-1).sub(1).abs().lt(1e-6)));
  }
  toString(): string {
    return 'Simplex()';
  }
}

/** A base constraint over `reinterpretedBatchNdims` more rightmost dimensions (all must hold). */
export class IndependentConstraint extends Constraint {
  readonly eventDim: number;
  readonly isDiscrete: boolean;
  constructor(readonly base: Constraint, readonly reinterpretedBatchNdims: number) {
    super();
    this.eventDim = base.eventDim + reinterpretedBatchNdims;
    this.isDiscrete = base.isDiscrete;
  }
  check(v: Tensor): Tensor {
    return scope(() => {
      let r = this.base.check(v);
      if (r.dim() < this.reinterpretedBatchNdims) throw new Error(`expected ${this.reinterpretedBatchNdims} dimensions, got ${r.dim()}`);
      for (let i = 0; i < this.reinterpretedBatchNdims; i++) r = r.all(-1);
      return r;
    });
  }
  toString(): string {
    return `IndependentConstraint(${this.base.toString()}, ${this.reinterpretedBatchNdims})`;
  }
}

class PositiveDefinite extends Constraint {
  readonly eventDim = 2;
  check(v: Tensor): Tensor {
    return scope(() => {
      const square = v.dim() >= 2 && v.size(-1) === v.size(-2);
      if (!square) return zeros(v.shape.slice(0, -2), { dtype: 'bool', device: v.device });
      const sym = v.isclose(v.mT(), { atol: 1e-6 }).all(-2).all(-1);
      if (!sym.all().item<boolean>()) return sym;
      return linalg.choleskyEx(v)[1].eq(0);
    });
  }
  toString(): string {
    return 'PositiveDefinite()';
  }
}
export class LowerCholesky extends Constraint {
  readonly eventDim = 2;
  check(v: Tensor): Tensor {
    return scope(() => {
      const lower = v.tril().eq(v).view([...v.shape.slice(0, -2), -1]).min(-1)[0];
      const positive = v.diagonal(0, -2, -1).gt(0).min(-1)[0];
      return lower.logicalAnd(positive);
    });
  }
  toString(): string {
    return 'LowerCholesky()';
  }
}

/** Lower-triangular with a positive diagonal and unit-length rows: the Cholesky factor of a correlation matrix. */
export class CorrCholesky extends Constraint {
  readonly eventDim = 2;
  check(v: Tensor): Tensor {
    return scope(() => {
      const tol = finfoEps(v.dtype) * v.size(-1) * 10; // Python's fudge factor
      const unitRows = linalg.norm(v.detach(), null, -1).sub(1).abs().le(tol).all(-1);
      return new LowerCholesky().check(v).logicalAnd(unitRows);
    });
  }
  toString(): string {
    return 'CorrCholesky()';
  }
}

export const real: Constraint = new Real();
/**
 * Constraints that each hold on a slice of `lengths[i]` entries along `dim`, the slices laid
 * out as torch.cat lays them (Python's `constraints.cat`).
 */
export class Cat extends Constraint {
  readonly cseq: Constraint[];
  readonly lengths: number[];
  readonly eventDim: number;
  readonly isDiscrete: boolean;
  constructor(cseq: Constraint[], readonly dim = 0, lengths?: number[] | null) {
    super();
    if (!Array.isArray(cseq) || !cseq.every((c) => c instanceof Constraint)) throw new TorchTypeError('constraints.cat: cseq must be an array of Constraints');
    this.cseq = [...cseq];
    this.lengths = lengths ? [...lengths] : this.cseq.map(() => 1);
    if (this.lengths.length !== this.cseq.length) throw new ValueError(`constraints.cat: ${this.cseq.length} constraints but ${this.lengths.length} lengths`);
    this.eventDim = Math.max(...this.cseq.map((c) => c.eventDim));
    this.isDiscrete = this.cseq.some((c) => c.isDiscrete);
  }
  check(v: Tensor): Tensor {
    return scope(() => {
      let start = 0;
      const parts = this.cseq.map((c, i) => {
        const part = c.check(v.narrow(this.dim, start, this.lengths[i]));
        start += this.lengths[i];
        return part;
      });
      return catTensors(parts, this.dim);
    });
  }
  toString(): string {
    return 'Cat()';
  }
}

/** Constraints that each hold on one index along `dim`, as torch.stack lays them (Python's `constraints.stack`). */
export class Stack extends Constraint {
  readonly cseq: Constraint[];
  readonly eventDim: number;
  readonly isDiscrete: boolean;
  constructor(cseq: Constraint[], readonly dim = 0) {
    super();
    if (!Array.isArray(cseq) || !cseq.every((c) => c instanceof Constraint)) throw new TorchTypeError('constraints.stack: cseq must be an array of Constraints');
    this.cseq = [...cseq];
    const d = Math.max(...this.cseq.map((c) => c.eventDim));
    // A negative dim inside the event counts one more event dim (Python's rule).
    this.eventDim = dim + d < 0 ? d + 1 : d;
    this.isDiscrete = this.cseq.some((c) => c.isDiscrete);
  }
  check(v: Tensor): Tensor {
    return scope(() => stackTensors(this.cseq.map((c, i) => c.check(v.select(this.dim, i))), this.dim));
  }
  toString(): string {
    return 'Stack()';
  }
}

/** Python's `constraints.cat(cseq, dim, lengths)`. */
export const cat = (cseq: Constraint[], dim = 0, lengths?: number[] | null): Cat => new Cat(cseq, dim, lengths);
/** Python's `constraints.stack(cseq, dim)`. */
export const stack = (cseq: Constraint[], dim = 0): Stack => new Stack(cseq, dim);
export const realVector: Constraint = new IndependentConstraint(real, 1);
export const boolean: Constraint = new Boolean();
export const positive: Constraint = new GreaterThan(0, false);
export const nonnegative: Constraint = new GreaterThan(0, true);
export const unitInterval: Constraint = new Interval(0, 1);
export const simplex: Constraint = new Simplex();
export const positiveDefinite: Constraint = new PositiveDefinite();
export const lowerCholesky: Constraint = new LowerCholesky();
export const corrCholesky: Constraint = new CorrCholesky();
export const nonnegativeInteger: Constraint = new (class extends Constraint {
  readonly isDiscrete = true;
  check(v: Tensor): Tensor {
    return scope(() => v.remainder(1).eq(0).logicalAnd(v.ge(0)));
  }
  toString(): string {
    return 'IntegerGreaterThan(lower_bound=0)';
  }
})();
export const greaterThan = (lowerBound: number | Tensor): Constraint => new GreaterThan(lowerBound, false);
export const greaterThanEq = (lowerBound: number | Tensor): Constraint => new GreaterThan(lowerBound, true);
export const interval = (lowerBound: number | Tensor, upperBound: number | Tensor): Constraint => new Interval(lowerBound, upperBound);
export const halfOpenInterval = (lowerBound: number | Tensor, upperBound: number | Tensor): Constraint => new Interval(lowerBound, upperBound, true);
export const integerInterval = (lowerBound: number | Tensor, upperBound: number | Tensor): Constraint => new IntegerInterval(lowerBound, upperBound);
export const multinomial = (upperBound: number): Constraint => new Multinomial(upperBound);
export const independent = (base: Constraint, reinterpretedBatchNdims: number): Constraint => new IndependentConstraint(base, reinterpretedBatchNdims);
