/**
 * Transformer layers as PyTorch's (torch/nn/modules/transformer.py): TransformerEncoderLayer,
 * TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, and the whole Transformer
 * (encoder-decoder, as in "Attention Is All You Need"); post-norm by default,
 * pre-norm with `normFirst`; activation 'relu', 'gelu' or a function. The stacks deep-copy the
 * layer they are given (all layers start with the same weights, as in PyTorch).
 */
import { TypeError as TorchTypeError, ValueError } from '../../errors';
import { Module } from '../module';
import { scope } from '../../memory';
import * as F from '../functional';
import { MultiheadAttention } from './attention';
import { Dropout } from './dropout';
import { Linear, type FactoryOptions } from './linear';
import { ModuleList } from './container';
import { LayerNorm } from './normalization';
import * as init from '../init';
import * as ops from '../../generated/ops';
import type { Tensor } from '../../tensor';
import type { DTypeLike } from '../../dtype';
import type { DeviceLike } from '../../device';

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
    // Attention, feed-forward and residual temporaries are freed here; only the result escapes.
    return scope(() => {
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
    });
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
    // Attention, feed-forward and residual temporaries are freed here; only the result escapes.
    return scope(() => {
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
    });
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
    // Each layer's output is the next one's input: only the last escapes.
    return scope(() => {
      let x = src;
      for (const layer of this.layers) x = (layer as TransformerEncoderLayer).call(x, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask });
      return this.norm === null ? x : (this.norm.call(x) as Tensor);
    });
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
    // Each layer's output is the next one's input: only the last escapes.
    return scope(() => {
      let x = tgt;
      for (const layer of this.layers) x = (layer as TransformerDecoderLayer).call(x, memory, options);
      return this.norm === null ? x : (this.norm.call(x) as Tensor);
    });
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Used instead of the encoder stack built from the other options. */
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

export interface TransformerMasks extends DecoderMasks {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder Transformer, as Python's nn.Transformer: `numEncoderLayers` encoder layers
 * and `numDecoderLayers` decoder layers, each stack with a final LayerNorm; every weight matrix
 * starts Xavier-uniform. `call(src, tgt, masks)` returns the decoder's output.
 */
export class Transformer extends Module {
  encoder: Module;
  decoder: Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  /** `new nn.Transformer(dModel, nhead, options)`, or everything in one object (all have defaults). */
  constructor(dModel?: number, nhead?: number, options?: TransformerOptions);
  constructor(options?: TransformerOptions & { dModel?: number; nhead?: number });
  constructor(a?: number | (TransformerOptions & { dModel?: number; nhead?: number }), b?: number, c: TransformerOptions = {}) {
    super();
    const options: TransformerOptions & { dModel?: number; nhead?: number } = typeof a === 'object' && a !== null ? a : { ...c, dModel: a, nhead: b };
    const dModel = options.dModel ?? 512;
    const nhead = options.nhead ?? 8;
    const f = { dtype: options.dtype, device: options.device };
    const eps = options.layerNormEps ?? 1e-5;
    const bias = options.bias ?? true;
    // Built in Python's order (encoder layer, its norm, decoder layer, its norm): the same draws.
    this.encoder = options.customEncoder ?? stack(new TransformerEncoderLayer(dModel, nhead, options), (l) =>
      new TransformerEncoder(l, options.numEncoderLayers ?? 6, { norm: new LayerNorm([dModel], { ...f, eps, bias }) }));
    this.decoder = options.customDecoder ?? stack(new TransformerDecoderLayer(dModel, nhead, options), (l) =>
      new TransformerDecoder(l, options.numDecoderLayers ?? 6, { norm: new LayerNorm([dModel], { ...f, eps, bias }) }));
    for (const p of this.parameters()) if (p.dim() > 1) init.xavierUniform_(p);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = options.batchFirst ?? false;
  }

  forward(src: Tensor, tgt: Tensor, masks: TransformerMasks = {}): Tensor {
    const batched = src.dim() === 3;
    const b = this.batchFirst ? 0 : 1;
    if (batched && src.size(b) !== tgt.size(b)) throw new ValueError('the batch number of src and tgt must be equal');
    if (src.size(-1) !== this.dModel || tgt.size(-1) !== this.dModel) throw new ValueError('the feature number of src and tgt must be equal to d_model');
    // The encoder's output (the decoder's memory) is freed once the decoder has used it.
    return scope(() => {
      const memory = this.encoder.call(src, { mask: masks.srcMask, srcKeyPaddingMask: masks.srcKeyPaddingMask }) as Tensor;
      return this.decoder.call(tgt, memory, {
        tgtMask: masks.tgtMask, memoryMask: masks.memoryMask, tgtKeyPaddingMask: masks.tgtKeyPaddingMask, memoryKeyPaddingMask: masks.memoryKeyPaddingMask,
      }) as Tensor;
    });
  }

  /** A causal mask for a sequence of `sz`: -inf above the diagonal, 0 elsewhere (float). */
  static generateSquareSubsequentMask(sz: number, options: { device?: DeviceLike; dtype?: DTypeLike } = {}): Tensor {
    const full = ops.full([sz, sz], -Infinity, { dtype: options.dtype ?? 'float32', device: options.device });
    try {
      return ops.triu(full, 1);
    } finally {
      full.dispose();
    }
  }
}

// A stack copies its layer; the layer it was built from is freed once copied.
function stack<L extends Module>(layer: L, build: (l: L) => Module): Module {
  try {
    return build(layer);
  } finally {
    layer.dispose();
  }
}
