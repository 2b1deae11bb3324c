/**
 * Optimizers against Python: the same model, data and seed; parameters after each of five steps
 * must match Python's, and the state dict must have Python's layout.
 */
import * as torch from '../src-ts';
import { fixture, replay } from './optim_cases';
const { nn, optim } = torch;

describe('optimizers against Python', () => {
  it.each(fixture.optim.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const { model, opt, before } = replay(c);
    const sd = opt.stateDict();
    const groups = sd.param_groups.map((g) => Object.fromEntries(Object.entries(g).filter(([k]) => k in c.paramGroups[0])));
    expect(groups).toEqual(c.paramGroups.map((g) => ({ ...g, ...('betas' in g ? { betas: g.betas } : {}) })));
    const state = sd.state as Map<number, Record<string, unknown>>;
    expect(Object.fromEntries([...state].map(([i, s]) => [String(i), Object.keys(s).sort()]))).toEqual(c.stateKeys);
    // Training allocates state once; nothing else stays behind.
    const stateTensors = [...state.values()].flatMap((s) => Object.values(s).flat()).filter((v) => v instanceof torch.Tensor).length;
    expect(torch.memory().tensors - before).toBeLessThanOrEqual(stateTensors);
    opt.dispose();
    model.dispose();
  });

  it('LBFGS: a state dict continues the run exactly; memory stays bounded by the history; bad calls', () => {
    torch.manualSeed(4);
    const make = (): torch.nn.Linear => new nn.Linear(3, 1);
    const a = make();
    const b = make();
    b.loadStateDict(a.stateDict());
    const x = torch.randn(16, 3);
    const y = torch.randn(16, 1);
    const closureFor = (m: torch.nn.Linear, o: torch.optim.Optimizer) => (): torch.Tensor => {
      o.zeroGrad();
      const loss = nn.functional.mseLoss(m.call(x), y);
      loss.backward();
      return loss;
    };
    const oa = new optim.LBFGS(a.parameters(), { historySize: 2, maxIter: 3, lineSearchFn: 'strong_wolfe' });
    torch.scope(() => oa.step(closureFor(a, oa)));
    const ob = new optim.LBFGS(b.parameters(), { historySize: 2, maxIter: 3, lineSearchFn: 'strong_wolfe' });
    b.loadStateDict(a.stateDict());
    torch.scope(() => ob.loadStateDict(oa.stateDict()));
    let full = 0;
    for (let i = 0; i < 8; i++) {
      if (i === 3) full = torch.memory().tensors; // both histories are full by now
      const [la, lb] = torch.scope(() => [Number(oa.step(closureFor(a, oa)).item()), Number(ob.step(closureFor(b, ob)).item())]);
      expect(lb).toBe(la);
    }
    expect(b.weight.equal(a.weight)).toBe(true);
    // State: d, prev_flat_grad and at most historySize (y, s) pairs per optimizer, whatever the step count.
    expect(torch.memory().tensors).toBe(full);
    const sd = oa.stateDict();
    expect((sd.state as Map<number, Record<string, unknown>>).get(0)!.old_dirs).toHaveLength(2);
    expect(() => oa.step()).toThrow(/LBFGS.step\(\) needs a closure/);
    expect(() => new optim.LBFGS([{ params: a.parameters() }, { params: b.parameters() }])).toThrow(/LBFGS doesn't support per-parameter options/);
    expect(() => new optim.LBFGS(a.parameters(), { lineSearchFn: 'backtracking' as never })).toThrow(/only 'strong_wolfe' is supported/);
    for (const o of [oa, ob]) o.dispose();
    a.dispose();
    b.dispose();
  });

  it('state dicts restore a run exactly', () => {
    torch.manualSeed(3);
    const make = (): torch.nn.Sequential => new nn.Sequential(new nn.Linear(3, 2));
    const a = make();
    const b = make();
    b.loadStateDict(a.stateDict());
    const oa = new optim.Adam(a.parameters(), { lr: 0.05 });
    const ob = new optim.Adam(b.parameters(), { lr: 0.05 });
    const x = torch.randn(4, 3);
    const stepWith = (m: torch.nn.Sequential, o: torch.optim.Optimizer): void =>
      torch.scope(() => {
        o.zeroGrad();
        (m.call(x) as torch.Tensor).pow(2).sum().backward();
        o.step();
      });
    stepWith(a, oa);
    stepWith(a, oa);
    b.loadStateDict(a.stateDict());
    ob.loadStateDict(oa.stateDict());
    stepWith(a, oa);
    stepWith(b, ob);
    expect((b.at(0) as torch.nn.Linear).weight.equal((a.at(0) as torch.nn.Linear).weight)).toBe(true);
    for (const o of [oa, ob]) o.dispose();
    for (const m of [a, b]) m.dispose();
    x.dispose();
  });

  it('1000 training steps (DataLoader, model, loss, backward, Adam) leave memory flat', () => {
    torch.manualSeed(0);
    const ds = new torch.utils.data.TensorDataset(torch.randn(256, 8), torch.randint(0, 3, [256]));
    const loader = new torch.utils.data.DataLoader(ds, { batchSize: 32, shuffle: true });
    const model = new nn.Sequential(new nn.Linear(8, 16), new nn.BatchNorm1d(16), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(16, 3));
    const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const lossFn = new nn.CrossEntropyLoss();
    const epoch = (): void => {
      for (const [x, y] of loader as Iterable<[torch.Tensor, torch.Tensor]>) {
        torch.scope(() => {
          opt.zeroGrad();
          lossFn.call(model.call(x), y).backward();
          nn.utils.clipGradNorm_(model.parameters(), 1.0);
          opt.step();
        });
        x.dispose();
        y.dispose();
      }
    };
    epoch(); // optimizer state is made on the first step
    const before = torch.memory();
    for (let e = 0; e < 125; e++) epoch(); // 125 epochs x 8 batches = 1000 steps
    expect(torch.memory()).toEqual(before);
    opt.dispose();
    model.dispose();
    ds.dispose();
  });

  it.each(fixture.schedulers.map((c) => [c.name, c] as const))('scheduler %s gives Python\'s rates', (_n, c) => {
    const lin = new nn.Linear(1, 1);
    const opt = new Function('optim', 'params', `return ${c.optJs}`)(optim, lin.parameters()) as torch.optim.Optimizer;
    const s = new Function('lr', 'opt', 'optim', `return ${c.js}`)(optim.lrScheduler, opt, optim) as { step(m?: number): void };
    const lrs: number[] = [];
    const momenta: (number | null)[] = [];
    for (let i = 0; i < 12; i++) {
      const g = opt.paramGroups[0];
      lrs.push(g.lr as number);
      momenta.push(Array.isArray(g.betas) ? g.betas[0] : ((g.momentum as number | undefined) ?? null));
      if (c.metrics === null) s.step();
      else s.step(c.metrics[i]);
    }
    const close = (v: number | null, e: number | null) => (v === null || e === null ? v === e : Math.abs(v - e) <= 1e-15 + 1e-12 * Math.abs(e));
    lrs.forEach((v, i) => expect([i, v, close(v, c.lrs[i])]).toEqual([i, v, true]));
    momenta.forEach((v, i) => expect([i, v, close(v, c.momenta[i])]).toEqual([i, v, true]));
    opt.dispose();
    lin.dispose();
  });

  it('swaUtils: AveragedModel keys and forward, SWALR and updateBn bad calls', () => {
    const { AveragedModel, SWALR, updateBn } = optim.swaUtils;
    const lin = new nn.Linear(2, 1);
    const avg = new AveragedModel(lin);
    expect(Object.keys(avg.stateDict())).toEqual(['n_averaged', 'module.weight', 'module.bias']); // Python's order
    torch.scope(() => {
      const x = torch.ones(3, 2);
      expect(avg.call(x).equal(lin.call(x))).toBe(true); // a copy, before any update
      avg.updateParameters(lin);
      expect(avg.nAveraged.item()).toBe(1);
      expect(() => avg.updateParameters(new nn.Linear(2, 1, { bias: false }))).toThrow(/the model has 1 tensors to average, this one 2/);
    });
    const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
    expect(() => new SWALR(opt, [0.1, 0.2])).toThrow(/swa_lr must have the same length as optimizer.param_groups/);
    expect(() => new SWALR(opt, 0.1, { annealEpochs: -1 })).toThrow(/anneal_epochs must be equal or greater than 0, got -1/);
    expect(() => new SWALR(opt, 0.1, { annealStrategy: 'step' as never })).toThrow(/anneal_strategy must by one of 'cos' or 'linear', instead got step/);
    updateBn([torch.ones(1, 2)], lin); // no batch norm: nothing to do
    expect(() => updateBn([['x']], new nn.Sequential(new nn.BatchNorm1d(2)))).toThrow(/each batch must be a Tensor or an array whose first item is one/);
    for (const m of [lin, avg]) m.dispose();
    opt.dispose();
  });

  it('scheduler bad arguments', () => {
    const lin = new nn.Linear(2, 1);
    const sgd = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const lr = optim.lrScheduler;
    expect(() => new lr.OneCycleLR(sgd, 1)).toThrow(/You must define either total_steps OR \(epochs AND steps_per_epoch\)/);
    expect(() => new lr.OneCycleLR(sgd, 1, { totalSteps: 0 })).toThrow(/Expected positive integer total_steps, but got 0/);
    expect(() => new lr.OneCycleLR(sgd, 1, { totalSteps: 5, pctStart: 2 })).toThrow(/Expected float between 0 and 1 pct_start/);
    const one = new lr.OneCycleLR(sgd, 1, { totalSteps: 2 });
    one.step();
    one.step();
    expect(() => one.step()).toThrow(/Tried to step 4 times. The specified number of total steps is 2/);
    expect(() => new lr.CyclicLR(sgd, 0.01, 0.1, { mode: 'sawtooth' as never })).toThrow(/mode is invalid and scale_fn is None/);
    expect(() => new lr.CyclicLR(sgd, [0.01, 0.02], 0.1)).toThrow(/expected 1 values for base_lr, got 2/);
    const adagrad = new optim.Adagrad(lin.parameters(), { lr: 0.1 });
    expect(() => new lr.CyclicLR(adagrad, 0.01, 0.1)).toThrow(/optimizer must support momentum with `cycle_momentum` option enabled/);
    const adam = new optim.Adam(lin.parameters(), { lr: 0.1 });
    new lr.CyclicLR(adam, 0.01, 0.1, { stepSizeUp: 2 }).step();
    expect((adam.paramGroups[0].betas as number[])[0]).toBeCloseTo(0.85); // Adam's first beta cycles (PyTorch 2's rule)
    adagrad.dispose();
    adam.dispose();
    const other = new optim.SGD([new nn.Parameter(torch.ones(1))], { lr: 0.1 });
    expect(() => new lr.SequentialLR(sgd, [new lr.ExponentialLR(other, 0.5)], [])).toThrow(/expects all schedulers to belong to the same optimizer/);
    expect(() => new lr.SequentialLR(sgd, [new lr.ExponentialLR(sgd, 0.5)], [2])).toThrow(/one more than the number of milestone points/);
    expect(() => new lr.ReduceLROnPlateau(sgd, { factor: 1 })).toThrow(/Factor should be < 1.0./);
    expect(() => new lr.ReduceLROnPlateau(sgd, { mode: 'avg' as never })).toThrow(/mode avg is unknown!/);
    const plateau = new lr.ReduceLROnPlateau(sgd, { patience: 0 });
    plateau.step(torch.tensor(2.0));
    plateau.step(torch.tensor(3.0));
    expect(plateau.getLastLr()[0]).toBeCloseTo(sgd.paramGroups[0].lr as number);
    expect(() => plateau.step('low' as never)).toThrow(/metric must be a number or a tensor/);
    expect(() => new lr.LambdaLR(sgd, [(e) => e, (e) => e])).toThrow(/Expected 1 lr_lambdas, but got 2/);
    expect(() => new lr.MultiplicativeLR(sgd, 0.5 as never)).toThrow(/lrLambda must be a function or an array of functions/);
    expect(() => new lr.ConstantLR(sgd, { factor: 1.5 })).toThrow(/Constant multiplicative factor expected to be between 0 and 1/);
    expect(() => new lr.CosineAnnealingWarmRestarts(sgd, 0)).toThrow(/Expected positive integer T_0, but got 0/);
    expect(() => new lr.CosineAnnealingWarmRestarts(sgd, 2, { tMult: 1.5 })).toThrow(/Expected integer T_mult >= 1, but got 1.5/);
    expect(() => new lr.CosineAnnealingWarmRestarts(sgd, 2).step(-1)).toThrow(/Expected non-negative epoch, but got -1/);
    expect(() => new lr.ChainedScheduler([new lr.ExponentialLR(sgd, 0.5), new lr.ExponentialLR(other, 0.5)])).toThrow(/expects all schedulers to belong to the same optimizer/);
    expect(() => new lr.ChainedScheduler([plateau as never])).toThrow(/schedulers\[0\] is not a learning-rate scheduler/);
    sgd.dispose();
    other.dispose();
    lin.dispose();
  });

  it('bad arguments', () => {
    const lin = new nn.Linear(2, 1);
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/optimizer got an empty parameter list/);
    expect(() => new optim.SGD(lin.parameters(), { lr: -1 })).toThrow(/Invalid learning rate: -1/);
    expect(() => new optim.Adam(lin.parameters(), { betas: [1.5, 0.9] })).toThrow(/Invalid beta parameter at index 0: 1.5/);
    expect(() => new optim.SGD(lin.parameters(), { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    expect(() => new optim.SGD([{ params: lin.parameters() }, { params: [lin.weight] }], { lr: 0.1 })).toThrow(/more than one parameter group/);
    expect(() => new optim.Adamax(lin.parameters(), { eps: -1 })).toThrow(/Invalid epsilon value: -1/);
    expect(() => new optim.NAdam(lin.parameters(), { momentumDecay: -0.1 })).toThrow(/Invalid momentum_decay value: -0.1/);
    expect(() => new optim.RAdam(lin.parameters(), { betas: [0.9, 1] })).toThrow(/Invalid beta parameter at index 1: 1/);
    expect(() => new optim.Rprop(lin.parameters(), { etas: [1.2, 0.5] })).toThrow(/Invalid eta values: 1.2, 0.5/);
    expect(() => new optim.ASGD(lin.parameters(), { weightDecay: -1 })).toThrow(/Invalid weight_decay value: -1/);
    lin.dispose();
  });
});
