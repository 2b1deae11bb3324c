// Every case of test/fixtures/make_fixtures.py, built in torchnode and compared with Python's
// recorded repr, dtype, shape and values.
import * as torch from '../src-ts';
import type { Tensor } from '../src-ts';
import { decode, expectClose, reference, workerDataset } from './helpers';

const A = (): Tensor => torch.arange(6, { dtype: 'float32' }).reshape(2, 3);
const B = (): Tensor => torch.tensor([1.0, -2.0, 0.5], { dtype: 'float32' });
const seeded = (fn: () => Tensor): Tensor => {
  torch.manualSeed(0);
  return fn();
};

const build: Record<string, () => Tensor> = {
  tensor_int: () => torch.tensor([[1, 2], [3, 4]]),
  tensor_float: () => torch.tensor([[1.5, 2], [3, 4]]),
  tensor_bool: () => torch.tensor([true, false, true]),
  tensor_scalar: () => torch.tensor(3.25),
  tensor_float64: () => torch.tensor([1.5, -2.25], { dtype: torch.float64 }),
  tensor_int_as_float: () => torch.tensor([1, 2, 3], { dtype: 'float32' }),
  zeros: () => torch.zeros(2, 3),
  ones_int: () => torch.ones([2, 2], { dtype: 'int64' }),
  full_int: () => torch.full([2, 2], 7),
  full_float: () => torch.full([3], 0.5),
  arange: () => torch.arange(10),
  arange_step: () => torch.arange(1, 2, 0.25),
  linspace: () => torch.linspace(0, 1, 5),
  eye: () => torch.eye(3),
  eye_rect: () => torch.eye(2, 3),
  dtype_complex64: () => torch.complex(torch.tensor([1.0, -2.5, 0.0], { dtype: 'float32' }), torch.tensor([0.5, 3.0, -1.0])),
  randn_seed0: () => seeded(() => torch.randn(3, 4)),
  rand_seed0: () => seeded(() => torch.rand(5)),
  randint_seed0: () => seeded(() => torch.randint(0, 10, [6])),
  randperm_seed0: () => seeded(() => torch.randperm(8)),
  add_broadcast: () => A().add(B()),
  add_alpha: () => torch.add(A(), B(), { alpha: 2 }),
  sub_scalar: () => A().sub(1.5),
  mul_int_float_scalar: () => torch.arange(4).mul(2.5),
  mul_int_int_scalar: () => torch.arange(4).mul(3),
  div_int: () => torch.arange(5).div(2),
  div_floor: () => torch.div(torch.arange(-3, 4), 2, { roundingMode: 'floor' }),
  pow: () => A().pow(2),
  remainder: () => torch.arange(-3, 4).remainder(3),
  neg_abs: () => A().neg().abs(),
  exp_log: () => A().exp().log(),
  sqrt: () => A().sqrt(),
  relu: () => A().sub(2).relu(),
  sigmoid: () => A().sigmoid(),
  tanh: () => torch.tanh(A()),
  clamp: () => A().clamp(1, 4),
  eq: () => A().eq(2),
  lt_tensor: () => A().lt(torch.full([2, 3], 2.5)),
  ge: () => A().ge(3),
  matmul: () => A().matmul(A().t()),
  matmul_vec: () => torch.matmul(A(), B()),
  sum_all: () => A().sum(),
  sum_dim: () => A().sum(1),
  sum_keepdim: () => A().sum({ dim: 0, keepdim: true }),
  sum_int: () => torch.arange(5).sum(),
  mean_dim: () => A().mean(1),
  prod: () => A().add(1).prod(),
  max_all: () => A().max(),
  max_dim_values: () => A().max(1)[0],
  max_dim_indices: () => A().max(1)[1],
  argmax: () => A().argmax(),
  argmin_dim: () => A().argmin(0),
  std: () => A().std(),
  var_dim_pop: () => A().var(1, { unbiased: false }),
  reshape: () => A().reshape(3, 2),
  view: () => A().view(-1),
  permute: () => torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1),
  transpose: () => torch.arange(24).reshape([2, 3, 4]).transpose(0, 2),
  cat: () => torch.cat([A(), A().mul(2)], 0),
  cat_dim1: () => torch.cat([A(), A()], 1),
  stack: () => torch.stack([B(), B().add(1)], 1),
  flatten: () => torch.arange(24).reshape(2, 3, 4).flatten(1),
  unsqueeze: () => B().unsqueeze(0),
  to_float64: () => A().to(torch.float64),
  to_int: () => A().mul(1.7).to({ dtype: 'int32' }),
  print_sci_small: () => torch.tensor([1e-5, 1.0, 1000.0]),
  print_sci_large: () => torch.tensor([1e9, 1.0], { dtype: 'float32' }),
  print_int_mode_float: () => torch.tensor([1, 20, -300], { dtype: 'float32' }),
  print_nan_inf: () => torch.tensor([NaN, Infinity, -Infinity, 1.5]),
  print_only_nan: () => torch.tensor([NaN]),
  print_neg_zero: () => torch.tensor([-0, 1.5]),
  print_ties: () => torch.tensor([0.125, 0.375, 2.5e-3, 1.00005], { dtype: 'float64' }),
  print_big_1d: () => torch.arange(2000),
  print_big_2d: () => torch.arange(4000, { dtype: 'float32' }).reshape(40, 100).div(7),
  print_big_3d: () => torch.arange(3000).reshape(10, 20, 15),
  print_wrap: () => torch.linspace(-1, 1, 30),
  print_empty_1d: () => torch.zeros(0),
  print_empty_2d_int: () => torch.zeros([2, 0], { dtype: 'int64' }),
  print_0d_int: () => torch.tensor(5),
  print_0d_bool: () => torch.tensor(true),
  print_requires_grad: () => torch.ones(2, { requiresGrad: true }),
  print_grad_fn: () => torch.ones(2, { requiresGrad: true }).mul(2),
  print_grad_fn_add: () => torch.ones(2, { requiresGrad: true }).add(torch.ones(2)),
  print_float16_big: () => torch.arange(1500, { dtype: 'float16' }).div(3),
  print_complex_big: () => torch.complex(torch.arange(1200, { dtype: 'float32' }), torch.arange(1200, { dtype: 'float32' }).neg()),
  print_int8_neg: () => torch.tensor([-128, 0, 127], { dtype: 'int8' }),
  print_long_suffix: () => torch.arange(50, { dtype: 'float64' }).reshape(5, 10).mul(1234.5678),
};
for (const dt of ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64', 'bool'] as const) {
  build[`dtype_${dt}`] = () => torch.tensor([[0, 1, 2], [3, 4, 5]]).to(dt);
}

// Printing sources, built as make_fixtures.py's print_source() builds them.
function printSource(dt: string, n: number): Tensor {
  const x = torch.arange(n, { dtype: 'float64' });
  if (dt === 'bool') return x.remainder(3).eq(1);
  if (dt === 'uint8') return x.mul(7).remainder(256).to('uint8');
  if (dt.startsWith('complex')) return torch.complex(x.div(7).sub(3.25), torch.rsub(x.div(3), 2.5)).to(dt as torch.DType);
  return x.mul(1.75).sub(3.25).to(dt as torch.DType);
}
for (const dt of ['uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64', 'complex64', 'complex128', 'bool']) {
  build[`print_${dt}_0d`] = () => printSource(dt, 4).index(3);
  build[`print_${dt}_empty`] = () => printSource(dt, 0).reshape(3, 0);
  build[`print_${dt}_small`] = () => printSource(dt, 6).reshape(2, 3);
  build[`print_${dt}_large`] = () => printSource(dt, 1500).reshape(30, 50);
}
build.generator_stream = () => {
  const g = new torch.Generator().manualSeed(3);
  const a = torch.randn([2, 3], { generator: g } as never);
  torch.manualSeed(0);
  torch.rand(4);
  const b = torch.normal(0.0, 1.0, [3], { generator: g });
  return torch.cat([a.reshape(-1), b]);
};

