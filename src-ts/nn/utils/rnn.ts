/**
 * torch.nn.utils.rnn: variable-length sequences for RNN/LSTM/GRU. A PackedSequence holds the
 * time steps of a batch of sequences back to back (longest first), so a recurrent layer runs each
 * step only on the sequences that are still going, and its final state is each sequence's own.
 *
 * Layout, as Python's: `data` is (sum of lengths, *), step t's rows are the first
 * `batchSizes[t]` sequences (sorted by decreasing length); `sortedIndices` maps that order to the
 * caller's batch order and `unsortedIndices` back (null when the batch came sorted).
 */
import { ValueError, TypeError as TorchTypeError } from '../../errors';
import { tensor } from '../../creation';
import * as ops from '../../generated/ops';
import { carriedTensors, scope } from '../../memory';
import { Tensor } from '../../tensor';
import type { DTypeLike } from '../../dtype';
import type { DeviceLike } from '../../device';

export class PackedSequence {
  constructor(
    readonly data: Tensor,
    /** How many sequences are still going at each time step (int64, on the CPU). */
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    readonly unsortedIndices: Tensor | null = null,
  ) {
    if (!(data instanceof Tensor) || !(batchSizes instanceof Tensor)) throw new TorchTypeError('PackedSequence: data and batchSizes must be Tensors');
    if (batchSizes.dtype !== 'int64' || batchSizes.dim() !== 1 || batchSizes.isCuda) {
      throw new ValueError(`PackedSequence: batchSizes must be a 1-D int64 CPU tensor, got ${batchSizes.dtype} of shape [${batchSizes.shape.join(', ')}] on ${batchSizes.device}`);
    }
  }

  /** Scopes keep what a PackedSequence carries when one is returned. */
  [carriedTensors](): Tensor[] {
    return [this.data, this.batchSizes, ...(this.sortedIndices ? [this.sortedIndices] : []), ...(this.unsortedIndices ? [this.unsortedIndices] : [])];
  }

  get isCuda(): boolean {
    return this.data.isCuda;
  }

  /**
   * The same sequences with `data` (and the index tensors) moved or cast; `batchSizes` stays on
   * the CPU, as Python's does. Returns new handles: disposing either PackedSequence leaves the
   * other usable.
   */
  to(target: DTypeLike | DeviceLike | { dtype?: DTypeLike; device?: DeviceLike }): PackedSequence {
    return scope(() => {
      const data = this.data.to(target as never);
      const device = data.device;
      const move = (t: Tensor | null): Tensor | null => (t === null ? null : t.to(device).detach());
      return new PackedSequence(data === this.data ? data.detach() : data, this.batchSizes.detach(), move(this.sortedIndices), move(this.unsortedIndices));
    });
  }

