/**
 * The generic op path: every operator is called by schema through one native entry point,
 * `binding.call(id, ...args)`, with arguments in the schema's order (undefined = the schema's
 * default). Ids are looked up on first use, so an operator the running LibTorch lacks only
 * fails (with NotImplementedError) when it is called. Generated ops (argparse.ts) use the same ids.
 */
import { binding } from './binding';
import { NotImplementedError } from './errors';

export interface OpRef {
  readonly name: string;
  readonly overload: string;
  id: number;
}

/** Declares an operator by its schema name and overload, e.g. `op('aten::add', 'Tensor')`. */
export function op(name: string, overload = ''): OpRef {
  return { name, overload, id: -1 };
}

/** The native id of an operator (looked up once, then cached on the ref). */
export function opId(o: OpRef): number {
  if (o.id < 0) o.id = binding.opId(o.name, o.overload);
  return o.id;
}

/**
 * Whether the running LibTorch has the operator: code that uses an op added after the oldest
 * LibTorch torchnode supports checks this and composes the op from older ones where it is absent.
 */
export function hasOp(o: OpRef): boolean {
  if (o.id >= 0) return true;
  try {
    opId(o);
    return true;
  } catch (e) {
    if (e instanceof NotImplementedError) return false;
    throw e;
  }
}

/** The schema string LibTorch has for an operator (for docs and error messages). */
export function schemaOf(o: OpRef): string {
  return binding.opSchema(opId(o));
}

/** Operators the hand-written core uses (printing, `to`); the rest is generated. */
export const ATEN = {
  cat: op('aten::cat'),
  stack: op('aten::stack'),
  to: op('aten::to', 'dtype_layout'),
} as const;
