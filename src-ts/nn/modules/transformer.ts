/**
 * Transformer layers as PyTorch's (torch/nn/modules/transformer.py): TransformerEncoderLayer,
 * TransformerEncoder, TransformerDecoderLayer, TransformerDecoder; post-norm by default,
 * pre-norm with `normFirst`; activation 'relu', 'gelu' or a function. The stacks deep-copy the
 * layer they are given (all layers start with the same weights, as in PyTorch).
 */
import { TypeError as TorchTypeError, ValueError } from '../../errors';
import { Module } from '../module';
import * as F from '../functional';
import { MultiheadAttention } from './attention';
import { Dropout } from './dropout';
import { Linear, type FactoryOptions } from './linear';
import { ModuleList } from './container';
import { LayerNorm } from './normalization';
import type { Tensor } from '../../tensor';

export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions extends FactoryOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  /** false: no additive biases in the attention, feed-forward and norm layers (PyTorch 2.1). */
  bias?: boolean;
}

function activationFn(a: Activation | undefined): (x: Tensor) => Tensor {
  if (a === undefined || a === 'relu') return (x) => F.relu(x);
  if (a === 'gelu') return (x) => F.gelu(x);
  if (typeof a === 'function') return a;
  throw new ValueError(`activation should be relu/gelu, not ${String(a)}`);
}

export class TransformerEncoderLayer extends Module {
  selfAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const f = { dtype: options.dtype, device: options.device };
    const p = options.dropout ?? 0.1;
    const eps = options.layerNormEps ?? 1e-5;
    // Created in Python's order: the random draws for the weights happen in this order.
    const bias = options.bias ?? true;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { ...f, dropout: p, bias, batchFirst: options.batchFirst ?? false });
    this.linear1 = new Linear(dModel, options.dimFeedforward ?? 2048, { ...f, bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(options.dimFeedforward ?? 2048, dModel, { ...f, bias });
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm([dModel], { ...f, eps, bias });
    this.norm2 = new LayerNorm([dModel], { ...f, eps, bias });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activationFn(options.activation);
  }

  forward(src: Tensor, options: { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    let x = src;
    const sa = (y: Tensor) => this.dropout1.call(this.selfAttn.call(y, y, y, { attnMask: options.srcMask, keyPaddingMask: options.srcKeyPaddingMask, needWeights: false })[0]);
    const ff = (y: Tensor) => this.dropout2.call(this.linear2.call(this.dropout.call(this.activation(this.linear1.call(y)))));
    if (this.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(ff(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(ff(x)));
    }
    return x;
  }
}

export class TransformerDecoderLayer extends Module {
  selfAttn: MultiheadAttention;
  multiheadAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const f = { dtype: options.dtype, device: options.device };
    const p = options.dropout ?? 0.1;
    const eps = options.layerNormEps ?? 1e-5;
    const batchFirst = options.batchFirst ?? false;
    const bias = options.bias ?? true;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { ...f, dropout: p, bias, batchFirst });
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, { ...f, dropout: p, bias, batchFirst });
    this.linear1 = new Linear(dModel, options.dimFeedforward ?? 2048, { ...f, bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(options.dimFeedforward ?? 2048, dModel, { ...f, bias });
    this.normFirst = options.normFirst ?? false;
    this.norm1 = new LayerNorm([dModel], { ...f, eps, bias });
    this.norm2 = new LayerNorm([dModel], { ...f, eps, bias });
    this.norm3 = new LayerNorm([dModel], { ...f, eps, bias });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activation = activationFn(options.activation);
  }

  forward(tgt: Tensor, memory: Tensor, options: DecoderMasks = {}): Tensor {
    let x = tgt;
    const sa = (y: Tensor) => this.dropout1.call(this.selfAttn.call(y, y, y, { attnMask: options.tgtMask, keyPaddingMask: options.tgtKeyPaddingMask, needWeights: false })[0]);
    const mha = (y: Tensor) => this.dropout2.call(this.multiheadAttn.call(y, memory, memory, { attnMask: options.memoryMask, keyPaddingMask: options.memoryKeyPaddingMask, needWeights: false })[0]);
    const ff = (y: Tensor) => this.dropout3.call(this.linear2.call(this.dropout.call(this.activation(this.linear1.call(y)))));
    if (this.normFirst) {
      x = x.add(sa(this.norm1.call(x)));
      x = x.add(mha(this.norm2.call(x)));
      x = x.add(ff(this.norm3.call(x)));
    } else {
      x = this.norm1.call(x.add(sa(x)));
      x = this.norm2.call(x.add(mha(x)));
      x = this.norm3.call(x.add(ff(x)));
    }
    return x;
  }
}

export interface DecoderMasks {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

function clones<T extends Module>(layer: T, n: number, what: string): ModuleList {
  if (!(layer instanceof Module)) throw new TorchTypeError(`${what}: expected a layer module, got ${typeof layer}`);
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`${what}: numLayers must be a positive integer, got ${n}`);
  return new ModuleList(Array.from({ length: n }, () => layer.deepCopy()));
}

/** A stack of `numLayers` copies of an encoder layer, with an optional final norm. */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: Module | null;
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    this.layers = clones(encoderLayer, numLayers, 'TransformerEncoder');
    this.norm = options.norm ?? null;
  }
  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).call(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask });
    return this.norm === null ? x : (this.norm.call(x) as Tensor);
  }
}

/** A stack of `numLayers` copies of a decoder layer, with an optional final norm. */
export class TransformerDecoder extends Module {
  layers: ModuleList;
  norm: Module | null;
  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, options: { norm?: Module | null } = {}) {
    super();
    this.layers = clones(decoderLayer, numLayers, 'TransformerDecoder');
    this.norm = options.norm ?? null;
  }
  forward(tgt: Tensor, memory: Tensor, options: DecoderMasks = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as TransformerDecoderLayer).call(x, memory, options);
    return this.norm === null ? x : (this.norm.call(x) as Tensor);
  }
}
