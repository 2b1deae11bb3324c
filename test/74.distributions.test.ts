// torch.distributions: validation with Python's messages, reprs, memory, and a policy gradient that
// learns. Sampled values, densities, gradients and KL terms against Python: 10.reference dist_*.
import * as torch from '../src-ts';
const D = torch.distributions;
const f32 = (xs: number[] | number[][]): torch.Tensor => torch.tensor(xs, { dtype: 'float32' });

describe('torch.distributions', () => {
  it('validates arguments and samples with Python\'s messages', () => {
    torch.scope(() => {
      expect(() => new D.Normal(f32([0, 1]), f32([1, -1]))).toThrow(
        'Expected parameter scale (Tensor of shape (2,)) of distribution Normal(loc: torch.Size([2]), scale: torch.Size([2])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([ 1., -1.])',
      );
      expect(() => new D.Normal(0, 1).logProb(f32([NaN]))).toThrow(
        'Expected value argument (Tensor of shape (1,)) to be within the support (Real()) of the distribution Normal(loc: 0.0, scale: 1.0), but found invalid values:\ntensor([nan])',
      );
      expect(() => new D.Bernoulli({ probs: f32([0.5, 0.2]) }).logProb(f32([0.5, 1]))).toThrow(
        'Expected value argument (Tensor of shape (2,)) to be within the support (Boolean()) of the distribution Bernoulli(probs: torch.Size([2])), but found invalid values:\ntensor([0.5000, 1.0000])',
      );
      expect(() => new D.Categorical({ probs: torch.ones(2, 3) }).logProb(torch.tensor([3]))).toThrow(
        'Expected value argument (Tensor of shape (1,)) to be within the support (IntegerInterval(lower_bound=0, upper_bound=2)) of the distribution Categorical(probs: torch.Size([2, 3])), but found invalid values:\ntensor([3])',
      );
      expect(() => new D.Uniform(1, 0)).toThrow('Uniform is not defined when low>= high');
      expect(() => new D.Bernoulli({})).toThrow('Either `probs` or `logits` must be specified, but not both.');
      expect(() => new D.Categorical({ logits: torch.tensor(1.5) })).toThrow('`logits` parameter must be at least one-dimensional.');
      expect(() => new D.Normal(torch.zeros(3), 1).logProb(torch.zeros(2))).toThrow('Value is not broadcastable with batch_shape+event_shape: torch.Size([2]) vs torch.Size([3]).');
      expect(() => new D.Independent(new D.Normal(torch.zeros(3), 1), 2)).toThrow('Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual 2 vs 1');
      expect(() => new D.Normal('a' as never, 1)).toThrow(/Input arguments must all be instances of numbers.Number, torch.Tensor/);
      expect(() => D.klDivergence(new D.Normal(0, 1), new D.Poisson(1))).toThrow(/No KL\(p \|\| q\) is implemented for p type Normal and q type Poisson/);
      expect(() => new D.Categorical({ probs: torch.ones(3) }).rsample()).toThrow(torch.NotImplementedError);
      expect(() => new D.Normal(0, 1).sample([-1])).toThrow(/sampleShape must be an array of non-negative integers/);
      // Validation can be turned off, per distribution or by default.
      expect(new D.Normal(0, -1, { validateArgs: false }).scale.item()).toBe(-1);
      D.Distribution.setDefaultValidateArgs(false);
      try {
        expect(new D.Normal(0, -1).logProb(f32([NaN])).isnan().item()).toBe(true);
      } finally {
        D.Distribution.setDefaultValidateArgs(true);
      }
    });
  });

  it('prints as Python does', () => {
    torch.scope(() => {
      expect(String(new D.Normal(0, 1))).toBe('Normal(loc: 0.0, scale: 1.0)');
      expect(String(new D.Normal(torch.zeros(3), 1))).toBe('Normal(loc: torch.Size([3]), scale: torch.Size([3]))');
      expect(String(new D.Categorical({ logits: torch.zeros(2, 3) }))).toBe('Categorical(logits: torch.Size([2, 3]))');
      expect(String(new D.Independent(new D.Normal(torch.zeros(2, 3), 1), 1))).toBe('Independent(Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3])), 1)');
      expect(String(new D.Bernoulli({ logits: f32([0.3]).reshape([]) }))).toBe('Bernoulli(logits: 0.30000001192092896)');
      expect(String(D.constraints.interval(0, 1))).toBe('Interval(lower_bound=0.0, upper_bound=1.0)');
      expect([String(new D.LogNormal(0, 1)), String(new D.OneHotCategorical({ probs: torch.ones(3) }))]).toEqual(['LogNormal()', 'OneHotCategorical()']);
      expect([String(new D.Laplace(0, 1)), String(new D.Poisson(torch.ones(2)))]).toEqual(['Laplace(loc: 0.0, scale: 1.0)', 'Poisson(rate: torch.Size([2]))']);
      expect(String(new D.MultivariateNormal(torch.zeros(2), { covarianceMatrix: torch.eye(2) }))).toBe('MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2]))');
      expect(() => new D.MultivariateNormal(torch.zeros(2), { covarianceMatrix: f32([[1, 2], [2, 1]]) })).toThrow(
        'Expected parameter covariance_matrix (Tensor of shape (2, 2)) of distribution MultivariateNormal(loc: torch.Size([2]), covariance_matrix: torch.Size([2, 2])) to satisfy the constraint PositiveDefinite(), but found invalid values:\ntensor([[1., 2.],\n        [2., 1.]])',
      );
      expect(() => new D.MultivariateNormal(torch.zeros(2), { covarianceMatrix: torch.eye(2), scaleTril: torch.eye(2) })).toThrow('Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.');
      expect(() => new D.MultivariateNormal(torch.zeros(2), { scaleTril: f32([[1, 1], [0, 1]]) })).toThrow(/to satisfy the constraint LowerCholesky\(\)/);
      expect(() => new D.Poisson(1).logProb(f32([0.5]))).toThrow(/to be within the support \(IntegerGreaterThan\(lower_bound=0\)\)/);
      expect([new D.Gamma(1, 2), new D.Chi2(3), new D.Dirichlet(torch.ones(3)), new D.Beta(2, 5), new D.StudentT(3), new D.Beta(torch.ones(2), 2)].map(String)).toEqual([
        'Gamma(concentration: 1.0, rate: 2.0)', 'Chi2()', 'Dirichlet(concentration: torch.Size([3]))', 'Beta()', 'StudentT(df: 3.0, loc: 0.0, scale: 1.0)', 'Beta()',
      ]);
    });
  });

  it('Gamma, Chi2, Dirichlet, Beta and StudentT check their arguments as Python does', () => {
    torch.scope(() => {
      expect(() => new D.Gamma(f32([1, -1]), 1)).toThrow(
        'Expected parameter concentration (Tensor of shape (2,)) of distribution Gamma(concentration: torch.Size([2]), rate: torch.Size([2])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([ 1., -1.])',
      );
      const chi2 = 'Expected parameter df (Tensor of shape (2,)) of distribution Chi2() to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n';
      expect(() => new D.Chi2(f32([-1, 2]))).toThrow(chi2 + 'tensor([-1.,  2.])');
      // StudentT makes its Chi2 first, so (as in Python) the Chi2 reports a bad df.
      expect(() => new D.StudentT(f32([1, -2]))).toThrow(chi2 + 'tensor([ 1., -2.])');
      expect(() => new D.Dirichlet(torch.tensor(1.0))).toThrow('`concentration` parameter must be at least one-dimensional.');
      expect(() => new D.Dirichlet(f32([1, -1]))).toThrow(
        'Expected parameter concentration (Tensor of shape (2,)) of distribution Dirichlet(concentration: torch.Size([2])) to satisfy the constraint IndependentConstraint(GreaterThan(lower_bound=0.0), 1), but found invalid values:\ntensor([ 1., -1.])',
      );
      // Beta checks its pair as a Dirichlet's concentration; a 0-d value prints as its number.
      expect(() => new D.Beta(-1, 1)).toThrow(/of distribution Dirichlet\(concentration: torch.Size\(\[2\]\)\) to satisfy .*\ntensor\(\[-1., {2}1.\]\)$/);
      expect(() => new D.Beta(2, 5).logProb(torch.tensor(1.5))).toThrow(
        'Expected value argument (Tensor of shape ()) to be within the support (Interval(lower_bound=0.0, upper_bound=1.0)) of the distribution Beta(), but found invalid values:\n1.5',
      );
      expect(() => new D.Dirichlet(torch.ones(3)).logProb(f32([0.5, 0.5, 0.5]))).toThrow(
        'Expected value argument (Tensor of shape (3,)) to be within the support (Simplex()) of the distribution Dirichlet(concentration: torch.Size([3])), but found invalid values:\ntensor([0.5000, 0.5000, 0.5000])',
      );
      expect(() => new D.Dirichlet([1, 2] as never)).toThrow('Dirichlet(): concentration must be a Tensor');
      const LR = D.LowRankMultivariateNormal;
      expect(() => new LR(torch.tensor(1.0), torch.ones(3, 2), torch.ones(3))).toThrow('loc must be at least one-dimensional.');
      expect(() => new LR(torch.zeros(3), torch.ones(2, 2), torch.ones(3))).toThrow('cov_factor must be a batch of matrices with shape 3 x m');
      expect(() => new LR(torch.zeros(3), torch.ones(3, 2), torch.ones(2))).toThrow('cov_diag must be a batch of vectors with shape torch.Size([3])');
      expect(() => new LR(torch.zeros(4, 3), torch.ones(2, 3, 2), torch.ones(3))).toThrow(
        'Incompatible batch shapes: loc torch.Size([4, 3]), cov_factor torch.Size([2, 3, 2]), cov_diag torch.Size([3])',
      );
      expect([String(new D.FisherSnedecor(2, 3)), String(new D.Kumaraswamy(torch.ones(2), 2)), String(new D.OneHotCategoricalStraightThrough({ probs: torch.ones(3) }))]).toEqual([
        'FisherSnedecor(df1: 2.0, df2: 3.0)', 'Kumaraswamy(concentration1: torch.Size([2]), concentration0: torch.Size([2]))', 'OneHotCategoricalStraightThrough()',
      ]);
      expect(() => D.klDivergence(new LR(torch.zeros(2), torch.ones(2, 1), torch.ones(2)), new LR(torch.zeros(3), torch.ones(3, 1), torch.ones(3)))).toThrow(
        /^KL-divergence between two Low Rank Multivariate Normals with +different event shapes cannot be computed$/,
      );
      expect(() => new D.LKJCholesky(1)).toThrow('Expected dim to be an integer greater than or equal to 2. Found dim=1.');
      expect(String(new D.LKJCholesky(3, 1))).toBe('LKJCholesky(concentration: 1.0)');
      expect(String(new D.LKJCholesky(3).support)).toBe('CorrCholesky()');
      expect(String(new LR(torch.zeros(3), torch.ones(3, 2), torch.ones(3)))).toBe(
        'LowRankMultivariateNormal(loc: torch.Size([3]), cov_factor: torch.Size([3, 2]), cov_diag: torch.Size([3]))',
      );
    });
  });

  it('Cauchy, HalfCauchy, HalfNormal, Gumbel, Geometric, Binomial and Multinomial check and print as Python does', () => {
    torch.scope(() => {
      expect(() => new D.Geometric({ probs: f32([0.5, 0, 0]) })).toThrow(
        'Expected parameter probs (Tensor of shape (3,)) of distribution Geometric(probs: torch.Size([3])) to be positive but found invalid values:\ntensor([0., 0.])',
      );
      expect(() => new D.HalfNormal(f32([1, -1]))).toThrow(
        'Expected parameter scale (Tensor of shape (2,)) of distribution HalfNormal() to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([ 1., -1.])',
      );
      expect(() => new D.Gumbel(0, -1)).toThrow(
        'Expected parameter scale (Tensor of shape ()) of distribution Gumbel(loc: 0.0, scale: -1.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-1.0',
      );
      expect(() => new D.HalfCauchy(1).logProb(f32([-1]))).toThrow(
        'Expected value argument (Tensor of shape (1,)) to be within the support (GreaterThanEq(lower_bound=0.0)) of the distribution HalfCauchy(), but found invalid values:\ntensor([-1.])',
      );
      expect(() => new D.Geometric({})).toThrow('Either `probs` or `logits` must be specified, but not both.');
      expect(() => new D.Binomial(f32([3, 4]), { probs: f32([0.5, 0.5]) }).logProb(f32([5, 1]))).toThrow(
        'Expected value argument (Tensor of shape (2,)) to be within the support (IntegerInterval(lower_bound=0, upper_bound=tensor([3., 4.]))) of the distribution Binomial(total_count: torch.Size([2]), probs: torch.Size([2])), but found invalid values:\ntensor([5., 1.])',
      );
      expect(() => new D.Binomial(f32([3, 4]), { probs: f32([0.5, 0.5]) }).entropy()).toThrow('Inhomogeneous total count not supported by `entropy`.');
      expect(() => D.klDivergence(new D.Binomial(2, { probs: 0.5 }), new D.Binomial(3, { probs: 0.5 }))).toThrow('KL between Binomials where q.total_count > p.total_count is not implemented');
      expect(() => new D.Multinomial(2.5, { probs: torch.ones(2) })).toThrow('inhomogeneous total_count is not supported');
      expect(() => new D.Multinomial(3, { probs: torch.ones(2) }).logProb(f32([2, 2]))).toThrow(/to be within the support \(Multinomial\(\)\) of the distribution Multinomial\(\)/);
      expect([String(new D.Binomial(10, { probs: f32([0.3]).reshape([]) })), String(new D.Binomial(f32([3, 4]), { logits: torch.zeros(2) })), String(new D.Multinomial(5, { probs: torch.ones(3) }))]).toEqual([
        'Binomial(total_count: 10.0, probs: 0.30000001192092896)', 'Binomial(total_count: torch.Size([2]), logits: torch.Size([2]))', 'Multinomial()',
      ]);
      expect(String(new D.Binomial(10, { probs: f32([0.3]).reshape([]) }).support)).toBe('IntegerInterval(lower_bound=0, upper_bound=10.0)');
      expect(() => new D.NegativeBinomial(2, { probs: f32([1]) })).toThrow(
        'Expected parameter probs (Tensor of shape (1,)) of distribution NegativeBinomial(total_count: tensor([2.]), probs: tensor([1.])) to satisfy the constraint HalfOpenInterval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\ntensor([1.])',
      );
      // ContinuousBernoulli checks probs only when validateArgs is given, then clamps them (as Python).
      expect(() => new D.ContinuousBernoulli({ probs: f32([1.5]), validateArgs: true })).toThrow('The parameter probs has invalid values');
      expect(new D.ContinuousBernoulli({ probs: f32([1.5]) }).probs.item()).toBeCloseTo(1, 6);
      expect([String(new D.NegativeBinomial(2, { probs: f32([0.5]).reshape([]) })), String(new D.ContinuousBernoulli({ logits: torch.zeros(2) }))]).toEqual([
        'NegativeBinomial(total_count: 2.0, probs: 0.5)', 'ContinuousBernoulli(logits: torch.Size([2]))',
      ]);
      expect(
        [new D.Cauchy(0, 1), new D.HalfCauchy(1), new D.HalfNormal(torch.ones(2)), new D.Gumbel(0, 1), new D.Geometric({ probs: 0.5 }), new D.Geometric({ logits: torch.zeros(2) })].map(String),
      ).toEqual(['Cauchy(loc: 0.0, scale: 1.0)', 'HalfCauchy()', 'HalfNormal()', 'Gumbel(loc: 0.0, scale: 1.0)', 'Geometric(probs: 0.5)', 'Geometric(logits: torch.Size([2]))']);
    });
  });

  it('TransformedDistribution: a squashed Gaussian keeps its pre-tanh sample (cacheSize 1), frees the rest, and reports bad calls', () => {
    const T = D.transforms;
    const mu = f32([20, 0]); // tanh(20) rounds to 1 in float32
    const before = torch.memory().tensors;
    torch.scope(() => {
      const cached = new D.TransformedDistribution(new D.Normal(mu, 1), [new T.TanhTransform({ cacheSize: 1 })]);
      const plain = new D.TransformedDistribution(new D.Normal(mu, 1), new T.TanhTransform());
      torch.manualSeed(0);
      const a = cached.rsample();
      expect(a.max().item()).toBe(1);
      expect(cached.logProb(a).isfinite().all().item()).toBe(true); // the cached x, not atanh(1)
      expect(plain.logProb(a).isfinite().all().item()).toBe(false); // as in Python without the cache
      expect(plain.support.toString()).toBe('Interval(lower_bound=-1.0, upper_bound=1.0)');
    });
    expect(torch.memory().tensors).toBe(before); // the cache lived in the scope, and went with it
    // Relaxed (Gumbel-softmax) distributions: samples carry gradients; dispose() frees what they made.
    const logits = torch.zeros(2, 3).requiresGrad_();
    const made = torch.memory().tensors;
    const oh = new D.RelaxedOneHotCategorical(0.5, { logits });
    const rb = new D.RelaxedBernoulli(torch.tensor(0.5), { probs: f32([0.3]) });
    torch.scope(() => {
      const y = oh.rsample([4]);
      expect(y.shape).toEqual([4, 2, 3]);
      expect(y.sum(-1).sub(1).abs().max().item()).toBeLessThan(1e-5);
      y.select(-1, 0).sum().backward();
      expect(logits.grad!.abs().sum().item()).toBeGreaterThan(0);
      expect(rb.logProb(rb.rsample([3])).shape).toEqual([3, 1]);
      expect([String(rb), String(oh)]).toEqual(['RelaxedBernoulli()', 'RelaxedOneHotCategorical()']);
      expect(() => new D.RelaxedBernoulli(torch.tensor(0.5), { probs: f32([1.3]) })).toThrow(
        'Expected parameter probs (Tensor of shape (1,)) of distribution LogitRelaxedBernoulli(probs: tensor([1.3000])) to satisfy the constraint Interval(lower_bound=0.0, upper_bound=1.0), but found invalid values:\ntensor([1.3000])',
      );
    });
    oh.dispose();
    rb.dispose();
    expect(torch.memory().tensors - made).toBe(2); // the tensor(0.5) and [0.3] given above
    logits.dispose();
    torch.scope(() => {
      const t = new T.TanhTransform({ cacheSize: 1 });
      const x = f32([0.5]);
      const y = t.call(x);
      expect(t.call(x)).toBe(y);
      expect(t.inv.call(y)).toBe(x);
      expect(t.inv.inv).toBe(t);
      expect(String(t.inv)).toBe('_InverseTransform(TanhTransform())');
      expect(String(new T.ComposeTransform([new T.ExpTransform(), new T.AffineTransform(0, 2)]))).toBe('ComposeTransform(\n    ExpTransform(),\n    AffineTransform()\n)');
      expect(String(new D.TransformedDistribution(new D.Normal(0, 1), []))).toBe('TransformedDistribution()');
      expect([String(new D.Weibull(1, 2)), String(new D.Pareto(torch.ones(2), 2)), String(new D.Pareto(torch.ones(2), 2).support), String(new D.Pareto(1, 2).support)]).toEqual([
        'Weibull(scale: 1.0, concentration: 2.0)', 'Pareto(alpha: torch.Size([2]), scale: torch.Size([2]))', 'GreaterThanEq(lower_bound=tensor([1., 1.]))', 'GreaterThanEq(lower_bound=1.0)',
      ]);
      expect(() => new D.Weibull(f32([1, -1]), 2)).toThrow(
        'Expected parameter scale (Tensor of shape (2,)) of distribution Weibull(scale: torch.Size([2]), concentration: torch.Size([2])) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\ntensor([ 1., -1.])',
      );
      expect(() => new D.Pareto(1, -2)).toThrow(
        'Expected parameter rate (Tensor of shape ()) of distribution Exponential(rate: -2.0) to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:\n-2.0',
      );
      expect(() => new D.Pareto(1, 2).logProb(f32([0.5]))).toThrow(
        'Expected value argument (Tensor of shape (1,)) to be within the support (GreaterThanEq(lower_bound=1.0)) of the distribution Pareto(alpha: 2.0, scale: 1.0), but found invalid values:\ntensor([0.5000])',
      );
      expect(() => new T.ExpTransform({ cacheSize: 2 })).toThrow('cache_size must be 0 or 1');
      // KL between TransformedDistributions needs equal transforms (Python's ==: kind and parameters).
      const base = new D.Normal(0, 1);
      const klOf = (a: torch.distributions.Transform, b: torch.distributions.Transform): number =>
        D.klDivergence(new D.TransformedDistribution(base, [a]), new D.TransformedDistribution(new D.Normal(1, 1), [b])).item<number>();
      expect(klOf(new T.AffineTransform(1, 2), new T.AffineTransform(1, 2))).toBeCloseTo(0.5, 6);
      expect(klOf(new T.ExpTransform().inv, new T.ExpTransform().inv)).toBeCloseTo(0.5, 6);
      expect(() => klOf(new T.AffineTransform(1, 2), new T.AffineTransform(1, 3))).toThrow(torch.NotImplementedError);
      expect(() => klOf(new T.ExpTransform(), new T.TanhTransform())).toThrow('KL between TransformedDistributions needs the same transforms on both sides');
      expect(() => new T.ExpTransform().call(3 as never)).toThrow('ExpTransform(): expected a Tensor, got number');
      expect([String(new D.LogisticNormal(torch.zeros(2), 1)), String(new T.IndependentTransform(new T.ExpTransform(), 1)), String(T.identityTransform)]).toEqual([
        'LogisticNormal()', 'IndependentTransform(ExpTransform(), 1)', 'ComposeTransform(\n    \n)',
      ]);
      expect([new D.LogisticNormal(torch.zeros(2), 1).eventShape, new D.LogisticNormal(0, 1).eventShape]).toEqual([[3], [2]]);
      expect(() => new T.ReshapeTransform([2, 3], [5])).toThrow('in_shape, out_shape have different numbers of elements');
      expect(T.identityTransform.call(f32([1, 2])).toArray()).toEqual([1, 2]);
      expect(() => new T.TanhTransform().inv.call(null as never)).toThrow('TanhTransform(): expected a Tensor, got null');
      expect(() => new D.TransformedDistribution(new D.Normal(0, 1), [1 as never])).toThrow('transforms must be a Transform or a list of Transforms');
      expect(() => new D.TransformedDistribution(new D.Normal(0, 1), 'exp' as never)).toThrow('transforms must be a Transform or list, but was exp');
      // A transform that broadcasts the base: the base is expanded (values: 10.reference's dist_expand).
      const broadcast = new D.TransformedDistribution(new D.Normal(0, 1), [new T.AffineTransform(torch.zeros(3), 1)]);
      expect(broadcast.batchShape).toEqual([3]);
      broadcast.dispose();
      // Disposing a TransformedDistribution leaves the caller's base alone, also when it wrapped it.
      const callers = new D.Normal(torch.zeros(3), torch.ones(3));
      new D.TransformedDistribution(callers, [new T.StickBreakingTransform()]).dispose();
      expect(callers.loc.toArray()).toEqual([0, 0, 0]);
      callers.dispose();
      expect(() => new D.Normal(torch.zeros(3), 1).expand([4, 2])).toThrow('expand(): the expanded size (2) must match the existing size (3) at non-singleton dimension 1. Target sizes: [4, 2].  Batch shape: [3]');
      expect(() => new D.Normal(torch.zeros(2, 3), 1).expand([3])).toThrow('expand(): the number of sizes provided (1) must be greater or equal to the number of dimensions in the batch shape (2)');
      expect(() => new D.Normal(0, 1).expand([-1] as never)).toThrow('expand(): batchShape must be an array of non-negative integers, got -1');
      // Wishart: singular Bartlett draws (df close to p - 1) are drawn again, with a warning.
      const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const lowDf = new D.Wishart(torch.full([4], 2.05, { dtype: 'float32' }), { covarianceMatrix: torch.eye(3) });
      expect(spy).toHaveBeenCalledWith('Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.', 'UserWarning');
      const singular = (maxTry: number): number =>
        torch.scope(() => {
          torch.manualSeed(0);
          return D.constraints.positiveDefinite.check(lowDf.rsample([50], maxTry)).logicalNot().amax([-1]).sum().item() as number;
        });
      const [left0, left10] = [singular(0), singular(10)];
      expect(left10).toBeLessThan(left0);
      expect(spy).toHaveBeenCalledWith('Singular sample detected.', 'UserWarning');
      spy.mockRestore();
      lowDf.dispose();
      expect(() => new D.Wishart(2, { covarianceMatrix: torch.eye(3) })).toThrow('Value of df=2 expected to be greater than ndim - 1 = 2.');
      expect(() => new D.Wishart(4, {})).toThrow('Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.');
      expect(() => new D.Wishart(4, { covarianceMatrix: f32([[1, 2], [2, 1]]) })).toThrow(/to satisfy the constraint PositiveDefinite\(\)/);
      // Gumbel's cdf checks the uniform its value maps to, as Python's (0-d bounds print as numbers).
      const gumbel = new D.Gumbel(torch.tensor(0, { dtype: 'float32' }), torch.tensor(1, { dtype: 'float32' }));
      expect(() => gumbel.cdf(torch.tensor(-5, { dtype: 'float32' }))).toThrow(
        'Expected value argument (Tensor of shape ()) to be within the support (Interval(lower_bound=1.1754943508222875e-38, upper_bound=0.9999998807907104)) ' +
          'of the distribution Uniform(low: 1.1754943508222875e-38, high: 0.9999998807907104), but found invalid values:\n0.0',
      );
      gumbel.dispose();
      // CorrCholesky, Cat and Stack transforms (values: 10.reference's dist_transforms_structured).
      const corr = new T.CorrCholeskyTransform();
      expect(() => corr.forwardShape([4, 5])).toThrow('Input is not a flattend lower-diagonal number');
      expect(() => corr.inverseShape([3, 2])).toThrow('Input is not square');
      expect(corr.equals(new T.CorrCholeskyTransform())).toBe(false); // by identity, as Python
      expect(() => new T.CatTransform([new T.ExpTransform()], 0, [1, 2])).toThrow('CatTransform: 1 transforms but 2 lengths');
      expect(() => new T.CatTransform([new T.ExpTransform(), new T.ExpTransform()], 0).call(torch.ones(3))).toThrow('CatTransform: expected size 2 along dim 0, got 3');
      expect(() => new T.StackTransform([new T.ExpTransform()], 2).call(torch.ones(3))).toThrow('StackTransform: dim 2 is out of range for a tensor of 1 dimensions');
      expect(() => new T.StackTransform([1 as never])).toThrow('StackTransform: tseq must be an array of Transforms');
      expect(D.constraints.cat([D.constraints.real]).toString()).toBe('Cat()');
      expect(() => D.constraints.cat([D.constraints.real], 0, [1, 1])).toThrow('constraints.cat: 1 constraints but 2 lengths');
      expect(() => new D.TransformedDistribution(new D.Normal(0, 1), [new T.ExpTransform()]).logProb(f32([-1]))).toThrow(/to be within the support \(GreaterThan\(lower_bound=0.0\)\)/);
    });
    mu.dispose();
  });

  it('bijectTo / transformTo map free reals onto each constraint\'s set, and back', () => {
    torch.scope(() => {
      const C = D.constraints;
      torch.manualSeed(0);
      const x = torch.randn(4, 3).mul(3);
      for (const c of [C.real, C.positive, C.greaterThan(2), C.greaterThanEq(-1), C.unitInterval, C.interval(2, 5), C.halfOpenInterval(-1, 1), C.realVector, C.independent(C.positive, 1)]) {
        const t = D.bijectTo(c);
        const y = t.call(x);
        expect([String(c), c.check(y).all().item()]).toEqual([String(c), true]);
        expect(t.inv.call(y).sub(x).abs().max().item<number>()).toBeLessThan(1e-3);
      }
      expect(String(D.bijectTo(C.positive))).toBe('ExpTransform()');
      expect(String(D.bijectTo(C.unitInterval))).toBe('SigmoidTransform()');
      expect(String(D.bijectTo(C.greaterThan(2)))).toBe('ComposeTransform(\n    ExpTransform(),\n    AffineTransform()\n)');
      const s = D.bijectTo(C.simplex).call(x);
      expect(s.shape).toEqual([4, 4]);
      expect(C.simplex.check(s).all().item()).toBe(true);
      expect(C.simplex.check(D.transformTo(C.simplex).call(x)).all().item()).toBe(true);
      expect(String(D.transformTo(C.simplex))).toBe('SoftmaxTransform()');
      const l = D.bijectTo(C.lowerCholesky).call(x.narrow(1, 0, 3).narrow(0, 0, 3));
      expect(C.lowerCholesky.check(l).item()).toBe(true);
      expect(() => D.bijectTo(C.boolean)).toThrow(torch.NotImplementedError);
      // A constraint of one's own: register a class (or an instance) with a factory.
      class Negative extends C.Constraint {
        check(v: torch.Tensor): torch.Tensor {
          return v.lt(0);
        }
        toString(): string {
          return 'Negative()';
        }
      }
      D.bijectTo.register(Negative, () => new D.transforms.ComposeTransform([new D.transforms.ExpTransform(), new D.transforms.AffineTransform(0, -1)]));
      expect(new Negative().check(D.bijectTo(new Negative()).call(x)).all().item()).toBe(true);
    });
  });

  it('MixtureSameFamily: a Gaussian mixture fits bimodal data by logProb, and reports bad calls as Python does', () => {
    torch.manualSeed(0);
    const data = torch.cat([torch.randn(200).mul(0.5).sub(3), torch.randn(200).mul(0.5).add(2)]);
    const logits = torch.zeros(2).requiresGrad_();
    const locs = f32([-0.5, 0.5]).requiresGrad_();
    const logScales = torch.zeros(2).requiresGrad_();
    const opt = new torch.optim.Adam([logits, locs, logScales], { lr: 0.05 });
    let afterFirst = 0;
    let nll = Infinity;
    for (let step = 0; step < 300; step++) {
      if (step === 1) afterFirst = torch.memory().tensors; // gradients and Adam's state exist from here
      nll = torch.scope(() => {
        opt.zeroGrad();
        const gmm = new D.MixtureSameFamily(new D.Categorical({ logits }), new D.Normal(locs, logScales.exp()));
        const loss = gmm.logProb(data).mean().neg();
        loss.backward();
        opt.step();
        return loss.item<number>();
      });
    }
    expect(torch.memory().tensors).toBe(afterFirst); // nothing piles up per step
    const found = (locs.toArray() as number[]).sort((a, b) => a - b);
    expect(found[0]).toBeCloseTo(-3, 0);
    expect(found[1]).toBeCloseTo(2, 0);
    expect(nll).toBeLessThan(1.8);
    torch.scope(() => {
      expect(String(new D.MixtureSameFamily(new D.Categorical({ logits: torch.zeros(3) }), new D.Normal(torch.zeros(3), 1)))).toBe(
        'MixtureSameFamily(\n  Categorical(logits: torch.Size([3])),\n  Normal(loc: torch.Size([3]), scale: torch.Size([3])))',
      );
      expect(() => new D.MixtureSameFamily(new D.Normal(0, 1) as never, new D.Normal(torch.zeros(3), 1))).toThrow(' The Mixture distribution needs to be an  instance of torch.distribtutions.Categorical');
      expect(() => new D.MixtureSameFamily(new D.Categorical({ logits: torch.zeros(2) }), new D.Normal(torch.zeros(3), 1))).toThrow(
        '`mixture_distribution component` (2) does not equal `component_distribution.batch_shape[-1]` (3)',
      );
      expect(() => new D.MixtureSameFamily(new D.Categorical({ logits: torch.zeros(4, 3) }), new D.Normal(torch.zeros(2, 3), 1))).toThrow(
        '`mixture_distribution.batch_shape` (torch.Size([4])) is not compatible with `component_distribution.batch_shape`(torch.Size([2]))',
      );
    });
  });

  it('every method leaves only its result; dispose() frees what the distribution made', () => {
    const loc = torch.zeros(4, 3);
    const before = torch.memory().tensors;
    const dists = [
      new D.Normal(loc, 2), new D.Uniform(-1, torch.ones(3)), new D.Exponential(torch.ones(3)),
      new D.Bernoulli({ logits: torch.zeros(3) }), new D.Categorical({ probs: torch.ones(4, 3) }), new D.Independent(new D.Normal(loc, 1), 1),
      new D.Laplace(loc, 1), new D.LogNormal(loc, 1), new D.OneHotCategorical({ logits: loc }), new D.Poisson(2),
      new D.MultivariateNormal(loc, { covarianceMatrix: torch.eye(3) }),
      new D.Gamma(torch.ones(3), 2), new D.Chi2(torch.ones(3)), new D.Dirichlet(torch.ones(4, 3)), new D.Beta(torch.ones(3), 2),
      new D.StudentT(torch.full([3], 3, { dtype: 'float32' }), loc, 2),
      new D.Cauchy(loc, 2), new D.HalfCauchy(torch.ones(3)), new D.HalfNormal(torch.ones(3)), new D.Gumbel(loc, 1),
      new D.Geometric({ probs: torch.full([3], 0.5) }), new D.Binomial(5, { probs: torch.full([3], 0.3) }), new D.Multinomial(4, { probs: torch.ones(4, 3) }),
      new D.Weibull(torch.ones(3), 2), new D.Pareto(1, torch.full([3], 3.5)), new D.NegativeBinomial(3, { probs: torch.full([3], 0.4) }),
      new D.ContinuousBernoulli({ probs: torch.full([3], 0.3) }), new D.LowRankMultivariateNormal(loc, torch.ones(3, 2), torch.ones(3)),
      new D.VonMises(loc, 2), new D.LKJCholesky(3, torch.full([4], 2, { dtype: 'float32' })), new D.FisherSnedecor(torch.full([3], 5, { dtype: 'float32' }), 6), new D.Kumaraswamy(torch.full([3], 2, { dtype: 'float32' }), 3), new D.OneHotCategoricalStraightThrough({ logits: loc }),
      new D.Wishart(torch.full([4], 4, { dtype: 'float32' }), { covarianceMatrix: torch.eye(3) }),
    ];
    const made = torch.memory().tensors;
    for (const d of dists) {
      const x = d.sample([2]);
      const results = [x, d.logProb(x)];
      if (!(d instanceof D.LKJCholesky)) results.push(d.mean, d.variance); // PyTorch's has neither
      if (![D.Poisson, D.NegativeBinomial, D.FisherSnedecor, D.VonMises, D.LKJCholesky].some((c) => d instanceof c)) results.push(d.entropy()); // PyTorch's have none either
      if (d.hasRsample) results.push(d.rsample());
      expect([d.constructor.name, torch.memory().tensors - made]).toEqual([d.constructor.name, results.length]);
      for (const r of results) r.dispose();
      // expand(): its views are its own; disposing it leaves this distribution whole.
      const e = d.expand([2, ...d.batchShape]);
      expect([d.constructor.name, e.batchShape, e.eventShape]).toEqual([d.constructor.name, [2, ...d.batchShape], d.eventShape]);
      const y = e.sample();
      const lp = e.logProb(y);
      expect(lp.shape).toEqual([2, ...d.batchShape]);
      y.dispose();
      lp.dispose();
      e.dispose();
      expect([d.constructor.name, torch.memory().tensors]).toEqual([d.constructor.name, made]);
      d.sample().dispose();
    }
    for (const d of dists) d.dispose();
    expect(torch.memory().tensors).toBe(before + 26); // the 26 tensor arguments made above
    loc.dispose();
  });

  it('a Categorical policy learns a bandit by REINFORCE (logProb gradients)', () => {
    torch.manualSeed(0);
    const logits = torch.zeros(4).requiresGrad_();
    const rewards = f32([0.1, 0.2, 1.0, 0.3]);
    const opt = new torch.optim.Adam([logits], { lr: 0.1 });
    for (let step = 0; step < 150; step++) {
      torch.scope(() => {
        const policy = new D.Categorical({ logits });
        const actions = policy.sample([16]);
        const loss = policy.logProb(actions).mul(rewards.index(actions)).mean().neg();
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    const probs = torch.scope(() => new D.Categorical({ logits }).probs.toArray() as number[]);
    expect(probs[2]).toBeGreaterThan(0.8);
    opt.dispose();
  });

  it('a VAE-style KL term: rsample and klDivergence give gradients to loc and scale', () => {
    torch.scope(() => {
      const loc = f32([0.5, -0.5]).requiresGrad_();
      const logScale = torch.zeros(2).requiresGrad_();
      const q = new D.Independent(new D.Normal(loc, logScale.exp()), 1);
      const prior = new D.Independent(new D.Normal(torch.zeros(2), torch.ones(2)), 1);
      const kl = D.klDivergence(q, prior);
      expect(kl.shape).toEqual([]);
      expect(kl.item()).toBeCloseTo(0.25, 6); // 0.5 * sum(loc^2) with unit scales
      kl.add(q.rsample([8]).pow(2).mean()).backward();
      expect(loc.grad!.abs().sum().item()).toBeGreaterThan(0);
      expect(logScale.grad!.abs().sum().item()).toBeGreaterThan(0);
    });
  });
});