// Autograd, built as make_fixtures.py's grad cases.
function src(shape: number[], scale = 7, shift = 0.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, { dtype: 'float32' }).reshape(shape).div(scale).sub(shift);
}
function gradOf(fn: (...xs: Tensor[]) => Tensor, ...inputs: Tensor[]): Tensor[] {
  const xs = inputs.map((x) => x.clone().requiresGrad_(true));
  fn(...xs).backward();
  return xs.map((x) => x.grad!);
}
Object.assign(build, {
  grad_square_sum: () => gradOf((x) => x.mul(x).sum(), src([2, 3]))[0],
  grad_matmul_relu_a: () => gradOf((a, b) => a.matmul(b).relu().sum(), src([2, 3]), src([3, 4], 7, 0.8))[0],
  grad_matmul_relu_b: () => gradOf((a, b) => a.matmul(b).relu().sum(), src([2, 3]), src([3, 4], 7, 0.8))[1],
  grad_log_softmax: () => gradOf((x) => torch.logSoftmax(x, 1).mul(src([2, 5], 3)).sum(), src([2, 5]))[0],
  grad_mse: () => gradOf((x) => x.sub(src([3, 2], 7, 0.1)).pow(2).mean(), src([3, 2]))[0],
  grad_index: () => gradOf((x) => x.index(0, '1:').sum().add(x.index(':', 0).mul(3).sum()), src([3, 4]))[0],
  grad_conv2d_weight: () => gradOf((w) => torch.conv2d(src([1, 2, 4, 4]), w, null, 1, 1).tanh().sum(), src([3, 2, 3, 3], 20))[0],
  grad_cross_entropy: () => gradOf((x) => torch.crossEntropyLoss(x, torch.tensor([1, 0, 3])), src([3, 4]))[0],
  grad_sigmoid_bce: () => gradOf((x) => torch.binaryCrossEntropyWithLogits(x, torch.tensor([1, 0, 1, 0], { dtype: 'float32' })), src([4]))[0],
  grad_second_order: () => {
    const x = src([4]).requiresGrad_(true);
    const [g] = torch.autograd.grad(x.pow(3).sum(), x, { createGraph: true });
    return torch.autograd.grad(g!.sum(), x)[0]!;
  },
  grad_grad_outputs: () => {
    const x = src([2, 3]).requiresGrad_(true);
    return torch.autograd.grad(x.exp(), x, { gradOutputs: src([2, 3], 2) })[0]!;
  },
  autograd_functional: () => {
    const F = torch.autograd.functional;
    const f64 = (v: number[]): Tensor => torch.tensor(v, { dtype: 'float64' });
    const x = f64([0.5, -1.0, 2.0]);
    const y = f64([1.5, 0.25, -0.75]);
    const v = f64([1.0, 2.0, 3.0]);
    const f = (a: Tensor, b: Tensor): Tensor[] => [a.pow(2).mul(b.sin()).sum(), a.mul(b.exp())];
    const g = (a: Tensor): Tensor => a.pow(3).mul(a.sin()).sum();
    const h = (a: Tensor): Tensor => a.exp().mul(a.sum());
    const jac = F.jacobian(f, [x, y]) as Tensor[][];
    const hes2 = F.hessian((a: Tensor, b: Tensor) => a.mul(b.exp()).sum().add(a.pow(3).sum()), [x, y]) as Tensor[][];
    const [out, vj] = F.vjp(h, x, v) as Tensor[];
    const [out2, jv] = F.jvp(h, x, f64([1.0, 0.0, -1.0])) as Tensor[];
    const [gOut, vh] = F.vhp(g, x, v) as Tensor[];
    const [, hv] = F.hvp(g, x, v) as Tensor[];
    const xr = x.clone().requiresGrad_();
    (F.jacobian((a: Tensor) => a.pow(3), xr, { createGraph: true }) as Tensor).trace().backward();
    const unused = F.jacobian((a: Tensor, b: Tensor) => (void b, a.mul(2)), [x, y]) as Tensor[];
    const [sOut, sVjp] = F.vjp((a: Tensor) => a.pow(2).sum(), x) as Tensor[];
    const parts = [jac[0][0], jac[0][1], jac[1][0], jac[1][1], F.jacobian(h, x) as Tensor, F.hessian(g, x) as Tensor, ...hes2.flat(),
      out, vj, out2, jv, gOut, vh, hv, xr.grad!, unused[0], unused[1], sOut, sVjp];
    return torch.cat(parts.map((t) => t.detach().double().reshape(-1)));
  },
  grad_accumulates: () => {
    const x = src([3]).requiresGrad_(true);
    x.mul(2).sum().backward();
    x.pow(2).sum().backward();
    return x.grad!;
  },
});

// Data loading order, as make_fixtures.py's data_* cases.
const { data } = torch.utils;
Object.assign(build, {
  data_loader_order: () => {
    const ds = new data.TensorDataset(torch.arange(100));
    torch.manualSeed(0);
    const dl = new data.DataLoader(ds, { batchSize: 16, shuffle: true });
    const epoch = (): Tensor => torch.cat([...dl].map((b) => (b as Tensor[])[0]));
    return torch.stack([epoch(), epoch()]);
  },
  data_loader_generator_order: () => {
    const ds = new data.TensorDataset(torch.arange(50));
    const dl = new data.DataLoader(ds, { batchSize: 8, shuffle: true, generator: new torch.Generator().manualSeed(7), dropLast: true });
    return torch.cat([...dl].map((b) => (b as Tensor[])[0]));
  },
  data_random_split: () => {
    const ds = new data.TensorDataset(torch.arange(10));
    const [a, b] = data.randomSplit(ds, [0.7, 0.3], { generator: new torch.Generator().manualSeed(42) });
    return torch.tensor([...a.indices, ...b.indices]);
  },
  data_iterable_loader: () => {
    class Stream extends data.IterableDataset<number> {
      constructor(readonly n: number) {
        super();
      }
      *[Symbol.iterator](): Iterator<number> {
        for (let i = 0; i < this.n; i++) yield i;
      }
    }
    torch.manualSeed(0);
    const kept = torch.cat([...new data.DataLoader(new Stream(10), { batchSize: 4 })]);
    const dropped = torch.cat([...new data.DataLoader(new Stream(10), { batchSize: 4, dropLast: true })]);
    return torch.cat([kept.double(), dropped.double(), torch.rand(2, { dtype: 'float64' })]);
  },
  data_workers_map: () => {
    const dl = new data.DataLoader<[Tensor, number]>(workerDataset(data, 'Noisy', 11, 11), { batchSize: 2, shuffle: true, numWorkers: 3, generator: gen(0) });
    return torch.cat([...dl].map(([x, w]) => torch.cat([x.reshape(-1), w.float()]))).double();
  },
  data_workers_random_ops: () => {
    torch.manualSeed(11);
    return torch.cat([...new data.DataLoader<Tensor>(workerDataset(data, 'Draws', 4), { batchSize: 2, numWorkers: 2 })]).reshape(-1);
  },
  data_workers_iterable: () => {
    torch.manualSeed(5);
    const read = (dropLast: boolean): Tensor[] => [...new data.DataLoader<Tensor>(workerDataset(data, 'Sharded', null, 7), { batchSize: 2, numWorkers: 2, dropLast })].map((b) => b.reshape(-1));
    return torch.cat([...read(false), torch.tensor([-1.0]), ...read(true)]).double();
  },
  data_workers_persistent: () => {
    torch.manualSeed(3);
    const dl = new data.DataLoader<[Tensor, number]>(workerDataset(data, 'Noisy', 4, 4), { batchSize: 2, numWorkers: 2, persistentWorkers: true });
    const epoch = (): Tensor => torch.cat([...dl].map(([x]) => x.reshape(-1)));
    const epochs = [epoch(), epoch()];
    dl.dispose();
    return torch.cat([...epochs, torch.rand(2)]).double();
  },
  data_workers_init_fn: () => {
    torch.manualSeed(0);
    const dl = new data.DataLoader<[Tensor, number]>(workerDataset(data, 'Noisy', 6, 6), {
      batchSize: 3,
      numWorkers: 2,
      workerInitFn: (id: number) => torch.manualSeed(100 + id),
    });
    return torch.cat([...dl].map(([x]) => x.reshape(-1))).double();
  },
  data_concat_loader: () => {
    const ds = new data.ConcatDataset([new data.TensorDataset(torch.arange(3)), new data.TensorDataset(torch.arange(10, 15))]);
    torch.manualSeed(0);
    return torch.cat([...new data.DataLoader(ds, { batchSize: 3, shuffle: true })].map((b) => b[0]));
  },
  data_random_sampler_replacement: () => torch.tensor([...new data.RandomSampler(10, { replacement: true, numSamples: 40, generator: gen(3) })]),
  data_random_sampler_num_samples: () => torch.tensor([...new data.RandomSampler(7, { numSamples: 17, generator: gen(5) })]),
  data_random_sampler_seeded: () => {
    torch.manualSeed(1);
    const a = [...new data.RandomSampler(9, { replacement: true, numSamples: 5 })];
    return torch.tensor([...a, ...new data.RandomSampler({ length: 9 })]);
  },
  data_subset_random_sampler: () => torch.tensor([...new data.SubsetRandomSampler([10, 20, 30, 40, 50, 60], gen(2))]),
  data_weighted_sampler: () =>
    torch.tensor([
      ...new data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 20, { generator: gen(0) }),
      ...new data.WeightedRandomSampler(torch.tensor([0.9, 0.4, 0.05, 0.2, 0.3, 0.1]), 5, { replacement: false, generator: gen(1) }),
    ]),
});
function gen(seed: number): torch.Generator {
  return new torch.Generator().manualSeed(seed);
}

