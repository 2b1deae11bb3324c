/**
 * Recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional, batchFirst, LSTM's projSize), on
 * LibTorch's fused aten::rnn_tanh / rnn_relu / lstm / gru. Parameters are PyTorch's, under its
 * names (`weight_ih_l0`, `bias_hh_l1_reverse`, `weight_hr_l0`; the JS fields are the camelCase
 * forms, `weightIhL0`), drawn in the same order from U(-1/sqrt(hidden), 1/sqrt(hidden)).
 * Inputs are (L, N, H_in), (N, L, H_in) with batchFirst, unbatched (L, H_in), or a
 * PackedSequence (nn.utils.rnn): then the output is packed the same way and the final state is
 * each sequence's own last step, in the caller's batch order.
 */
import { TypeError as TorchTypeError, ValueError } from '../../errors';
import * as ops from '../../generated/ops';
import { Module, pyFloat } from '../module';
import { emptyParameter, type Parameter } from '../parameter';
import * as init from '../init';
import { scope } from '../../memory';
import type { Tensor } from '../../tensor';
import { PackedSequence } from '../utils/rnn';
import type { FactoryOptions } from './linear';

export interface RNNOptions extends FactoryOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
}

type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';
const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const yes = (b: boolean) => (b ? 'True' : 'False');

export abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly projSize: number;
  /** Parameter field names in PyTorch's order (what the fused op takes, layer by layer). */
  private readonly flatNames: string[] = [];

  constructor(
    protected readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNOptions & { projSize?: number } = {},
  ) {
    super();
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    this.projSize = options.projSize ?? 0;
    const name = this.constructor.name;
    if (!Number.isInteger(inputSize) || inputSize <= 0) throw new ValueError(`${name}: inputSize must be a positive integer, got ${inputSize}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new ValueError(`hidden_size must be greater than zero, got ${hiddenSize}`);
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) throw new ValueError(`num_layers must be greater than zero, got ${this.numLayers}`);
    if (this.dropout < 0 || this.dropout > 1) throw new ValueError('dropout should be a number in range [0, 1] representing the probability of an element being zeroed');
    if (this.projSize < 0) throw new ValueError('proj_size should be a positive integer or zero to disable projections');
    if (this.projSize >= hiddenSize) throw new ValueError('proj_size has to be smaller than hidden_size');
    if (this.projSize > 0 && mode !== 'LSTM') throw new ValueError('proj_size argument is only supported for LSTM, not RNN or GRU');
    if (this.dropout > 0 && this.numLayers === 1) {
      process.emitWarning(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.numLayers}`,
        'UserWarning',
      );
    }
    const f = { dtype: options.dtype, device: options.device };
    const gate = GATES[mode] * hiddenSize;
    const real = this.projSize > 0 ? this.projSize : hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < dirs; d++) {
        const inSize = layer === 0 ? inputSize : real * dirs;
        const suffix = `L${layer}${d === 1 ? 'Reverse' : ''}`;
        const shapes: [string, number[]][] = [
          [`weightIh${suffix}`, [gate, inSize]],
          [`weightHh${suffix}`, [gate, real]],
        ];
        if (this.bias) shapes.push([`biasIh${suffix}`, [gate]], [`biasHh${suffix}`, [gate]]);
        if (this.projSize > 0) shapes.push([`weightHr${suffix}`, [this.projSize, hiddenSize]]);
        for (const [n, shape] of shapes) {
          this.registerParameter(n, emptyParameter(shape, f));
          this.flatNames.push(n);
        }
      }
    }
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** The parameters in the order the fused op takes them (Python's `_flat_weights`). */
  get flatWeights(): Parameter[] {
    return this.flatNames.map((n) => (this as unknown as Record<string, Parameter>)[n]);
  }

  /** Python's `all_weights`: per layer and direction, [w_ih, w_hh, b_ih, b_hh(, w_hr)]. */
  get allWeights(): Parameter[][] {
    const per = this.flatNames.length / (this.numLayers * (this.bidirectional ? 2 : 1));
    const w = this.flatWeights;
    const out: Parameter[][] = [];
    for (let i = 0; i < w.length; i += per) out.push(w.slice(i, i + per));
    return out;
  }

  /** Checks the input's shape and returns [input (batched), batched?]. */
  protected prepare(input: Tensor): [Tensor, boolean] {
    const name = this.constructor.name;
    if (input.dim() !== 2 && input.dim() !== 3) {
      throw new ValueError(`${name}: Expected input to be 2D or 3D, got ${input.dim()}D tensor instead`);
    }
    if (input.size(-1) !== this.inputSize) {
      throw new ValueError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.size(-1)}`);
    }
    const batched = input.dim() === 3;
    return [batched ? input : input.unsqueeze(this.batchFirst ? 0 : 1), batched];
  }

  protected stateShape(input: Tensor, size: number): number[] {
    const batch = input.size(this.batchFirst ? 0 : 1);
    return [this.numLayers * (this.bidirectional ? 2 : 1), batch, size];
  }

  /** A packed input's checks; returns the state shape for `size` (the batch is the longest step's). */
  protected packedShape(input: PackedSequence, size: number): number[] {
    const x = input.data;
    if (x.dim() !== 2) throw new ValueError(`${this.constructor.name}: a PackedSequence's data must be 2-D, got ${x.dim()}-D`);
    if (x.size(-1) !== this.inputSize) throw new ValueError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.size(-1)}`);
    const maxBatch = Number(input.batchSizes.index(0).item());
    return [this.numLayers * (this.bidirectional ? 2 : 1), maxBatch, size];
  }

  /** A given state for a packed batch, in the packed (sorted) order; or zeros. */
  protected packedHidden(h: Tensor | null, shape: number[], input: PackedSequence, what: string): Tensor {
    const x = input.data;
    if (h === null) return ops.zeros(shape, { dtype: x.dtype, device: x.device });
    const hb = this.checkHidden(h, shape, true, what);
    return input.sortedIndices === null ? hb : hb.indexSelect(1, input.sortedIndices);
  }

  /** The packed output, and a final state back in the caller's order. */
  protected packedResult(out: Tensor, input: PackedSequence): PackedSequence {
    const keep = (t: Tensor | null): Tensor | null => (t === null ? null : t.detach());
    return new PackedSequence(out, input.batchSizes.detach(), keep(input.sortedIndices), keep(input.unsortedIndices));
  }
  protected unsorted(h: Tensor, input: PackedSequence): Tensor {
    return input.unsortedIndices === null ? h : h.indexSelect(1, input.unsortedIndices);
  }

  protected checkHidden(h: Tensor, expected: number[], batched: boolean, what: string): Tensor {
    if (!batched && h.dim() !== 2) throw new ValueError(`For unbatched 2-D input, ${what} should also be 2-D but got ${h.dim()}-D tensor`);
    if (batched && h.dim() !== 3) throw new ValueError(`For batched 3-D input, ${what} should also be 3-D but got ${h.dim()}-D tensor`);
    const hb = batched ? h : h.unsqueeze(1);
    const got = hb.shape;
    if (got.length !== expected.length || got.some((x, i) => x !== expected[i])) {
      throw new ValueError(`Expected ${what} size (${expected.join(', ')}), got [${got.join(', ')}]`);
    }
    return hb;
  }

  extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${yes(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${yes(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${Number.isInteger(this.dropout) ? this.dropout : pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${yes(this.bidirectional)}`;
    return s;
  }
}

/** Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or ReLU). Returns [output, h_n]. */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`Unknown nonlinearity '${String(nl)}'. Select from 'tanh' or 'relu'.`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }
  forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    const fn = this.mode === 'RNN_TANH' ? ops.rnnTanh : ops.rnnRelu;
    // The scope frees the zero state and the unbatched views; only [output, h_n] escape.
    return scope((): [Tensor | PackedSequence, Tensor] => {
      if (input instanceof PackedSequence) {
        const h0 = this.packedHidden(hx, this.packedShape(input, this.hiddenSize), input, 'hidden');
        const [out, h] = fn(input.data, input.batchSizes, h0, this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional);
        return [this.packedResult(out, input), this.unsorted(h, input)];
      }
      const [x, batched] = this.prepare(input);
      const shape = this.stateShape(x, this.hiddenSize);
      const h0 = hx === null ? ops.zeros(shape, { dtype: x.dtype, device: x.device }) : this.checkHidden(hx, shape, batched, 'hidden');
      const [out, h] = fn(x, h0, this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional, this.batchFirst);
      return batched ? [out, h] : [out.squeeze(this.batchFirst ? 0 : 1), h.squeeze(1)];
    });
  }
}

/** LSTM. Returns [output, [h_n, c_n]]; `hx` is [h_0, c_0]. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions & { projSize?: number } = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }
  forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  forward(input: Tensor | PackedSequence, hx: [Tensor, Tensor] | null = null): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TorchTypeError('LSTM: hx must be [h_0, c_0]');
    return scope((): [Tensor | PackedSequence, [Tensor, Tensor]] => {
      if (input instanceof PackedSequence) {
        const h0 = this.packedHidden(hx && hx[0], this.packedShape(input, this.projSize > 0 ? this.projSize : this.hiddenSize), input, 'hidden[0]');
        const c0 = this.packedHidden(hx && hx[1], this.packedShape(input, this.hiddenSize), input, 'hidden[1]');
        const [out, h, c] = ops.lstm(input.data, input.batchSizes, [h0, c0], this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional);
        return [this.packedResult(out, input), [this.unsorted(h, input), this.unsorted(c, input)]];
      }
      const [x, batched] = this.prepare(input);
      const real = this.projSize > 0 ? this.projSize : this.hiddenSize;
      const hShape = this.stateShape(x, real);
      const cShape = this.stateShape(x, this.hiddenSize);
      let h0: Tensor;
      let c0: Tensor;
      if (hx === null) {
        h0 = ops.zeros(hShape, { dtype: x.dtype, device: x.device });
        c0 = ops.zeros(cShape, { dtype: x.dtype, device: x.device });
      } else {
        h0 = this.checkHidden(hx[0], hShape, batched, 'hidden[0]');
        c0 = this.checkHidden(hx[1], cShape, batched, 'hidden[1]');
      }
      const [out, h, c] = ops.lstm(x, [h0, c0], this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional, this.batchFirst);
      return batched ? [out, [h, c]] : [out.squeeze(this.batchFirst ? 0 : 1), [h.squeeze(1), c.squeeze(1)]];
    });
  }
}

/** GRU. Returns [output, h_n]. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }
  forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  forward(input: Tensor | PackedSequence, hx: Tensor | null = null): [Tensor | PackedSequence, Tensor] {
    return scope((): [Tensor | PackedSequence, Tensor] => {
      if (input instanceof PackedSequence) {
        const h0 = this.packedHidden(hx, this.packedShape(input, this.hiddenSize), input, 'hidden');
        const [out, h] = ops.gru(input.data, input.batchSizes, h0, this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional);
        return [this.packedResult(out, input), this.unsorted(h, input)];
      }
      const [x, batched] = this.prepare(input);
      const shape = this.stateShape(x, this.hiddenSize);
      const h0 = hx === null ? ops.zeros(shape, { dtype: x.dtype, device: x.device }) : this.checkHidden(hx, shape, batched, 'hidden');
      const [out, h] = ops.gru(x, h0, this.flatWeights, this.bias, this.numLayers, this.dropout, this.training, this.bidirectional, this.batchFirst);
      return batched ? [out, h] : [out.squeeze(this.batchFirst ? 0 : 1), h.squeeze(1)];
    });
  }
}

/**
 * One time step: RNNCell, LSTMCell, GRUCell, on LibTorch's rnn_tanh_cell / rnn_relu_cell /
 * lstm_cell / gru_cell. Parameters `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, drawn from
 * U(-1/sqrt(hidden), 1/sqrt(hidden)) in that order, as PyTorch. Input (N, H_in) or unbatched (H_in).
 */
