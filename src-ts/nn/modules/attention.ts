/**
 * MultiheadAttention, as PyTorch's (torch/nn/modules/activation.py): packed `in_proj_weight` when
 * key and value have the query's width, separate `q/k/v_proj_weight` otherwise, `out_proj` a
 * Linear, optional `bias_k`/`bias_v` and zero attention; the same initialization order and draws.
 */
import { ValueError } from '../../errors';
import { Module } from '../module';
import { scope } from '../../memory';
import { emptyParameter, type Parameter } from '../parameter';
import * as init from '../init';
import * as F from '../functional';
import { Linear, type FactoryOptions } from './linear';
import type { Tensor } from '../../tensor';

/** Python's name for MultiheadAttention's output projection (a plain Linear). */
export class NonDynamicallyQuantizableLinear extends Linear {}

export interface MultiheadAttentionOptions extends FactoryOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
}

export interface AttentionCallOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
}

export class MultiheadAttention extends Module {
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  private readonly qkvSameEmbedDim: boolean;
  declare inProjWeight: Parameter | null;
  declare qProjWeight: Parameter | null;
  declare kProjWeight: Parameter | null;
  declare vProjWeight: Parameter | null;
  declare inProjBias: Parameter | null;
  declare outProj: NonDynamicallyQuantizableLinear;
  declare biasK: Parameter | null;
  declare biasV: Parameter | null;

  constructor(readonly embedDim: number, readonly numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const f = { dtype: options.dtype, device: options.device };
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    this.addZeroAttn = options.addZeroAttn ?? false;
    if (this.headDim * numHeads !== embedDim) throw new ValueError('embed_dim must be divisible by num_heads');
    if (this.qkvSameEmbedDim) {
      this.registerParameter('inProjWeight', emptyParameter([3 * embedDim, embedDim], f));
      this.qProjWeight = this.kProjWeight = this.vProjWeight = null;
    } else {
      this.registerParameter('qProjWeight', emptyParameter([embedDim, embedDim], f));
      this.registerParameter('kProjWeight', emptyParameter([embedDim, this.kdim], f));
      this.registerParameter('vProjWeight', emptyParameter([embedDim, this.vdim], f));
      this.inProjWeight = null;
    }
    const bias = options.bias ?? true;
    this.registerParameter('inProjBias', bias ? emptyParameter([3 * embedDim], f) : null);
    this.outProj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { ...f, bias });
    if (options.addBiasKv) {
      this.registerParameter('biasK', emptyParameter([1, 1, embedDim], f));
      this.registerParameter('biasV', emptyParameter([1, 1, embedDim], f));
    } else {
      this.biasK = this.biasV = null;
    }
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.qkvSameEmbedDim) {
      init.xavierUniform_(this.inProjWeight!);
    } else {
      init.xavierUniform_(this.qProjWeight!);
      init.xavierUniform_(this.kProjWeight!);
      init.xavierUniform_(this.vProjWeight!);
    }
    if (this.inProjBias !== null) {
      init.constant_(this.inProjBias, 0);
      init.constant_(this.outProj.bias!, 0);
    }
    if (this.biasK !== null) init.xavierNormal_(this.biasK);
    if (this.biasV !== null) init.xavierNormal_(this.biasV);
  }

  /** [attention output, attention weights (averaged over heads unless told otherwise) or null]. */
  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    return scope(() => {
      const batched = query.dim() === 3;
      let [q, k, v] = [query, key, value];
      if (this.batchFirst && batched) {
        // Keep "key is value" and "query is key": they decide how the in-projection is shared.
        if (key === value) {
          if (query === key) q = k = v = query.transpose(1, 0);
          else {
            q = query.transpose(1, 0);
            k = v = key.transpose(1, 0);
          }
        } else {
          [q, k, v] = [query.transpose(1, 0), key.transpose(1, 0), value.transpose(1, 0)];
        }
      }
      const [out, weights] = F.multiHeadAttentionForward(
        q, k, v, this.embedDim, this.numHeads, this.inProjWeight, this.inProjBias, this.biasK, this.biasV,
        this.addZeroAttn, this.dropout, this.outProj.weight, this.outProj.bias,
        {
          training: this.training, keyPaddingMask: options.keyPaddingMask, needWeights: options.needWeights ?? true,
          attnMask: options.attnMask, averageAttnWeights: options.averageAttnWeights ?? true,
          useSeparateProjWeight: !this.qkvSameEmbedDim, qProjWeight: this.qProjWeight, kProjWeight: this.kProjWeight, vProjWeight: this.vProjWeight,
        },
      );
      return this.batchFirst && batched ? [out.transpose(1, 0), weights] : [out, weights];
    });
  }
}