// torch.optim.swa_utils, as make_fixtures.py's swa_* cases.
Object.assign(build, {
  swa_average: () => {
    torch.manualSeed(0);
    const model = new torch.nn.Linear(3, 2);
    const { AveragedModel } = torch.optim.swaUtils;
    const swa = new AveragedModel(model);
    const ema = new AveragedModel(model, { avgFn: (a, m) => a.mul(0.9).add(m.mul(0.1)) });
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const x = torch.randn(4, 3);
    for (let i = 0; i < 4; i++) {
      opt.zeroGrad();
      model.call(x).pow(2).sum().backward();
      opt.step();
      swa.updateParameters(model);
      ema.updateParameters(model);
    }
    return torch.cat([...[...swa.parameters(), ...ema.parameters()].map((p) => p.detach().reshape(-1)), swa.nAveraged.float().reshape(1)]);
  },
  swa_update_bn: () => {
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(3, 4), new torch.nn.BatchNorm1d(4, { momentum: 0.3 }));
    const loader = [0, 1, 2].map(() => [torch.randn(5, 3), 0]);
    torch.optim.swaUtils.updateBn(loader, model);
    const bn = model.at(1) as torch.nn.BatchNorm1d;
    return torch.cat([bn.runningMean!, bn.runningVar!, bn.numBatchesTracked!.float().reshape(1), torch.tensor([bn.momentum!, model.training ? 1 : 0], { dtype: 'float32' })]);
  },
});

// nn.init, as make_fixtures.py's init_* cases.
const I = torch.nn.init;
const initCase = (shape: number[], fn: (t: Tensor) => void) => (): Tensor => {
  torch.manualSeed(0);
  const t = torch.empty(shape);
  fn(t);
  return t;
};
Object.assign(build, {
  init_xavier_uniform: initCase([4, 5], (t) => I.xavierUniform_(t)),
  init_xavier_normal_gain: initCase([4, 5], (t) => I.xavierNormal_(t, 2.0)),
  init_kaiming_uniform_fan_out: initCase([3, 2, 3], (t) => I.kaimingUniform_(t, { mode: 'fan_out', nonlinearity: 'relu' })),
  init_kaiming_normal_leaky: initCase([4, 6], (t) => I.kaimingNormal_(t, { a: 0.2 })),
  init_orthogonal_wide: initCase([3, 5], (t) => I.orthogonal_(t, 1.5)),
  init_orthogonal_tall: initCase([5, 2, 2], (t) => I.orthogonal_(t)),
  init_trunc_normal: initCase([4, 6], (t) => I.truncNormal_(t, 0.5, 2.0, -1.0, 3.0)),
  init_sparse: initCase([6, 4], (t) => I.sparse_(t, 0.5, 0.1)),
  init_dirac_groups: initCase([4, 2, 3], (t) => I.dirac_(t, 2)),
  init_dirac_2d: initCase([2, 3, 3, 3], (t) => I.dirac_(t)),
  init_eye: initCase([3, 4], (t) => I.eye_(t)),
});