export abstract class RNNCellBase extends Module {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;

  constructor(readonly inputSize: number, readonly hiddenSize: number, readonly bias: boolean, gates: number, f: FactoryOptions) {
    super();
    if (!Number.isInteger(inputSize) || inputSize <= 0) throw new ValueError(`${this.constructor.name}: inputSize must be a positive integer, got ${inputSize}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new ValueError(`hidden_size must be greater than zero, got ${hiddenSize}`);
    const o = { dtype: f.dtype, device: f.device };
    this.weightIh = emptyParameter([gates * hiddenSize, inputSize], o);
    this.weightHh = emptyParameter([gates * hiddenSize, hiddenSize], o);
    this.biasIh = bias ? emptyParameter([gates * hiddenSize], o) : null;
    this.biasHh = bias ? emptyParameter([gates * hiddenSize], o) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** Checks the input; returns it batched (N, H_in) and whether it was. */
  protected prepare(input: Tensor): [Tensor, boolean] {
    if (input.dim() !== 1 && input.dim() !== 2) {
      throw new ValueError(`${this.constructor.name}: Expected input to be 1-D or 2-D but received ${input.dim()}-D tensor`);
    }
    if (input.size(-1) !== this.inputSize) {
      throw new ValueError(`input has inconsistent input_size: got ${input.size(-1)} expected ${this.inputSize}`);
    }
    const batched = input.dim() === 2;
    return [batched ? input : input.unsqueeze(0), batched];
  }

  /** A given state (batched like the input), or zeros. */
  protected state(h: Tensor | null, x: Tensor, batched: boolean): Tensor {
    if (h === null) return ops.zeros([x.size(0), this.hiddenSize], { dtype: x.dtype, device: x.device });
    const hb = batched ? h : h.unsqueeze(0);
    if (hb.dim() !== 2 || hb.size(0) !== x.size(0) || hb.size(1) !== this.hiddenSize) {
      throw new ValueError(`${this.constructor.name}: expected hidden state of size (${x.size(0)}, ${this.hiddenSize}), got [${h.shape.join(', ')}]`);
    }
    return hb;
  }

  extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or ReLU). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: FactoryOptions & { bias?: boolean; nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(inputSize, hiddenSize, options.bias ?? true, 1, options);
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ValueError(`Unknown nonlinearity: ${String(nl)}`);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return scope(() => {
      const [x, batched] = this.prepare(input);
      const fn = this.nonlinearity === 'tanh' ? ops.rnnTanhCell : ops.rnnReluCell;
      const h = fn(x, this.state(hx, x, batched), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
      return batched ? h : h.squeeze(0);
    });
  }
  extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

/** One LSTM step: returns [h', c']; `hx` is [h, c]. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: FactoryOptions & { bias?: boolean } = {}) {
    super(inputSize, hiddenSize, options.bias ?? true, 4, options);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new TorchTypeError('LSTMCell: hx must be [h_0, c_0]');
    return scope(() => {
      const [x, batched] = this.prepare(input);
      const h0 = this.state(hx ? hx[0] : null, x, batched);
      const c0 = this.state(hx ? hx[1] : null, x, batched);
      const [h, c] = ops.lstmCell(x, [h0, c0], this.weightIh, this.weightHh, this.biasIh, this.biasHh);
      return batched ? [h, c] : [h.squeeze(0), c.squeeze(0)];
    });
  }
}

/** One GRU step: returns h'. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: FactoryOptions & { bias?: boolean } = {}) {
    super(inputSize, hiddenSize, options.bias ?? true, 3, options);
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return scope(() => {
      const [x, batched] = this.prepare(input);
      const h = ops.gruCell(x, this.state(hx, x, batched), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
      return batched ? h : h.squeeze(0);
    });
  }
}
