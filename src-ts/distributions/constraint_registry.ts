/**
 * From unconstrained reals onto a constraint's set (Python's `biject_to` and `transform_to`):
 * `bijectTo(constraints.positive)` is an ExpTransform, so `bijectTo(c).call(x)` puts a free
 * parameter x where a distribution needs it (variational inference, constrained optimization).
 * `biject_to` gives bijections (StickBreaking onto the simplex); `transform_to` may give cheaper
 * maps that are not (Softmax). `register` adds a constraint class or instance.
 */
import { NotImplementedError } from '../errors';
import * as constraints from './constraints';
import {
  AffineTransform, CatTransform, ComposeTransform, CorrCholeskyTransform, ExpTransform, IndependentTransform, LowerCholeskyTransform,
  SigmoidTransform, SoftmaxTransform, StackTransform, StickBreakingTransform, type Transform, identityTransform,
} from './transforms';

type Factory = (constraint: constraints.Constraint) => Transform;
type ConstraintClass = abstract new (...args: never[]) => constraints.Constraint;

export class ConstraintRegistry {
  private readonly byInstance = new Map<constraints.Constraint, Factory>();
  private readonly byClass: [ConstraintClass, Factory][] = [];

  /** Registers `factory` for a constraint instance (e.g. `constraints.simplex`) or a constraint class. */
  register(constraint: constraints.Constraint | ConstraintClass, factory: Factory): Factory {
    if (constraint instanceof constraints.Constraint) this.byInstance.set(constraint, factory);
    else this.byClass.unshift([constraint, factory]);
    return factory;
  }
  /** The transform onto `constraint`'s set. */
  call(constraint: constraints.Constraint): Transform {
    const own = this.byInstance.get(constraint);
    if (own !== undefined) return own(constraint);
    for (const [cls, factory] of this.byClass) if (constraint instanceof cls) return factory(constraint);
    throw new NotImplementedError(`Cannot transform ${constraint.constructor.name} constraints`);
  }
}

/** A registry called as a function, as Python's `biject_to(constraint)`. */
export type RegistryFunction = ((constraint: constraints.Constraint) => Transform) & {
  register(constraint: constraints.Constraint | ConstraintClass, factory: Factory): Factory;
};
function callable(registry: ConstraintRegistry): RegistryFunction {
  return Object.assign((c: constraints.Constraint) => registry.call(c), { register: registry.register.bind(registry) });
}

const biject = new ConstraintRegistry();
const transform = new ConstraintRegistry();
export const bijectTo: RegistryFunction = callable(biject);
export const transformTo: RegistryFunction = callable(transform);

for (const registry of [biject, transform]) {
  registry.register(constraints.Real, () => identityTransform);
  registry.register(constraints.IndependentConstraint, (c) => {
    const ic = c as constraints.IndependentConstraint;
    return new IndependentTransform(registry.call(ic.base), ic.reinterpretedBatchNdims);
  });
  // Onto (lower, ∞): exp, shifted unless the bound is 0.
  registry.register(constraints.GreaterThan, (c) => {
    const g = c as constraints.GreaterThan;
    return g.lowerBound === 0 ? new ExpTransform() : new ComposeTransform([new ExpTransform(), new AffineTransform(g.lowerBound, 1)]);
  });
  // Onto (lower, upper): sigmoid, scaled unless the interval is (0, 1).
  registry.register(constraints.Interval, (c) => {
    const iv = c as constraints.Interval;
    if (iv.lowerBound === 0 && iv.upperBound === 1) return new SigmoidTransform();
    const [lo, hi] = [iv.lowerBound, iv.upperBound];
    const width = typeof hi !== 'number' ? hi.sub(lo) : typeof lo !== 'number' ? lo.neg().add(hi) : hi - lo;
    return new ComposeTransform([new SigmoidTransform(), new AffineTransform(iv.lowerBound, width)]);
  });
  registry.register(constraints.LowerCholesky, () => new LowerCholeskyTransform());
  registry.register(constraints.CorrCholesky, () => new CorrCholeskyTransform());
  // Slices and stacks of constraints: the transform onto each part, side by side.
  registry.register(constraints.Cat, (c) => {
    const k = c as constraints.Cat;
    return new CatTransform(k.cseq.map((p) => registry.call(p)), k.dim, k.lengths);
  });
  registry.register(constraints.Stack, (c) => {
    const k = c as constraints.Stack;
    return new StackTransform(k.cseq.map((p) => registry.call(p)), k.dim);
  });
}
biject.register(constraints.Simplex, () => new StickBreakingTransform());
transform.register(constraints.Simplex, () => new SoftmaxTransform());