// torch.distributions, as make_fixtures.py's dist_* cases.
const D = torch.distributions;
// JS numbers like 1.0 are integers: float tensors are made as such.
const f32 = (xs: number[] | number[][]): Tensor => torch.tensor(xs, { dtype: 'float32' });
const flatAll = (...ts: Tensor[]): Tensor => torch.cat(ts.map((t) => t.detach().double().reshape(-1)));
Object.assign(build, {
  dist_normal: () => {
    torch.manualSeed(0);
    const loc = f32([0.0, 1.0, -2.0]).requiresGrad_();
    const scale = f32([1.0, 0.5, 2.0]).requiresGrad_();
    const d = new D.Normal(loc, scale);
    const s = d.sample([2]);
    const r = d.rsample([4]);
    r.pow(2).sum().backward();
    return flatAll(s, r, d.logProb(r), d.entropy(), d.cdf(r), d.icdf(f32([0.1, 0.5, 0.9])), d.mean, d.stddev, d.variance, loc.grad!, scale.grad!);
  },
  dist_normal_scalar: () => {
    torch.manualSeed(1);
    const d = new D.Normal(0.5, 2.0);
    return flatAll(d.sample([3]), d.rsample(), d.logProb(f32([0.0, 1.5])), d.entropy());
  },
  dist_uniform: () => {
    torch.manualSeed(2);
    const d = new D.Uniform(f32([0.0, -1.0]), f32([1.0, 3.0]));
    const r = d.rsample([3]);
    return flatAll(d.sample([2]), r, d.logProb(f32([0.5, 2.5])), d.cdf(f32([0.25, 2.0])), d.icdf(f32([0.25, 0.75])), d.entropy(), d.mean, d.stddev, d.variance,
      new D.Uniform(0.0, 1.0, { validateArgs: false }).logProb(f32([-0.5, 0.5])));
  },
  dist_exponential: () => {
    torch.manualSeed(3);
    const d = new D.Exponential(f32([0.5, 2.0]));
    const r = d.rsample([3]);
    return flatAll(d.sample([2]), r, d.logProb(r), d.cdf(r), d.icdf(f32([0.2, 0.8])), d.entropy(), d.mean, d.variance);
  },
  dist_bernoulli: () => {
    torch.manualSeed(4);
    const p = new D.Bernoulli({ probs: f32([0.1, 0.5, 0.9]) });
    const q = new D.Bernoulli({ logits: f32([-1.0, 0.0, 2.0]) });
    const v = f32([1.0, 0.0, 1.0]);
    return flatAll(p.sample([4]), q.sample([2]), p.logProb(v), q.logProb(v), p.entropy(), q.entropy(), p.logits, q.probs, p.variance, p.mode, p.enumerateSupport());
  },
  dist_categorical: () => {
    torch.manualSeed(5);
    const p = new D.Categorical({ probs: f32([[0.2, 0.3, 0.5], [0.7, 0.0, 0.3]]) });
    const q = new D.Categorical({ logits: f32([1.0, -1.0, 0.5, 2.0]) });
    return flatAll(p.sample([3]), q.sample([5]), q.sample(), p.logProb(torch.tensor([2, 0])), p.logProb(torch.tensor([[1], [2]])), q.logProb(torch.tensor([3, 1, 0])),
      p.entropy(), q.entropy(), p.logits.clamp({ min: -50 }), q.probs, p.mode, p.enumerateSupport());
  },
  dist_independent: () => {
    torch.manualSeed(6);
    const d = new D.Independent(new D.Normal(torch.zeros(2, 3), f32([1.0, 2.0, 0.5])), 1);
    const x = d.sample([2]);
    return flatAll(x, d.logProb(x), d.entropy(), f32([...d.batchShape, ...d.eventShape]));
  },
  dist_mvn: () => {
    torch.manualSeed(11);
    const cov = f32([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]]);
    const loc = f32([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]);
    const a = new D.MultivariateNormal(loc, { covarianceMatrix: cov });
    const b = new D.MultivariateNormal(loc.index(0), { precisionMatrix: torch.linalg.inv(cov) });
    const c = new D.MultivariateNormal(loc, { scaleTril: torch.linalg.cholesky(cov) });
    const x = a.rsample([2]);
    return flatAll(x, a.sample(), a.logProb(x), b.logProb(x), c.logProb(x), a.entropy(), b.entropy(), a.variance, b.scaleTril, c.covarianceMatrix,
      c.precisionMatrix, D.klDivergence(a, c), D.klDivergence(b, new D.MultivariateNormal(torch.zeros(3), { scaleTril: torch.eye(3).mul(2) })));
  },
  dist_laplace: () => {
    torch.manualSeed(7);
    const d = new D.Laplace(f32([0.0, 1.5]), f32([1.0, 0.5]));
    const r = d.rsample([3]);
    return flatAll(d.sample([2]), r, d.logProb(r), d.cdf(r), d.icdf(f32([0.2, 0.7])), d.entropy(), d.mean, d.variance, d.stddev);
  },
  dist_poisson: () => {
    torch.manualSeed(8);
    const d = new D.Poisson(f32([0.5, 3.0, 10.0]));
    return flatAll(d.sample([4]), d.logProb(f32([0, 2, 12])), d.mean, d.mode);
  },
  dist_log_normal: () => {
    torch.manualSeed(9);
    const d = new D.LogNormal(f32([0.0, 0.5]), f32([1.0, 0.25]));
    const r = d.rsample([3]);
    return flatAll(d.sample([2]), r, d.logProb(r), d.cdf(r), d.icdf(f32([0.3, 0.6])), d.entropy(), d.mean, d.mode, d.variance);
  },
  dist_one_hot: () => {
    torch.manualSeed(10);
    const d = new D.OneHotCategorical({ probs: f32([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]]) });
    const x = d.sample([3]);
    return flatAll(x, d.logProb(x), d.entropy(), d.mean, d.variance, d.mode, d.enumerateSupport());
  },
  dist_gamma: () => {
    torch.manualSeed(12);
    const conc = f32([0.5, 2.0, 5.0]).requiresGrad_();
    const rate = f32([1.0, 0.5, 3.0]).requiresGrad_();
    const d = new D.Gamma(conc, rate);
    const r = d.rsample([4]);
    r.sum().backward();
    const v = f32([0.3, 1.0, 2.5]);
    const c2 = new D.Chi2(f32([1.0, 4.0]));
    return flatAll(d.sample([2]), r, d.logProb(v), d.cdf(v), d.entropy(), d.mean, d.mode, d.variance, conc.grad!, rate.grad!,
      c2.sample([2]), c2.logProb(f32([0.5, 3.0])), c2.df, c2.mean, new D.Gamma(2.0, 1.0).sample([3]));
  },
  dist_dirichlet: () => {
    torch.manualSeed(13);
    const conc = f32([[0.5, 1.0, 2.0], [3.0, 0.3, 0.4], [0.2, 0.5, 0.3]]).requiresGrad_();
    const d = new D.Dirichlet(conc);
    const r = d.rsample([2]);
    r.mul(f32([1.0, 2.0, 3.0])).sum().backward();
    return flatAll(d.sample(), r, d.logProb(f32([0.2, 0.3, 0.5])), d.entropy(), d.mean, d.mode, d.variance, conc.grad!);
  },
  dist_beta: () => {
    torch.manualSeed(14);
    const a = f32([0.5, 2.0, 4.0]).requiresGrad_();
    const b = f32([0.5, 3.0, 1.5]).requiresGrad_();
    const d = new D.Beta(a, b);
    const r = d.rsample([3]);
    r.sum().backward();
    const s = new D.Beta(2.0, 5.0);
    return flatAll(d.sample([2]), r, d.logProb(f32([0.1, 0.5, 0.9])), d.entropy(), d.mean, d.mode, d.variance, a.grad!, b.grad!,
      s.sample([3]), s.logProb(torch.tensor(0.3)), s.mean);
  },
  dist_student_t: () => {
    torch.manualSeed(15);
    const df = f32([0.8, 1.5, 3.0, 10.0]).requiresGrad_();
    const loc = f32([0.0, 1.0, -1.0, 2.0]).requiresGrad_();
    const scale = f32([1.0, 2.0, 0.5, 1.0]).requiresGrad_();
    const d = new D.StudentT(df, loc, scale);
    const r = d.rsample([3]);
    r.sum().backward();
    return flatAll(d.sample([2]), r, d.logProb(f32([0.5, -1.0, 0.0, 3.0])), d.entropy(), d.mean, d.mode, d.variance, df.grad!, loc.grad!, scale.grad!,
      new D.StudentT(4.0).sample([3]));
  },
  dist_cauchy: () => {
    torch.manualSeed(16);
    const loc = f32([0.0, 1.0]).requiresGrad_();
    const scale = f32([1.0, 0.5]).requiresGrad_();
    const d = new D.Cauchy(loc, scale);
    const r = d.rsample([3]);
    r.sum().backward();
    const h = new D.HalfCauchy(f32([1.0, 2.0]));
    const v = f32([0.5, 3.0]);
    const p = f32([0.25, 0.8]);
    return flatAll(d.sample([2]), r, d.logProb(v), d.cdf(v), d.icdf(p), d.entropy(), d.mean, d.mode, d.variance, loc.grad!, scale.grad!,
      h.sample([2]), h.rsample(), h.logProb(v), new D.HalfCauchy(1.0, { validateArgs: false }).logProb(f32([0.5, -1.0])), h.cdf(v), h.icdf(p), h.entropy(), h.mean, h.mode, h.variance);
  },
  dist_half_normal: () => {
    torch.manualSeed(17);
    const scale = f32([1.0, 0.5, 2.0]).requiresGrad_();
    const d = new D.HalfNormal(scale);
    const r = d.rsample([3]);
    r.sum().backward();
    const v = f32([0.5, 1.0, 0.0]);
    return flatAll(d.sample([2]), r, d.logProb(v), new D.HalfNormal(scale, { validateArgs: false }).logProb(f32([-0.5, 1.0, 2.0])), d.cdf(v), d.icdf(f32([0.1, 0.5, 0.9])), d.entropy(), d.mean, d.mode, d.variance, scale.grad!,
      new D.HalfNormal(1.5).sample([2]));
  },
  dist_gumbel: () => {
    torch.manualSeed(18);
    const loc = f32([0.0, 2.0]).requiresGrad_();
    const scale = f32([1.0, 3.0]).requiresGrad_();
    const d = new D.Gumbel(loc, scale);
    const r = d.rsample([3]);
    r.sum().backward();
    const v = f32([0.5, -1.0]);
    return flatAll(d.sample([2]), r, d.logProb(v), d.cdf(v), d.icdf(f32([0.3, 0.9])), d.entropy(), d.mean, d.mode, d.stddev, d.variance,
      loc.grad!, scale.grad!, new D.Gumbel(1.0, 2.0).sample([3]));
  },
  dist_geometric: () => {
    torch.manualSeed(19);
    const d = new D.Geometric({ probs: f32([0.2, 0.5, 1.0]) });
    const e = new D.Geometric({ logits: f32([-1.0, 0.5]) });
    return flatAll(d.sample([4]), e.sample([2]), d.logProb(f32([0, 3, 0])), e.logProb(f32([2, 0])), d.entropy(), e.entropy(), d.mean, d.variance, d.mode,
      e.probs, d.logits.clamp(-50, 50));
  },
  dist_kl_more2: () => {
    const kl = D.klDivergence;
    const g = kl(new D.Gumbel(f32([0.0, 1.0]), f32([1.0, 2.0])), new D.Gumbel(f32([0.5, -1.0]), f32([0.5, 1.0])));
    const ge = kl(new D.Geometric({ probs: f32([0.2, 0.7]) }), new D.Geometric({ probs: f32([0.5, 0.4]) }));
    const hn = kl(new D.HalfNormal(f32([1.0, 2.0])), new D.HalfNormal(f32([0.5, 3.0])));
    const ca = kl(new D.Cauchy(f32([0.0, 1.0]), f32([1.0, 2.0])), new D.Cauchy(f32([0.5, -1.0]), f32([0.5, 1.0])));
    return flatAll(g, ge, hn, ca);
  },
  dist_transformed: () => {
    torch.manualSeed(20);
    const T = D.transforms;
    const mu = f32([0.0, 0.5, -1.0]).requiresGrad_();
    const std = f32([1.0, 0.3, 2.0]).requiresGrad_();
    const pi = new D.TransformedDistribution(new D.Normal(mu, std), [new T.TanhTransform({ cacheSize: 1 })]);
    const a = pi.rsample([2]);
    const logp = pi.logProb(a);
    a.sum().add(logp.sum()).backward();
    const lg = new D.TransformedDistribution(new D.Uniform(torch.zeros(2), torch.ones(2)), [new T.SigmoidTransform().inv, new T.AffineTransform(f32([1.0, -1.0]), 2.0)]);
    const v = f32([0.5, -2.0]);
    const x = lg.sample([3]);
    const ln = new D.TransformedDistribution(new D.Normal(f32([0.0, 1.0]), f32([1.0, 0.5])), new T.ComposeTransform([new T.ExpTransform(), new T.PowerTransform(torch.tensor(2.0))]));
    const w = f32([1.5, 4.0]);
    const dec = new D.TransformedDistribution(new D.Normal(0.0, 1.0), [new T.AffineTransform(0.0, -3.0)]);
    const iv = new D.TransformedDistribution(new D.Exponential(f32([1.0, 2.0])), [new T.ExpTransform().inv]);
    return flatAll(a, logp, mu.grad!, std.grad!, x, lg.logProb(v), lg.cdf(v), lg.icdf(f32([0.2, 0.7])), ln.sample([2]), ln.logProb(w), ln.cdf(w),
      ln.icdf(f32([0.3, 0.6])), dec.cdf(f32([1.0, -1.0])), dec.icdf(f32([0.1, 0.9])), dec.logProb(f32([0.5])),
      iv.logProb(f32([-0.5, 0.3])), iv.rsample([2]));
  },
  dist_binomial: () => {
    torch.manualSeed(21);
    const d = new D.Binomial(f32([5, 10, 3]), { probs: f32([0.2, 0.5, 0.9]) });
    const e = new D.Binomial(4, { logits: f32([-1.0, 0.5]) });
    return flatAll(d.sample([3]), e.sample([2]), d.logProb(f32([1, 7, 3])), e.logProb(f32([0, 4])), e.entropy(), d.mean, d.mode, d.variance, e.probs,
      e.enumerateSupport(), D.klDivergence(new D.Binomial(6, { probs: f32([0.3, 0.6]) }), new D.Binomial(f32([6, 4]), { probs: f32([0.5, 0.5]) })));
  },
  dist_multinomial: () => {
    torch.manualSeed(22);
    const d = new D.Multinomial(6, { probs: f32([[0.2, 0.3, 0.5], [0.6, 0.0, 0.4]]) });
    const e = new D.Multinomial(3, { logits: f32([0.0, 1.0, -1.0, 2.0]) });
    const x = d.sample([2]);
    return flatAll(x, d.logProb(x), d.logProb(f32([1, 2, 3])), e.sample(), e.logProb(f32([0, 1, 0, 2])), d.entropy(), e.entropy(), d.mean, d.variance, e.probs);
  },
  dist_mixture: () => {
    torch.manualSeed(23);
    const logits = f32([[0.0, 1.0, -1.0], [0.5, 0.0, 0.0]]).requiresGrad_();
    const locs = f32([[-2.0, 0.0, 3.0], [1.0, 1.5, 2.0]]).requiresGrad_();
    const scales = f32([[1.0, 0.5, 2.0], [0.3, 0.3, 1.0]]);
    const gmm = new D.MixtureSameFamily(new D.Categorical({ logits }), new D.Normal(locs, scales));
    const x = gmm.sample([4]);
    const lp = gmm.logProb(f32([0.5, 1.2]));
    lp.sum().backward();
    const mv = new D.MixtureSameFamily(new D.Categorical({ probs: f32([0.3, 0.7]) }), new D.Independent(new D.Normal(f32([[0.0, 1.0], [2.0, -1.0]]), f32([[1.0, 0.5], [0.5, 2.0]])), 1));
    const y = mv.sample([3]);
    return flatAll(x, lp, gmm.mean, gmm.variance, gmm.cdf(f32([0.0, 2.0])), logits.grad!, locs.grad!, y, mv.logProb(y), mv.mean, mv.variance);
  },
  dist_weibull_pareto: () => {
    torch.manualSeed(24);
    const scale = f32([1.0, 2.0]).requiresGrad_();
    const conc = f32([0.5, 3.0]).requiresGrad_();
    const w = new D.Weibull(scale, conc);
    const r = w.rsample([3]);
    r.sum().backward();
    const v = f32([0.7, 2.5]);
    const p = new D.Pareto(f32([1.0, 0.5]), f32([3.0, 1.5]));
    const u = f32([1.5, 4.0]);
    return flatAll(w.sample([2]), r, w.logProb(v), w.cdf(v), w.icdf(f32([0.2, 0.6])), w.entropy(), w.mean, w.mode, w.variance, scale.grad!, conc.grad!,
      p.sample([3]), p.rsample(), p.logProb(u), p.cdf(u), p.icdf(f32([0.5, 0.9])), p.entropy(), p.mean, p.mode, p.variance);
  },
  dist_kl_cross: () => {
    const no = new D.Normal(f32([0.5, -1.0]), f32([1.0, 2.0]));
    const un = new D.Uniform(f32([0.2, -0.5]), f32([0.7, 2.0]));
    const ex = new D.Exponential(f32([1.5, 0.5]));
    const ga = new D.Gamma(f32([2.0, 0.7]), f32([1.0, 3.0]));
    const be = new D.Beta(f32([2.0, 0.5]), f32([3.0, 1.5]));
    const gu = new D.Gumbel(f32([0.0, 1.0]), f32([1.0, 0.5]));
    const la = new D.Laplace(f32([0.0, 2.0]), f32([1.0, 0.3]));
    const pa = new D.Pareto(f32([1.0, 0.5]), f32([3.0, 1.5]));
    const pa2 = new D.Pareto(f32([0.5, 1.0]), f32([2.5, 4.0]));
    const po = new D.Poisson(f32([1.0, 3.0]));
    const bern = new D.Bernoulli({ probs: f32([0.3, 0.8]) });
    const bino = new D.Binomial(4, { probs: f32([0.3, 0.8]) });
    const u01 = new D.Uniform(f32([0.0, 0.1]), f32([1.0, 1.0]));
    const pairs: [torch.distributions.Distribution, torch.distributions.Distribution][] = [[bern, po], [po, bern], [po, bino], [be, pa], [be, ex], [be, ga], [be, no], [be, u01], [be, un], [ex, be], [ex, pa], [ex, un], [ex, ga], [ex, gu], [ex, no],
      [ga, be], [ga, pa], [ga, un], [ga, ex], [ga, gu], [ga, no], [gu, be], [gu, ex], [gu, ga], [gu, pa], [gu, un], [gu, no], [la, be], [la, ex], [la, ga],
      [la, pa], [la, un], [la, no], [no, be], [no, ex], [no, ga], [no, pa], [no, un], [no, gu], [no, la], [pa, be], [pa, un], [pa, ex], [pa, ga], [pa, no],
      [un, be], [u01, be], [un, ex], [un, ga], [un, gu], [un, no], [un, pa], [pa, pa2], [pa2, pa], [new D.Weibull(f32([1.0, 2.0]), f32([0.5, 3.0])), new D.Weibull(f32([1.0, 2.0]), f32([0.5, 3.0]))]];
    return flatAll(...pairs.map(([p, q]) => D.klDivergence(p, q)));
  },
  dist_relaxed: () => {
    torch.manualSeed(25);
    const logits = f32([-1.0, 0.5, 2.0]).requiresGrad_();
    const rb = new D.RelaxedBernoulli(torch.tensor(0.5), { logits });
    const x = rb.rsample([2]);
    const lp = rb.logProb(x);
    x.sum().add(lp.sum()).backward();
    const lrb = new D.LogitRelaxedBernoulli(torch.tensor(2.0), { probs: f32([0.3, 0.9]) });
    const cl = f32([[0.0, 1.0, -1.0], [2.0, 0.0, 0.5]]).requiresGrad_();
    const oh = new D.RelaxedOneHotCategorical(torch.tensor(0.7), { logits: cl });
    const y = oh.rsample([2]);
    const ly = oh.logProb(y);
    y.select(-1, 0).sum().add(ly.sum()).backward();
    const er = new D.ExpRelaxedCategorical(1.5, { probs: f32([0.2, 0.3, 0.5]) });
    const z = er.rsample();
    return flatAll(x, lp, logits.grad!, lrb.rsample([2]), lrb.logProb(f32([0.5, -1.0])), y, ly, cl.grad!, z, er.logProb(z), rb.probs, oh.probs);
  },
  dist_negative_binomial: () => {
    torch.manualSeed(26);
    const d = new D.NegativeBinomial(f32([2.0, 5.0, 0.5]), { probs: f32([0.3, 0.6, 0.9]) });
    const e = new D.NegativeBinomial(3.0, { logits: f32([-1.0, 0.5]) });
    return flatAll(d.sample([3]), e.sample([2]), d.logProb(f32([0, 4, 7])), e.logProb(f32([2, 0])), d.mean, d.mode, d.variance, e.probs, d.logits,
      new D.NegativeBinomial(f32([0.0]), { probs: f32([0.5]), validateArgs: false }).logProb(f32([0])));
  },
  dist_continuous_bernoulli: () => {
    torch.manualSeed(27);
    const probs = f32([0.1, 0.4995, 0.7, 0.95]).requiresGrad_();
    const d = new D.ContinuousBernoulli({ probs });
    const r = d.rsample([3]);
    r.sum().backward();
    const e = new D.ContinuousBernoulli({ logits: f32([-2.0, 0.0, 1.5]) });
    const v = f32([0.2, 0.5, 0.9, 0.0]);
    const cb = new D.ContinuousBernoulli({ probs: f32([0.3, 0.8]) });
    const kl = D.klDivergence;
    const kls = [kl(cb, new D.ContinuousBernoulli({ probs: f32([0.5, 0.2]) })), kl(new D.Beta(f32([2.0, 0.5]), f32([3.0, 1.5])), cb),
      kl(cb, new D.Exponential(f32([1.5, 0.5]))), kl(cb, new D.Normal(f32([0.5, -1.0]), f32([1.0, 2.0]))),
      kl(cb, new D.Uniform(f32([-0.5, -1.0]), f32([2.0, 0.9]))), kl(new D.Uniform(f32([0.2, 0.1]), f32([0.7, 1.0])), cb),
      kl(cb, new D.Pareto(f32([1.0, 0.5]), f32([3.0, 1.5]))), kl(new D.Normal(f32([0.5, -1.0]), f32([1.0, 2.0])), cb)];
    return flatAll(d.sample([2]), r, d.logProb(v), d.cdf(v), d.icdf(f32([0.1, 0.5, 0.8, 0.3])), d.entropy(), d.mean, d.variance, d.stddev, probs.grad!,
      e.rsample(), e.probs, e.mean, e.logProb(f32([0.3, 0.5, 1.0])), ...kls);
  },
  dist_lowrank_mvn: () => {
    torch.manualSeed(28);
    const loc = f32([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]).requiresGrad_();
    const w = f32([[1.0, 0.5], [0.2, -0.3], [0.0, 0.8]]).requiresGrad_();
    const dg = f32([0.5, 1.0, 2.0]).requiresGrad_();
    const d = new D.LowRankMultivariateNormal(loc, w, dg);
    const x = d.rsample([2]);
    const lp = d.logProb(x);
    x.sum().add(lp.sum()).backward();
    return flatAll(x, lp, d.sample(), d.entropy(), d.mean, d.variance, d.scaleTril, d.covarianceMatrix, d.precisionMatrix, loc.grad!, w.grad!, dg.grad!,
      new D.MultivariateNormal(loc.detach(), { covarianceMatrix: d.covarianceMatrix }).logProb(x.detach()));
  },
  dist_more: () => {
    torch.manualSeed(29);
    const df1 = f32([1.5, 3.0, 6.0]).requiresGrad_();
    const f = new D.FisherSnedecor(df1, f32([2.0, 5.0, 10.0]));
    const r = f.rsample([2]);
    r.sum().backward();
    const c1 = f32([0.5, 2.0, 3.0]).requiresGrad_();
    const k = new D.Kumaraswamy(c1, f32([2.0, 0.7, 4.0]));
    const y = k.rsample([2]);
    y.sum().backward();
    const logits = f32([[1.0, 0.0, -1.0], [0.2, 0.3, 0.5]]).requiresGrad_();
    const st = new D.OneHotCategoricalStraightThrough({ logits });
    const s = st.rsample([2]);
    s.mul(f32([1.0, 2.0, 3.0])).sum().backward();
    return flatAll(f.sample([2]), r, f.logProb(f32([0.5, 1.0, 2.0])), f.mean, f.mode, f.variance, df1.grad!,
      k.sample([2]), y, k.logProb(f32([0.2, 0.5, 0.9])), k.cdf(f32([0.2, 0.5, 0.9])), k.entropy(), k.mean, k.mode, k.variance, c1.grad!,
      s, logits.grad!, st.logProb(s.detach()));
  },
  dist_transforms_more: () => {
    torch.manualSeed(30);
    const T = D.transforms;
    const x = f32([[0.3, -1.2, 2.0], [0.0, 0.5, -0.7]]);
    const out: Tensor[] = [];
    for (const tr of [new T.SoftplusTransform(), new T.StickBreakingTransform(), new T.SoftmaxTransform()]) {
      const y = tr.call(x);
      out.push(y, tr.inv.call(y));
      if (tr.bijective) out.push(tr.logAbsDetJacobian(x, y));
    }
    const m = f32([[0.5, 2.0], [-1.0, 0.3]]);
    const lc = new T.LowerCholeskyTransform();
    out.push(lc.call(m), lc.inv.call(lc.call(m)));
    const it = new T.IndependentTransform(new T.ExpTransform(), 1);
    out.push(it.logAbsDetJacobian(x, it.call(x)));
    const rt = new T.ReshapeTransform([2, 3], [6]);
    out.push(rt.call(x), rt.logAbsDetJacobian(x, rt.call(x)).reshape(-1));
    const cdf = new T.CumulativeDistributionTransform(new D.Normal(0.0, 1.0));
    out.push(cdf.call(x), cdf.logAbsDetJacobian(x, cdf.call(x)));
    const loc = f32([0.2, -0.5, 1.0]).requiresGrad_();
    const ln = new D.LogisticNormal(loc, f32([1.0, 0.5, 2.0]));
    const s = ln.rsample([2]);
    const lp = ln.logProb(s);
    s.select(-1, 0).sum().add(lp.sum()).backward();
    out.push(s, lp, loc.grad!, new D.LogisticNormal(0.5, 2.0).sample([3]));
    return flatAll(...out);
  },
  dist_kl_lowrank: () => {
    const p = new D.LowRankMultivariateNormal(f32([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]), f32([[1.0, 0.5], [0.2, -0.3], [0.0, 0.8]]), f32([0.5, 1.0, 2.0]));
    const q = new D.LowRankMultivariateNormal(f32([1.0, 0.0, 0.0]), f32([[0.3], [0.1], [-0.2]]), f32([1.0, 2.0, 0.7]));
    const m = new D.MultivariateNormal(f32([0.2, -0.1, 0.4]), { covarianceMatrix: f32([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 0.5]]) });
    const kl = D.klDivergence;
    return flatAll(kl(p, q), kl(q, p), kl(m, p), kl(p, m), kl(m, q));
  },
  dist_lkj: () => {
    torch.manualSeed(32);
    const d = new D.LKJCholesky(3, f32([0.5, 2.0]));
    const x = d.sample([2]);
    const e = new D.LKJCholesky(4, 1.5);
    const y = e.sample();
    return flatAll(x, d.logProb(x), y, e.logProb(y), torch.tensor([Number(D.constraints.corrCholesky.check(x).all().item())], { dtype: 'float32' }));
  },
  dist_von_mises: () => {
    torch.manualSeed(31);
    const d = new D.VonMises(f32([0.0, 1.0, -2.0, 3.0]), f32([0.5, 2.0, 5.0, 20.0]));
    return flatAll(d.sample([3]), d.logProb(f32([0.3, -1.0, 2.5, 3.1])), d.mean, d.variance, new D.VonMises(0.5, 1.0).sample([4]));
  },
  dist_kl_gamma: () => {
    const kl = D.klDivergence;
    const g = kl(new D.Gamma(f32([1.0, 3.0]), f32([2.0, 0.5])), new D.Gamma(f32([2.0, 1.0]), f32([1.0, 1.0])));
    const c = kl(new D.Chi2(f32([3.0])), new D.Chi2(f32([5.0])));
    const b = kl(new D.Beta(f32([0.5, 2.0]), f32([1.0, 3.0])), new D.Beta(f32([1.0, 1.0]), f32([2.0, 0.5])));
    const di = kl(new D.Dirichlet(f32([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])), new D.Dirichlet(f32([2.0, 2.0, 2.0])));
    return flatAll(g, c, b, di);
  },
  dist_kl_more: () => {
    const kl = D.klDivergence;
    const la = kl(new D.Laplace(f32([0.0, 1.0]), f32([1.0, 2.0])), new D.Laplace(f32([0.5, -1.0]), f32([0.5, 1.0])));
    const po = kl(new D.Poisson(f32([1.0, 4.0])), new D.Poisson(f32([2.0, 3.0])));
    const ln = kl(new D.LogNormal(f32([0.0]), f32([1.0])), new D.LogNormal(f32([1.0]), f32([0.5])));
    const oh = kl(new D.OneHotCategorical({ probs: f32([0.2, 0.8]) }), new D.OneHotCategorical({ probs: f32([0.6, 0.4]) }));
    return flatAll(la, po, ln, oh);
  },
  dist_expand: () => {
    const T = D.transforms;
    torch.manualSeed(4);
    const out: Tensor[] = [];
    const take = <X extends torch.distributions.Distribution>(d: X, shape: number[], x?: Tensor): X => {
      const e = d.expand(shape);
      const s = e.sample();
      out.push(s, e.logProb(x ?? s), torch.tensor(e.batchShape, { dtype: 'float64' }));
      return e;
    };
    const n = take(new D.Normal(f32([0.0, 1.0, -2.0]), f32([1.0, 0.5, 2.0])), [2, 3]);
    out.push(n.entropy(), n.mean, n.variance, n.rsample([2]));
    take(new D.Normal(0.5, 2.0), [4]);
    out.push(take(new D.Categorical({ probs: f32([[0.2, 0.3, 0.5], [0.7, 0.0, 0.3]]) }), [5, 2]).entropy());
    take(new D.Categorical({ logits: f32([[1.0, -1.0, 0.5, 2.0]]) }), [3]);
    const mvn = take(new D.MultivariateNormal(f32([1.0, -1.0]), { scaleTril: f32([[2.0, 0.0], [0.5, 1.0]]) }), [3]);
    out.push(mvn.rsample([2]), mvn.entropy(), mvn.covarianceMatrix);
    take(new D.Dirichlet(f32([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])), [4, 2]);
    take(new D.Gamma(f32([2.5, 0.5]), 1.5), [3, 2]);
    take(new D.Independent(new D.Normal(torch.zeros(2, 3), f32([1.0, 2.0, 0.5])), 1), [5, 2]);
    take(new D.MixtureSameFamily(new D.Categorical({ logits: f32([0.0, 1.0, -1.0]) }), new D.Normal(f32([-2.0, 0.0, 3.0]), f32([0.5, 1.0, 2.0]))), [2]);
    take(new D.LogNormal(0.0, 1.0), [3]);
    take(new D.Binomial(10, { probs: f32([0.2, 0.7]) }), [3, 2]);
    take(new D.Bernoulli({ logits: f32([0.5]) }), [4]);
    take(new D.Beta(f32([2.0, 0.5]), f32([1.0, 3.0])), [3, 2]);
    take(new D.LowRankMultivariateNormal(f32([0.0, 1.0]), f32([[1.0], [0.5]]), f32([1.0, 2.0])), [2]);
    const td = new D.TransformedDistribution(new D.Normal(0.0, 1.0), [new T.AffineTransform(f32([1.0, 2.0, 3.0]), 2.0)]);
    const s = td.sample();
    out.push(s, td.logProb(s), torch.tensor(td.batchShape, { dtype: 'float64' }));
    take(td, [2, 3]);
    return flatAll(...out);
  },
  dist_transforms_structured: () => {
    const T = D.transforms;
    const C = D.constraints;
    torch.manualSeed(6);
    const t = new T.CorrCholeskyTransform();
    const x = torch.randn([2, 6], { dtype: 'float64' }).requiresGrad_();
    const y = t.call(x);
    const ladj = t.logAbsDetJacobian(x, y);
    y.sum().add(ladj.sum()).backward();
    const c = new T.CatTransform([new T.ExpTransform(), T.identityTransform, new T.AffineTransform(1.0, 2.0)], 1, [2, 1, 2]);
    const u = torch.randn([3, 5], { dtype: 'float64' });
    const v = c.call(u);
    const c2 = new T.CatTransform([new T.IndependentTransform(new T.ExpTransform(), 1), new T.IndependentTransform(T.identityTransform, 1)], -1, [2, 3]);
    const s = new T.StackTransform([new T.ExpTransform(), new T.SigmoidTransform()], 1);
    const w = torch.randn([4, 2], { dtype: 'float64' });
    const z = s.call(w);
    const free = torch.randn([3], { dtype: 'float64' });
    const lkj = new D.LKJCholesky(3, torch.tensor(2.0, { dtype: 'float64' }));
    const corr = D.bijectTo(lkj.support).call(free);
    const catC = C.cat([C.positive, C.real], 0, [2, 1]);
    const stackC = C.stack([C.unitInterval, C.positive], 1);
    const shapes = [...t.forwardShape([4, 6]), ...t.inverseShape([4, 3, 3])];
    const dims = [c.eventDim, c2.eventDim, catC.eventDim, stackC.eventDim, C.stack([C.realVector], -1).eventDim, C.stack([C.realVector], 0).eventDim];
    return flatAll(y, ladj, t.inv.call(y), x.grad!, v, c.logAbsDetJacobian(u, v), c.inv.call(v), c2.logAbsDetJacobian(u, c2.call(u)), z,
      s.logAbsDetJacobian(w, z), s.inv.call(z), corr, lkj.logProb(corr), D.bijectTo(catC).call(torch.tensor([0.0, 1.0, -2.0], { dtype: 'float64' })),
      D.transformTo(stackC).call(w), catC.check(f32([1.0, -1.0, -1.0])), stackC.check(f32([[0.5, 2.0], [1.5, -1.0]])),
      torch.tensor([...shapes, ...dims], { dtype: 'float64' }));
  },
  dist_wishart: () => {
    torch.manualSeed(9);
    const cov = f32([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]]);
    const w = new D.Wishart(f32([5.0, 7.5]), { covarianceMatrix: cov });
    const x = w.rsample([2]);
    const fixed = f32([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]]);
    const wp = new D.Wishart(4.0, { precisionMatrix: torch.linalg.inv(cov) });
    const wl = new D.Wishart(torch.tensor(6.0, { dtype: 'float32' }), { scaleTril: torch.linalg.cholesky(cov) });
    const y = wl.rsample();
    const q = new D.Wishart(f32([6.0, 4.0]), { covarianceMatrix: fixed });
    const kl = D.klDivergence(w, q);
    const kl0 = D.klDivergence(wl, new D.Wishart(5.0, { scaleTril: torch.linalg.cholesky(fixed) }));
    return flatAll(x, w.logProb(x), w.logProb(fixed), w.entropy(), w.mean, w.variance, w.mode,
      wp.logProb(fixed), wp.entropy(), wp.mode, wp.covarianceMatrix, wl.precisionMatrix, y, wl.logProb(y), kl, kl0);
  },
  dist_kl: () => {
    const kl = D.klDivergence;
    const n = kl(new D.Normal(f32([0.0, 1.0]), f32([1.0, 2.0])), new D.Normal(f32([0.5, -1.0]), f32([0.5, 1.0])));
    const b = kl(new D.Bernoulli({ probs: f32([0.2, 0.0, 1.0, 0.5]) }), new D.Bernoulli({ probs: f32([0.4, 0.3, 0.9, 1.0]) }));
    const c = kl(new D.Categorical({ probs: f32([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]]) }), new D.Categorical({ probs: f32([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]]) }));
    const u = kl(new D.Uniform(f32([0.0, 0.0]), f32([1.0, 2.0])), new D.Uniform(f32([-1.0, 0.5]), f32([2.0, 3.0])));
    const e = kl(new D.Exponential(f32([1.0, 3.0])), new D.Exponential(f32([2.0, 0.5])));
    const i = kl(new D.Independent(new D.Normal(torch.zeros(2, 2), 1.0), 1), new D.Independent(new D.Normal(torch.ones(2, 2), 2.0), 1));
    return flatAll(n, b, c, u, e, i);
  },
});