  /** Frees data, batchSizes and the index tensors now. */
  dispose(): void {
    for (const t of this[carriedTensors]()) t.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

// The inverse of a permutation (Python's invert_permutation).
function invertPermutation(p: Tensor): Tensor {
  return scope(() => ops.emptyLike(p).scatter_(0, p, ops.arange(p.numel(), { dtype: p.dtype, device: p.device })));
}

function lengthsArray(lengths: Tensor | ArrayLike<number>): number[] {
  if (lengths instanceof Tensor) {
    if (lengths.dim() !== 1) throw new ValueError(`'lengths' argument should be a 1D tensor, got ${lengths.dim()}-D`);
    return scope(() => Array.from(lengths.to('cpu').to('float64').toTypedArray() as Float64Array));
  }
  const out = Array.from(lengths);
  if (out.some((n) => typeof n !== 'number' || !Number.isInteger(n))) throw new TorchTypeError("'lengths' must be integers");
  return out;
}

// (T, B) mask of the steps each sequence has: step t of sequence b is in when lengths[b] > t.
function stepMask(lengths: number[], steps: number, device: DeviceLike): Tensor {
  return scope(() => ops.arange(steps, { device }).unsqueeze(1).lt(tensor(lengths, { dtype: 'int64' }).to(device).unsqueeze(0)));
}

/**
 * Packs a padded batch (T, B, *) (or (B, T, *) with `batchFirst`) of sequences with the given
 * lengths. With `enforceSorted` (the default) the lengths must be in decreasing order; without,
 * the batch is sorted here and the PackedSequence remembers how to put it back.
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | ArrayLike<number>,
  options: { batchFirst?: boolean; enforceSorted?: boolean } = {},
): PackedSequence {
  if (!(input instanceof Tensor)) throw new TorchTypeError('packPaddedSequence: input must be a Tensor');
  const batchFirst = options.batchFirst ?? false;
  const enforceSorted = options.enforceSorted ?? true;
  const lens = lengthsArray(lengths);
  if (input.dim() < 2) throw new ValueError(`packPaddedSequence: input must have at least 2 dimensions (steps and batch), got ${input.dim()}`);
  const batch = input.size(batchFirst ? 0 : 1);
  const steps = input.size(batchFirst ? 1 : 0);
  if (lens.length !== batch) throw new ValueError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${batch})`);
  let order: number[] | null = null;
  let sorted = lens;
  if (!enforceSorted) {
    // A stable sort, as torch.sort(descending=True) on the CPU.
    order = lens.map((_, i) => i).sort((a, b) => lens[b] - lens[a] || a - b);
    sorted = order.map((i) => lens[i]);
  } else {
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i] > sorted[i - 1]) {
        throw new ValueError('`lengths` array must be sorted in decreasing order when `enforceSorted` is true. You can pass `enforceSorted: false` to packPaddedSequence and/or packSequence to sidestep this requirement if you do not need ONNX exportability.');
      }
    }
  }
  if (sorted.length === 0 || sorted[sorted.length - 1] <= 0) throw new ValueError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  if (sorted[0] > steps) throw new ValueError(`packPaddedSequence: a length of ${sorted[0]} is longer than the ${steps} steps of the input`);
  const batchSizes = Array.from({ length: sorted[0] }, (_, t) => sorted.filter((n) => n > t).length);
  return scope(() => {
    const sortedIndices = order === null ? null : tensor(order, { dtype: 'int64' }).to(input.device);
    let x = sortedIndices === null ? input : input.indexSelect(batchFirst ? 0 : 1, sortedIndices);
    if (batchFirst) x = x.transpose(0, 1);
    // Row-major over (step, sequence): step t's rows are the first batchSizes[t] sequences.
    const data = x.narrow(0, 0, sorted[0]).index(stepMask(sorted, sorted[0], input.device));
    return new PackedSequence(data, tensor(batchSizes, { dtype: 'int64' }), sortedIndices, sortedIndices === null ? null : invertPermutation(sortedIndices));
  });
}

/**
 * Unpacks to a padded batch: returns [padded (T, B, *) or (B, T, *), lengths (int64, CPU)], in the
 * batch order the sequences were packed from. `totalLength` pads to that many steps.
 */
export function padPackedSequence(
  sequence: PackedSequence,
  options: { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null } = {},
): [Tensor, Tensor] {
  if (!(sequence instanceof PackedSequence)) throw new TorchTypeError('padPackedSequence: expected a PackedSequence');
  const sizes = Array.from(sequence.batchSizes.toTypedArray() as BigInt64Array, Number);
  let steps = sizes.length;
  const total = options.totalLength ?? null;
  if (total !== null) {
    if (total < steps) throw new ValueError(`Expected total_length to be at least the length of the longest sequence in input, but got total_length=${total} and max sequence length being ${steps}`);
    steps = total;
  }
  const batch = sizes[0];
  const lens = Array.from({ length: batch }, (_, b) => sizes.filter((n) => n > b).length);
  const batchFirst = options.batchFirst ?? false;
  return scope(() => {
    const { data } = sequence;
    const padded = ops.full([steps, batch, ...data.shape.slice(1)], options.paddingValue ?? 0, { dtype: data.dtype, device: data.device });
    let out = ops.indexPut(padded, [stepMask(lens, steps, data.device)], data);
    if (batchFirst) out = out.transpose(0, 1);
    let lengths = tensor(lens, { dtype: 'int64' });
    const back = sequence.unsortedIndices;
    if (back !== null) {
      out = out.indexSelect(batchFirst ? 0 : 1, back);
      lengths = lengths.indexSelect(0, back.to('cpu'));
    }
    return [out, lengths] as [Tensor, Tensor];
  });
}

/** Pads a list of (L_i, *) tensors to one (max L, B, *) tensor (or (B, max L, *) with `batchFirst`). */
export function padSequence(sequences: Tensor[], options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  if (!Array.isArray(sequences) || sequences.some((s) => !(s instanceof Tensor))) throw new TorchTypeError('padSequence: expected an array of Tensors');
  if (sequences.length === 0) throw new ValueError('received an empty list of sequences');
  return ops.padSequence(sequences, options.batchFirst ?? false, options.paddingValue ?? 0);
}

/** Packs a list of (L_i, *) tensors (longest first, unless `enforceSorted: false`). */
export function packSequence(sequences: Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  const lengths = sequences.map((s) => (s instanceof Tensor ? s.size(0) : NaN));
  return scope(() => packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: options.enforceSorted ?? true }));
}

/** The inverse of packSequence: the sequences as a list of (L_i, *) tensors, in their order. */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  return scope(() => {
    const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
    const lens = Array.from(lengths.toTypedArray() as BigInt64Array, Number);
    return lens.map((n, i) => padded.select(0, i).narrow(0, 0, n));
  });
}

/** Splits a padded batch back into its sequences, each cut to its length. */
export function unpadSequence(paddedSequences: Tensor, lengths: Tensor | ArrayLike<number>, options: { batchFirst?: boolean } = {}): Tensor[] {
  const lens = lengthsArray(lengths);
  const batchFirst = options.batchFirst ?? false;
  if (paddedSequences.size(batchFirst ? 0 : 1) !== lens.length) throw new ValueError(`unpadSequence: ${lens.length} lengths for a batch of ${paddedSequences.size(batchFirst ? 0 : 1)}`);
  return scope(() => lens.map((n, i) => paddedSequences.select(batchFirst ? 0 : 1, i).narrow(0, 0, n).clone()));
}
