/**
 * A mixture of distributions of one family (Python's MixtureSameFamily): a Categorical picks one
 * of K components, batched over the component distribution's rightmost batch dimension. E.g. a
 * Gaussian mixture: `new MixtureSameFamily(new Categorical({ logits }), new Normal(locs, scales))`
 * with locs and scales shaped [..., K]. Not reparameterizable (sample has no gradients).
 */
import { ValueError } from '../errors';
import { noGrad } from '../autograd';
import { scope } from '../memory';
import type { Tensor } from '../tensor';
import { Distribution } from './distribution';
import { Categorical } from './categorical';
import type * as constraints from './constraints';

const pySize = (s: number[]): string => `torch.Size([${s.join(', ')}])`;
const numel = (s: number[]): number => s.reduce((a, b) => a * b, 1);

export class MixtureSameFamily extends Distribution {
  readonly mixtureDistribution: Categorical;
  readonly componentDistribution: Distribution;
  private readonly eventNdims: number;

  constructor(mixtureDistribution: Categorical, componentDistribution: Distribution, options: { validateArgs?: boolean } = {}) {
    if (!(mixtureDistribution instanceof Categorical)) throw new ValueError(' The Mixture distribution needs to be an  instance of torch.distribtutions.Categorical');
    if (!(componentDistribution instanceof Distribution)) throw new ValueError('The Component distribution need to be an instance of torch.distributions.Distribution');
    const mdbs = mixtureDistribution.batchShape;
    const cdbs = componentDistribution.batchShape.slice(0, -1);
    for (let i = 1; i <= Math.min(mdbs.length, cdbs.length); i++) {
      const [a, b] = [mdbs[mdbs.length - i], cdbs[cdbs.length - i]];
      if (a !== 1 && b !== 1 && a !== b) {
        throw new ValueError(`\`mixture_distribution.batch_shape\` (${pySize(mdbs)}) is not compatible with \`component_distribution.batch_shape\`(${pySize(cdbs)})`);
      }
    }
    const km = mixtureDistribution.logits.size(-1);
    const kc = componentDistribution.batchShape[componentDistribution.batchShape.length - 1];
    if (km !== kc) throw new ValueError(`\`mixture_distribution component\` (${km}) does not equal \`component_distribution.batch_shape[-1]\` (${kc})`);
    super(cdbs, componentDistribution.eventShape, options.validateArgs);
    this.mixtureDistribution = mixtureDistribution;
    this.componentDistribution = componentDistribution;
    this.eventNdims = componentDistribution.eventShape.length;
  }
  get argConstraints(): Record<string, constraints.Constraint> {
    return {};
  }
  get support(): constraints.Constraint {
    return this.componentDistribution.support;
  }
  get mean(): Tensor {
    return scope(() => this.padMixture(this.mixtureDistribution.probs).mul(this.componentDistribution.mean).sum(-1 - this.eventNdims));
  }
  get variance(): Tensor {
    return scope(() => {
      const probs = this.padMixture(this.mixtureDistribution.probs);
      const meanCondVar = probs.mul(this.componentDistribution.variance).sum(-1 - this.eventNdims);
      const varCondMean = probs.mul(this.componentDistribution.mean.sub(this.pad(this.mean)).pow(2)).sum(-1 - this.eventNdims);
      return meanCondVar.add(varCondMean);
    });
  }
  cdf(x: Tensor): Tensor {
    return scope(() => this.componentDistribution.cdf(this.pad(x)).mul(this.mixtureDistribution.probs).sum(-1));
  }
  logProb(x: Tensor): Tensor {
    this.validateSample(x);
    return scope(() => {
      const logProbX = this.componentDistribution.logProb(this.pad(x)); // [S, B, k]
      const logMixProb = this.mixtureDistribution.logits.logSoftmax(-1); // [B, k]
      return logProbX.add(logMixProb).logsumexp(-1); // [S, B]
    });
  }
  sample(sampleShape: number[] = []): Tensor {
    return noGrad(() =>
      scope(() => {
        const gatherDim = sampleShape.length + this.batchShape.length;
        const es = this.eventShape;
        const mix = this.mixtureDistribution.sample(sampleShape);
        const comp = this.componentDistribution.sample(sampleShape);
        const index = mix.reshape([...mix.shape, ...new Array(es.length + 1).fill(1)]).repeat([...mix.shape.map(() => 1), 1, ...es]);
        return comp.gather(gatherDim, index).squeeze(gatherDim);
      }),
    );
  }
  private pad(x: Tensor): Tensor {
    return x.unsqueeze(-1 - this.eventNdims);
  }
  // Python's _pad_mixture_dimensions, which compares the batch shapes' element counts.
  private padMixture(x: Tensor): Tensor {
    const cat = numel(this.mixtureDistribution.batchShape);
    const padNdims = cat === 1 ? 0 : numel(this.batchShape) - cat;
    const xs = x.shape;
    return x.reshape([...xs.slice(0, -1), ...new Array(padNdims).fill(1), xs[xs.length - 1], ...new Array(this.eventNdims).fill(1)]);
  }
  protected ownedTensors(): Tensor[] {
    return [];
  }
  /** The mixture and the components stay the caller's. */
  dispose(): void {}
  toString(): string {
    return `MixtureSameFamily(\n  ${this.mixtureDistribution.toString()},\n  ${this.componentDistribution.toString()})`;
  }
}