Object.assign(build, {
  module_backward_hook: () => {
    torch.manualSeed(0);
    const lin = new torch.nn.Linear(4, 3);
    const act = new torch.nn.Tanh();
    const seen: (Tensor | null)[] = [];
    lin.registerFullBackwardHook((_m, gi, go) => void seen.push(gi[0], go[0]));
    act.registerFullBackwardHook((_m, gi) => [gi[0]!.mul(2)]);
    const x = torch.randn(2, 4).requiresGrad_();
    act.call(lin.call(x)).pow(2).sum().backward();
    const seen2: [boolean, Tensor][] = [];
    const lin2 = new torch.nn.Linear(4, 2);
    lin2.registerFullBackwardHook((_m, gi, go) => void seen2.push([gi[0] === null, go[0]!]));
    lin2.call(torch.randn(3, 4)).pow(2).sum().backward();
    return flatAll(seen[0]!, seen[1]!, x.grad!, lin.weight.grad!, torch.tensor([Number(seen2[0][0])], { dtype: 'float32' }), seen2[0][1], lin2.weight.grad!);
  },
});

Object.assign(build, {
  prune_methods: () => {
    const P = torch.nn.utils.prune;
    torch.manualSeed(0);
    const lin = new torch.nn.Linear(6, 4);
    P.l1Unstructured(lin, 'weight', 0.3);
    P.l1Unstructured(lin, 'weight', 2);
    P.randomUnstructured(lin, 'bias', 0.5);
    const conv = new torch.nn.Conv2d(3, 4, 2);
    P.lnStructured(conv, 'weight', 0.5, 2, 0);
    P.randomStructured(conv, 'weight', 1, 1);
    const x = torch.randn(2, 6);
    const y = lin.call(x);
    y.sum().backward();
    const f = (m: torch.nn.Module, k: string): Tensor => (m as unknown as Record<string, Tensor>)[k];
    const maskBefore = f(lin, 'weightMask').clone();
    const gradOrig = f(lin, 'weightOrig').grad!.clone();
    const a = new torch.nn.Linear(4, 3);
    const b = new torch.nn.Linear(3, 2);
    P.globalUnstructured([[a, 'weight'], [b, 'weight']], P.L1Unstructured, { amount: 0.4 });
    P.remove(lin, 'weight');
    const flags = torch.tensor([Number(P.isPruned(lin)), Number(P.isPruned(new torch.nn.Linear(2, 2)))], { dtype: 'float32' });
    return flatAll(maskBefore, gradOrig, lin.weight, f(lin, 'bias'), f(lin, 'biasMask'), f(conv, 'weightMask'), f(conv, 'weight'), y, f(a, 'weightMask'), f(b, 'weightMask'), flags);
  },
});

