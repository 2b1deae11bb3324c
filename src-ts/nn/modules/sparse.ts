/** Embedding: a lookup table of vectors (weights drawn from N(0, 1), as in PyTorch). */
import { ValueError } from '../../errors';
import { noGrad } from '../../autograd';
import { Module } from '../module';
import { emptyParameter, Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import type { Tensor } from '../../tensor';
import type { FactoryOptions } from './linear';

export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: FactoryOptions & { paddingIdx?: number | null } = {}) {
    super();
    let p = options.paddingIdx ?? null;
    if (p !== null) {
      if (p >= numEmbeddings || p < -numEmbeddings) throw new ValueError('Padding_idx must be within num_embeddings');
      if (p < 0) p += numEmbeddings;
    }
    this.paddingIdx = p;
    this.weight = emptyParameter([numEmbeddings, embeddingDim], { dtype: options.dtype, device: options.device });
    this.resetParameters();
  }
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.weight.index(this.paddingIdx);
      noGrad(() => row.fill_(0));
      row.dispose();
    }
  }
  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }
  extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
