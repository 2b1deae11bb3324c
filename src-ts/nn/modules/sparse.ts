/** Embedding: a lookup table of vectors (weights drawn from N(0, 1), as in PyTorch). */
import { ValueError } from '../../errors';
import { noGrad } from '../../autograd';
import { Module } from '../module';
import { emptyParameter, Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { Tensor } from '../../tensor';
import type { FactoryOptions } from './linear';

// What Embedding and EmbeddingBag share: a padding index checked and made non-negative, and
// weights drawn from N(0, 1) with the padding row zeroed.
function paddingIndex(p: number | null | undefined, numEmbeddings: number): number | null {
  if (p === null || p === undefined) return null;
  if (p >= numEmbeddings || p < -numEmbeddings) throw new ValueError('Padding_idx must be within num_embeddings');
  return p < 0 ? p + numEmbeddings : p;
}
function initEmbedding(weight: Parameter, paddingIdx: number | null): void {
  init.normal_(weight);
  if (paddingIdx !== null) {
    const row = weight.index(paddingIdx);
    noGrad(() => row.fill_(0));
    row.dispose();
  }
}

export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: FactoryOptions & { paddingIdx?: number | null } = {}) {
    super();
    this.paddingIdx = paddingIndex(options.paddingIdx, numEmbeddings);
    this.weight = emptyParameter([numEmbeddings, embeddingDim], { dtype: options.dtype, device: options.device });
    this.resetParameters();
  }
  resetParameters(): void {
    initEmbedding(this.weight, this.paddingIdx);
  }
  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }
  extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

export type BagMode = 'sum' | 'mean' | 'max';

export interface EmbeddingBagOptions extends FactoryOptions {
  mode?: BagMode;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
  scaleGradByFreq?: boolean;
}

/**
 * EmbeddingBag: sums, averages or takes the max of bags of embeddings without materializing them.
 * `input` 2-D (B, N): B bags of N indices; or 1-D with `offsets` (the start of each bag).
 */
export class EmbeddingBag extends Module {
  weight: Parameter;
  readonly mode: BagMode;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  readonly scaleGradByFreq: boolean;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingBagOptions = {}) {
    super();
    this.mode = options.mode ?? 'mean';
    if (!['sum', 'mean', 'max'].includes(this.mode)) throw new ValueError(`mode has to be one of sum, mean or max, got ${String(this.mode)}`);
    this.includeLastOffset = options.includeLastOffset ?? false;
    this.scaleGradByFreq = options.scaleGradByFreq ?? false;
    this.paddingIdx = paddingIndex(options.paddingIdx, numEmbeddings);
    this.weight = emptyParameter([numEmbeddings, embeddingDim], { dtype: options.dtype, device: options.device });
    this.resetParameters();
  }
  resetParameters(): void {
    initEmbedding(this.weight, this.paddingIdx);
  }
  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return F.embeddingBag(input, this.weight, {
      offsets, perSampleWeights, mode: this.mode, includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx, scaleGradByFreq: this.scaleGradByFreq,
    });
  }
  extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.scaleGradByFreq) s += ', scale_grad_by_freq=True';
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}