// Gradient clipping, as make_fixtures.py's clip_grad_norm_* cases.
function clipped(normType: number): Tensor {
  torch.manualSeed(0);
  const lin = new torch.nn.Linear(4, 3);
  lin.call(src([2, 4])).pow(2).sum().backward();
  const total = torch.nn.utils.clipGradNorm_(lin.parameters(), 0.5, { normType });
  const out = torch.cat([total.reshape(1), lin.weight.grad!.reshape(-1), lin.bias!.grad!]);
  lin.dispose();
  return out;
}
Object.assign(build, { clip_grad_norm_2: () => clipped(2), clip_grad_norm_inf: () => clipped(Infinity) });

describe('against Python torch ' + reference.torch, () => {
  it('covers every recorded case', () => {
    expect(Object.keys(build).sort()).toEqual(Object.keys(reference.cases).sort());
  });
  for (const [name, ref] of Object.entries(reference.cases)) {
    it(name, () => {
      torch.scope(() => {
        const t = build[name]();
        expect(t.dtype).toBe(ref.dtype);
        expect(t.shape).toEqual(ref.shape);
        expect(t.toString()).toBe(ref.repr);
        const rtol = t.dtype === 'float16' || t.dtype === 'bfloat16' ? 1e-3 : t.dtype === 'float32' ? 1e-6 : 1e-12;
        expectClose(t.toArray(), decode(ref.values), rtol);
      });
    });
  }
});
