/**
 * torch.* functions that Python writes in Python (torch/functional.py) over ATen ops, with the
 * same arguments and results: `tensordot` with an int `dims`, `unique` and `uniqueConsecutive`
 * returning only the outputs asked for, `numel`.
 */
import { binding } from './binding';
import { argError } from './errors';
import { op, opId } from './ops';
import { Tensor, tensorArg, wrap } from './tensor';

const ATEN_F = {
  tensordot: op('aten::tensordot'),
  unique2: op('aten::_unique2'),
  uniqueDim: op('aten::unique_dim'),
  uniqueConsecutive: op('aten::unique_consecutive'),
};

export type TensordotDims = number | [number | number[], number | number[]];

const asList = (x: number | number[]): number[] => (Array.isArray(x) ? x : [x]);

/**
 * Contracts `a` and `b` over `dims`: an int d (the last d dims of a with the first d of b), or
 * two lists of dims (`[[1, 0], [0, 1]]`).
 */
export function tensordot(a: Tensor, b: Tensor, dims?: TensordotDims, options?: { dims?: TensordotDims }): Tensor;
export function tensordot(a: Tensor, b: Tensor, options: { dims?: TensordotDims }): Tensor;
export function tensordot(a: Tensor, b: Tensor, dims: TensordotDims | { dims?: TensordotDims } = 2, options: { dims?: TensordotDims } = {}): Tensor {
  if (dims !== null && typeof dims === 'object' && !Array.isArray(dims)) {
    options = dims;
    dims = 2;
  }
  if (options.dims !== undefined) dims = options.dims;
  tensorArg(a, 'tensordot', 'a');
  tensorArg(b, 'tensordot', 'b');
  let da: number[];
  let db: number[];
  if (typeof dims === 'number') {
    if (!Number.isInteger(dims) || dims < 0) argError('tensordot', 'dims', 'a non-negative integer or two lists of dims', dims);
    da = Array.from({ length: dims }, (_, i) => i - dims);
    db = Array.from({ length: dims }, (_, i) => i);
  } else if (Array.isArray(dims) && dims.length === 2) {
    da = asList(dims[0]);
    db = asList(dims[1]);
  } else {
    return argError('tensordot', 'dims', 'an integer or two lists of dims', dims);
  }
  return wrap(binding.call(opId(ATEN_F.tensordot), a._h, b._h, da, db));
}

export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}

// Keeps the outputs asked for (Python returns a tensor, or a tuple when more are asked for) and
// frees the others now.
function pick(all: Tensor[], inverse: boolean, counts: boolean): Tensor | Tensor[] {
  const out = [all[0]];
  if (inverse) out.push(all[1]);
  else all[1].dispose();
  if (counts) out.push(all[2]);
  else all[2].dispose();
  return out.length === 1 ? out[0] : out;
}

/** The unique elements (sorted), and optionally the inverse indices and the counts. */
export function unique(input: Tensor, options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(input: Tensor, options: UniqueOptions): Tensor | Tensor[];
export function unique(input: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  tensorArg(input, 'unique', 'input');
  const { sorted = true, returnInverse = false, returnCounts = false, dim = null } = options;
  const r =
    dim === null
      ? binding.call(opId(ATEN_F.unique2), input._h, sorted, returnInverse, returnCounts)
      : binding.call(opId(ATEN_F.uniqueDim), input._h, dim, sorted, returnInverse, returnCounts);
  return pick((r as number[]).map(wrap), returnInverse, returnCounts);
}

/** Collapses runs of equal consecutive elements; optionally the inverse indices and the counts. */
export function uniqueConsecutive(input: Tensor, options?: Omit<UniqueOptions, 'sorted'> & { returnInverse?: false; returnCounts?: false }): Tensor;
export function uniqueConsecutive(input: Tensor, options: Omit<UniqueOptions, 'sorted'>): Tensor | Tensor[];
export function uniqueConsecutive(input: Tensor, options: Omit<UniqueOptions, 'sorted'> = {}): Tensor | Tensor[] {
  tensorArg(input, 'uniqueConsecutive', 'input');
  const { returnInverse = false, returnCounts = false, dim = null } = options;
  const r = binding.call(opId(ATEN_F.uniqueConsecutive), input._h, returnInverse, returnCounts, dim ?? undefined);
  return pick((r as number[]).map(wrap), returnInverse, returnCounts);
}

/** The number of elements of `input`. */
export function numel(input: Tensor): number {
  return tensorArg(input, 'numel', 'input').numel();
}
