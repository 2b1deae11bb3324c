// nn.Module mechanics: registration, keys, state dicts, modes, hooks, dtype moves, memory.
import * as torch from '../src-ts';
const { nn } = torch;

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  bn = new nn.BatchNorm1d(8);
  act = new nn.ReLU();
  fc2 = new nn.Linear(8, 2);
  scale = new nn.Parameter(torch.ones(1));
  constructor() {
    super();
    this.registerBuffer('stepCount', torch.zeros(1, { dtype: 'int64' }));
    this.registerBuffer('scratch', torch.zeros(1), { persistent: false });
  }
  forward(x: torch.Tensor): torch.Tensor {
    return this.fc2.call(this.act.call(this.bn.call(this.fc1.call(x)))).mul(this.scale);
  }
}

describe('nn.Module', () => {
  it('registers by assignment with PyTorch key names and order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'bn.weight', 'bn.bias', 'fc2.weight', 'fc2.bias']);
    expect(Object.keys(net.stateDict())).toEqual([
      'scale', 'step_count', 'fc1.weight', 'fc1.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked', 'fc2.weight', 'fc2.bias',
    ]);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['step_count', 'scratch', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(net.namedChildren().map(([k]) => k)).toEqual(['fc1', 'bn', 'act', 'fc2']);
    expect(net.modules().length).toBe(5);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    net.dispose();
  });

  it('state dicts round-trip, and loading checks keys and shapes as PyTorch does', () => {
    torch.scope(() => {
      torch.manualSeed(1);
      const a = new Net();
      const b = new Net();
      expect(a.fc1.weight.equal(b.fc1.weight)).toBe(false);
      expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
      expect(a.fc1.weight.equal(b.fc1.weight)).toBe(true);
      const x = torch.randn(3, 4);
      a.eval();
      b.eval();
      expect(a.call(x).equal(b.call(x))).toBe(true);
      const sd = a.stateDict();
      delete sd['fc2.bias'];
      sd['extra'] = torch.ones(1);
      expect(() => b.loadStateDict(sd)).toThrow(/Error\(s\) in loading state_dict for Net:\n\tMissing key\(s\) in state_dict: "fc2.bias". \n\tUnexpected key\(s\) in state_dict: "extra"./);
      expect(b.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['fc2.bias'], unexpectedKeys: ['extra'] });
      const bad = a.stateDict();
      bad['fc1.weight'] = torch.ones(2, 2);
      expect(() => b.loadStateDict(bad)).toThrow(/size mismatch for fc1.weight: copying a param with shape torch.Size\(\[2, 2\]\) from checkpoint, the shape in current model is torch.Size\(\[8, 4\]\)./);
      a.dispose();
      b.dispose();
    });
  });

  it('train/eval, zeroGrad, requiresGrad_, apply', () => {
    const net = new Net();
    expect(net.bn.training).toBe(true);
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    torch.scope(() => net.call(torch.randn(5, 4)).sum().backward());
    expect(net.fc1.weight.grad).not.toBeNull();
    net.zeroGrad({ setToNone: false });
    expect(net.fc1.weight.grad!.abs().sum().item()).toBe(0);
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBeNull();
    net.requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
    const seen: string[] = [];
    net.apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'BatchNorm1d', 'ReLU', 'Linear', 'Net']);
    net.dispose();
  });

  it('to(dtype) converts floating-point parameters and buffers in place', () => {
    const net = new Net();
    const w = net.fc1.weight;
    net.to('float64');
    expect(net.fc1.weight).toBe(w); // same Parameter object: optimizers keep working
    expect(w.dtype).toBe('float64');
    expect(net.bn.runningMean!.dtype).toBe('float64');
    expect(net.bn.numBatchesTracked!.dtype).toBe('int64');
    torch.scope(() => expect(net.call(torch.randn([2, 4], { dtype: 'float64' })).dtype).toBe('float64'));
    net.dispose();
  });

  it('forward hooks run through call() and can be removed', () => {
    const lin = new nn.Linear(2, 2);
    const log: string[] = [];
    const h1 = lin.registerForwardPreHook((_m, args) => {
      log.push('pre');
      return [(args[0] as torch.Tensor).mul(0)];
    });
    const h2 = lin.registerForwardHook(() => {
      log.push('post');
    });
    torch.scope(() => expect(lin.call(torch.ones(1, 2)).equal(lin.bias!.unsqueeze(0))).toBe(true));
    expect(log).toEqual(['pre', 'post']);
    h1.remove();
    h2.remove();
    torch.scope(() => lin.call(torch.ones(1, 2)));
    expect(log).toEqual(['pre', 'post']);
    lin.dispose();
  });

  it('pruning: Python\'s keys, masks kept through training, deepCopy, remove, and bad calls', () => {
    // Mask values against Python: 10.reference prune_methods. Here: what a user relies on.
    const P = torch.nn.utils.prune;
    const lin = new nn.Linear(3, 2);
    P.l1Unstructured(lin, 'weight', 2);
    expect(Object.keys(torch.scope(() => lin.stateDict()))).toEqual(['bias', 'weight_orig', 'weight_mask']);
    expect(P.isPruned(lin)).toBe(true);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const before = torch.memory().tensors;
    for (let i = 0; i < 5; i++) {
      torch.scope(() => {
        opt.zeroGrad();
        lin.call(torch.randn(4, 3)).pow(2).sum().backward();
        opt.step();
      });
    }
    expect(torch.memory().tensors - before).toBeLessThanOrEqual(2); // the gradients of weight_orig and bias
    const field = (m: torch.nn.Module, k: string): torch.Tensor => (m as unknown as Record<string, torch.Tensor>)[k];
    torch.scope(() => {
      const zeros = field(lin, 'weightMask').eq(0);
      expect(zeros.sum().item()).toBe(2);
      expect(field(lin, 'weight').index(zeros).abs().sum().item()).toBe(0); // pruned entries stay 0
      // A copy keeps its own mask and hook; remove() works on it and leaves the original pruned.
      const copy = lin.deepCopy();
      P.remove(copy, 'weight');
      expect(Object.keys(copy.stateDict())).toEqual(['bias', 'weight']);
      expect(copy.weight.index(zeros).abs().sum().item()).toBe(0);
      expect(P.isPruned(copy)).toBe(false);
      expect(P.isPruned(lin)).toBe(true);
      copy.dispose();
    });
    expect(() => P.l1Unstructured(new nn.Linear(2, 2), 'weight', 1.5)).toThrow('amount=1.5 should either be a float in the range [0, 1] or a non-negative integer');
    expect(() => P.l1Unstructured(new nn.Linear(2, 2), 'weight', -1)).toThrow('amount=-1 should either be a float in the range [0, 1] or a non-negative integer');
    expect(() => P.l1Unstructured(new nn.Linear(2, 2), 'weight', 5)).toThrow('amount=5 should be smaller than the number of parameters to prune=4');
    expect(() => P.lnStructured(new nn.Linear(2, 2), 'bias', 1, 2, 0)).toThrow('Structured pruning can only be applied to multidimensional tensors. Found tensor of shape torch.Size([2]) with 1 dims');
    expect(() => P.lnStructured(new nn.Linear(2, 2), 'weight', 1, 2, 3)).toThrow(torch.IndexError);
    expect(() => P.remove(new nn.Linear(2, 2), 'weight')).toThrow("Parameter 'weight' of module Linear(in_features=2, out_features=2, bias=True) has to be pruned before pruning can be removed");
    expect(() => P.l1Unstructured(new nn.Linear(2, 2), 'nope', 1)).toThrow("prune: Linear has no parameter 'nope'");
    expect(() => P.l1Unstructured(new nn.Linear(2, 2), 'weight', 1, { importanceScores: torch.ones(3) })).toThrow('importance_scores should have the same shape as parameter weight of Linear');
    // A failed prune puts the parameter back (last in key order, as Python's re-registration does).
    const intact = new nn.Linear(2, 2);
    expect(() => P.customFromMask(intact, 'weight', torch.ones(3))).toThrow(/the mask's shape/);
    expect(Object.keys(torch.scope(() => intact.stateDict()))).toEqual(['bias', 'weight']);
    expect(P.isPruned(intact)).toBe(false);
    P.remove(lin, 'weight');
    lin.dispose();
  });

  it('load-state-dict post hooks see the key lists as Python builds them and may edit them in place', () => {
    // Expected values from Python 1.13 (register_load_state_dict_post_hook on the same model).
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    const log: unknown[] = [];
    m.at(0).registerLoadStateDictPostHook((_mod, ik) => void log.push(['child', [...ik.missingKeys], [...ik.unexpectedKeys]]));
    const h = m.registerLoadStateDictPostHook((mod, ik) => {
      log.push(['parent', mod.constructor.name, [...ik.missingKeys], [...ik.unexpectedKeys]]);
      ik.missingKeys.length = 0;
    });
    torch.scope(() => {
      const sd = m.stateDict();
      delete sd['1.bias'];
      sd.extra = torch.zeros(1);
      sd['0.junk'] = torch.zeros(1);
      expect(() => m.loadStateDict(sd)).toThrow('Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: "extra", "0.junk". ');
      expect(log).toEqual([['child', [], ['extra', '0.junk']], ['parent', 'Sequential', ['1.bias'], ['extra', '0.junk']]]);
      // The parent's hook cleared the missing key, so without the extra keys the load succeeds.
      delete sd.extra;
      delete sd['0.junk'];
      expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      h.remove();
      expect(() => m.loadStateDict(sd)).toThrow('Missing key(s) in state_dict: "1.bias". ');
      const lin = new nn.Linear(2, 2);
      lin.registerLoadStateDictPostHook((() => 1) as never);
      expect(() => lin.loadStateDict(lin.stateDict())).toThrow('Hooks registered with ``register_load_state_dict_post_hook`` are notexpected to return new values');
      expect(() => lin.registerLoadStateDictPostHook(3 as never)).toThrow('registerLoadStateDictPostHook(): hook must be a function');
      lin.dispose();
    });
    m.dispose();
  });

  it('full backward hooks: gradInput per positional argument, replacement, removal, kept gradients and Python\'s errors', () => {
    // Values against Python: 10.reference module_backward_hook. Here: the shapes of the calls.
    class Scaled extends nn.Module {
      forward(x: torch.Tensor, k: number, y: torch.Tensor): torch.Tensor[] {
        return [x.mul(k), y.mul(x)];
      }
    }
    const m = new Scaled();
    const calls: [number, (torch.Tensor | null)[], (torch.Tensor | null)[]][] = [];
    const h = m.registerFullBackwardHook((_m, gi, go) => void calls.push([calls.length, gi, go]));
    torch.scope(() => {
      const x = torch.tensor([1, 2], { dtype: 'float32' }).requiresGrad_();
      const y = torch.tensor([3, 4], { dtype: 'float32' }); // needs no gradient
      const [a, b] = m.call(x, 3, y);
      a.sum().add(b.sum()).backward();
      expect(calls.length).toBe(1);
      const [, gi, go] = calls[0];
      expect(gi.length).toBe(3);
      expect(gi[1]).toBeNull(); // a number
      expect(gi[2]).toBeNull(); // needs no gradient
      expect(gi[0]!.toArray()).toEqual([6, 7]); // 3 + y
      expect(go.map((g) => g!.toArray())).toEqual([[1, 1], [1, 1]]);
      expect(x.grad!.toArray()).toEqual([6, 7]);
    });
    // The gradients given to the hook lived until the scope that called backward() ended.
    expect(calls[0][1][0]!.isDisposed).toBe(true);
    h.remove();
    torch.scope(() => {
      const x = torch.ones(2).requiresGrad_();
      const [a] = m.call(x, 2, torch.ones(2));
      a.sum().backward();
    });
    expect(calls.length).toBe(1);

    const lin = new nn.Linear(2, 2);
    const bad = lin.registerFullBackwardHook(() => [null, null]);
    torch.scope(() => {
      expect(() => lin.call(torch.ones(1, 2).requiresGrad_()).sum().backward()).toThrow('Backward hook returned an invalid number of grad_input, got 2, but expected 1');
    });
    bad.remove();
    lin.registerFullBackwardHook(() => [torch.ones(1, 2)]);
    torch.scope(() => {
      expect(() => lin.call(torch.ones(1, 2)).sum().backward()).toThrow(
        'Backward hook for Modules where no input requires gradient should always return None or None for all gradients.',
      );
    });
    expect(() => lin.registerFullBackwardHook('x' as never)).toThrow('registerFullBackwardHook(): hook must be a function');
    // Without gradients (noGrad) the hooks are not attached and nothing changes.
    torch.scope(() => expect(torch.noGrad(() => lin.call(torch.ones(1, 2))).requiresGrad).toBe(false));
    lin.dispose();
  });

  it('a hooked output survives the container that frees the other intermediates, until the caller\'s scope ends', () => {
    const inner = new nn.Linear(3, 4);
    const seq = new nn.Sequential(inner, new nn.ReLU(), new nn.Linear(4, 2), new nn.Tanh());
    let captured: torch.Tensor | null = null;
    inner.registerForwardHook((_m, _args, out) => void (captured = out as torch.Tensor));
    const x = torch.randn(5, 3);
    const before = torch.memory().tensors;
    const y = seq.call(x); // outside any scope
    expect(torch.memory().tensors - before).toBe(2); // the result and the hooked activation; ReLU's and the last Linear's are freed
    expect(captured!.isDisposed).toBe(false);
    expect(captured!.relu().equal(torch.scope(() => seq.at(1).call(inner.call(x))) as torch.Tensor)).toBe(true);
    torch.scope(() => {
      seq.call(x);
      expect(captured!.isDisposed).toBe(false);
    });
    expect(captured!.isDisposed).toBe(true); // kept into the scope it was called in, and freed with it
    y.dispose();
    seq.dispose();
  });

  it('ParameterList and ParameterDict: registration, lookup, bad keys', () => {
    const list = new nn.ParameterList([torch.ones(2), new nn.Parameter(torch.zeros(3), false)]);
    list.append(torch.ones(1));
    expect(list.length).toBe(3);
    expect(list.at(0)).toBeInstanceOf(nn.Parameter);
    expect(list.at(0).requiresGrad).toBe(true); // a plain tensor becomes a Parameter that requires grad
    expect(list.at(-2).requiresGrad).toBe(false);
    expect([...list].map((p) => p.shape)).toEqual([[2], [3], [1]]);
    list.set(1, torch.full([3], 5, { dtype: 'float32' }));
    expect(list.at(1).sum().item()).toBe(15);
    expect(Object.keys(list.stateDict())).toEqual(['0', '1', '2']);
    expect(() => list.at(3)).toThrow(/index 3 is out of range/);
    expect(() => list.append(3 as never)).toThrow(/expected a Tensor or nn.Parameter, got number/);
    expect(() => list.call()).toThrow(/ParameterList should not be called/);

    const dict = new nn.ParameterDict({ w: torch.ones(2), b: torch.zeros(1) });
    expect(dict.keys()).toEqual(['b', 'w']); // a plain object's keys sorted, as Python sorts a dict's
    expect(new nn.ParameterDict(new Map([['w', torch.ones(1)], ['b', torch.ones(1)]])).keys()).toEqual(['w', 'b']);
    expect(dict.has('w')).toBe(true);
    expect(dict.get('train')).toBeUndefined();
    expect(dict.pop('b').shape).toEqual([1]);
    expect(dict.keys()).toEqual(['w']);
    expect(() => dict.pop('b')).toThrow(/no parameter 'b'/);
    expect(() => dict.set('train', torch.ones(1))).toThrow(/attribute 'train' already exists/);
    expect(() => dict.set('a.b', torch.ones(1))).toThrow(/key can't contain "."/);
    expect(() => new nn.ModuleDict({ forward: new nn.ReLU() })).toThrow(/attribute 'forward' already exists/);
    const model = new nn.ModuleDict({ head: new nn.Linear(2, 2) });
    const opt = new torch.optim.SGD([...dict.parameters(), ...list.parameters()], { lr: 0.1 });
    expect(opt.paramGroups[0].params.length).toBe(4);
    for (const m of [list, dict, model]) m.dispose();
  });

  it('nn.init bad calls and what the fills leave behind', () => {
    const I = nn.init;
    torch.scope(() => {
      expect(() => I.eye_(torch.empty(2, 2, 2))).toThrow('Only tensors with 2 dimensions are supported');
      expect(() => I.dirac_(torch.empty(3, 3))).toThrow('Only tensors with 3, 4, or 5 dimensions are supported');
      expect(() => I.dirac_(torch.empty(3, 2, 3), 2)).toThrow('dim 0 must be divisible by groups');
      expect(() => I.sparse_(torch.empty(3), 0.5)).toThrow('Only tensors with 2 dimensions are supported');
      const w = torch.empty(6, 4);
      const before = torch.memory().tensors;
      I.sparse_(w, 0.5);
      I.truncNormal_(w);
      I.eye_(w);
      I.orthogonal_(w);
      expect(torch.memory().tensors).toBe(before);
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        I.truncNormal_(w, 10, 1, -2, 2);
        expect(warn).toHaveBeenCalledWith('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.', 'UserWarning');
      } finally {
        warn.mockRestore();
      }
      expect(w.max().item()).toBeLessThanOrEqual(2); // still clamped to [a, b]
    });
  });

  it('weightNorm trains through g and v; functionalCall swaps and restores; fusion refuses training mode', () => {
    const U = nn.utils;
    const lin = U.weightNorm(new nn.Linear(3, 2));
    expect(Object.keys(lin.stateDict())).toEqual(['bias', 'weight_g', 'weight_v']);
    expect(() => U.weightNorm(lin)).toThrow("Cannot register two weight_norm hooks on the same parameter weight");
    expect(() => U.weightNorm(new nn.ReLU())).toThrow(/has no parameter 'weight'/);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const x = torch.randn(4, 3);
    const before = torch.memory().tensors;
    for (let i = 0; i < 3; i++) {
      torch.scope(() => {
        opt.zeroGrad();
        lin.call(x).pow(2).sum().backward();
        opt.step();
      });
    }
    expect(torch.memory().tensors).toBe(before); // each forward's computed weight replaces the last
    expect((lin as unknown as { weightG: torch.Tensor }).weightG.grad).not.toBeNull();
    torch.scope(() => void lin.call(x)); // recomputes the weight from the stepped g and v
    const w = (lin.weight as torch.Tensor).clone();
    // A deepCopy keeps normalizing, and its weight norm can be removed on its own (as Python's).
    const copy = lin.deepCopy();
    U.removeWeightNorm(copy);
    expect(Object.keys(torch.scope(() => copy.stateDict()))).toEqual(['bias', 'weight']);
    expect(copy.weight.allclose(w)).toBe(true);
    expect(Object.keys(torch.scope(() => lin.stateDict()))).toEqual(['bias', 'weight_g', 'weight_v']);
    copy.dispose();
    U.removeWeightNorm(lin);
    expect(Object.keys(lin.stateDict())).toEqual(['bias', 'weight']);
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expect(lin.weight.allclose(w)).toBe(true);
    expect(() => U.removeWeightNorm(lin)).toThrow("weight_norm of 'weight' not found in Linear");

    const seq = new nn.Sequential(new nn.Linear(3, 2));
    const orig = seq.at(0) as torch.nn.Linear;
    const w0 = orig.weight;
    expect(() => U.functionalCall(seq, { '0.weight': torch.zeros(2, 3), '0.nope': torch.zeros(1) }, [x])).toThrow(/'0.nope' is not a parameter or buffer of Sequential/);
    expect(orig.weight).toBe(w0); // restored after the throw
    const y = U.functionalCall(seq, { '0.weight': torch.zeros(2, 3) }, [x]) as torch.Tensor;
    expect(y.equal(orig.bias!.expand(4, 2))).toBe(true);
    expect(orig.weight).toBe(w0);

    const sn = U.spectralNorm(new nn.Linear(3, 2));
    expect(Object.keys(sn.stateDict())).toEqual(['bias', 'weight_orig', 'weight_u', 'weight_v']);
    expect(() => U.spectralNorm(sn)).toThrow('Cannot register two spectral_norm hooks on the same parameter weight');
    expect(() => U.spectralNorm(new nn.Linear(2, 2), 'weight', { nPowerIterations: 0 })).toThrow('Expected n_power_iterations to be positive, but got n_power_iterations=0');
    const sopt = new torch.optim.SGD(sn.parameters(), { lr: 0.1 });
    const snBefore = torch.memory().tensors;
    for (let i = 0; i < 3; i++) {
      torch.scope(() => {
        sopt.zeroGrad();
        sn.call(x).pow(2).sum().backward();
        sopt.step();
      });
    }
    expect(torch.memory().tensors).toBe(snBefore);
    // The largest singular value of the normalized weight is about 1.
    const sigma = torch.scope(() => torch.linalg.matrixNorm(sn.weight as torch.Tensor, 2).item<number>());
    expect(Math.abs(sigma - 1)).toBeLessThan(0.1);
    const snCopy = sn.deepCopy();
    U.removeSpectralNorm(snCopy);
    expect(Object.keys(torch.scope(() => snCopy.stateDict()))).toEqual(['bias', 'weight']);
    expect(() => U.removeSpectralNorm(snCopy)).toThrow("spectral_norm of 'weight' not found in Linear");
    snCopy.dispose();
    U.removeSpectralNorm(sn);
    expect(Object.keys(sn.stateDict())).toEqual(['bias', 'weight']);
    sn.dispose();
    sopt.dispose();
    const conv = new nn.Conv2d(1, 2, 3);
    expect(() => U.fuseConvBnEval(conv, new nn.BatchNorm2d(2))).toThrow('Fusion only for eval!');
    for (const m of [lin, seq, conv]) m.dispose();
    opt.dispose();
  });

  it('getSubmodule / getParameter / getBuffer by dotted path; dtype and device shorthands', () => {
    const net = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    net.addModule('head', new nn.Linear(3, 1));
    expect(net.getSubmodule('1')).toBe(net.at(1));
    expect(net.getSubmodule('')).toBe(net);
    expect(net.getParameter('head.weight')).toBe((net.getSubmodule('head') as torch.nn.Linear).weight);
    expect(net.getBuffer('1.running_mean').shape).toEqual([3]);
    expect(() => net.getSubmodule('0.nope')).toThrow('Linear has no attribute `nope`');
    expect(() => net.getSubmodule('0.weight')).toThrow('`weight` is not an nn.Module');
    expect(() => net.getParameter('1.running_var')).toThrow('`running_var` is not an nn.Parameter');
    expect(() => net.getBuffer('0.bias')).toThrow('`bias` is not a buffer');
    expect(net.double().getParameter('0.weight').dtype).toBe('float64');
    expect(net.getBuffer('1.num_batches_tracked').dtype).toBe('int64'); // integer buffers keep their dtype
    expect(net.float().getParameter('0.weight').dtype).toBe('float32');
    expect(net.half().getParameter('head.bias').dtype).toBe('float16');
    expect(net.bfloat16().getParameter('head.bias').dtype).toBe('bfloat16');
    expect(net.cpu().getParameter('0.weight').device.type).toBe('cpu');
    if (!torch.cuda.isAvailable()) expect(() => net.cuda()).toThrow(/CUDA/);
    net.dispose();
  });

  it('lazy layers: sized by the first input, same tensors for an optimizer made before, sized by a state dict too', () => {
    const lin = new nn.LazyLinear(3);
    expect(String(lin)).toBe('LazyLinear(in_features=0, out_features=3, bias=True)');
    expect(lin.weight.numel()).toBe(0); // uninitialized until the first forward
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const w = lin.weight;
    torch.scope(() => {
      opt.zeroGrad();
      lin.call(torch.ones(2, 5)).sum().backward();
      opt.step();
    });
    expect(lin).toBeInstanceOf(nn.Linear);
    expect(lin.constructor).toBe(nn.Linear); // it became the plain layer, as in PyTorch
    expect(String(lin)).toBe('Linear(in_features=5, out_features=3, bias=True)');
    expect(lin.weight).toBe(w); // same tensor: the optimizer updated it
    expect(lin.weight.shape).toEqual([3, 5]);
    expect(lin.weight.grad!.shape).toEqual([3, 5]);

    const saved = new nn.Linear(4, 3).stateDict();
    const fresh = new nn.LazyLinear(3);
    fresh.loadStateDict(saved);
    expect([fresh.inFeatures, fresh.weight.equal(saved.weight)]).toEqual([4, true]);
    expect(String(fresh)).toBe('Linear(in_features=4, out_features=3, bias=True)');

    const conv = new nn.LazyConv2d(4, 3, { groups: 2 });
    expect(() => conv.call(torch.ones(1, 3, 5, 5))).toThrow('in_channels must be divisible by groups');
    const bn = new nn.LazyBatchNorm1d();
    expect(String(bn)).toBe('LazyBatchNorm1d(0, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    torch.scope(() => void bn.call(torch.randn(4, 6)));
    expect(bn.runningMean!.shape).toEqual([6]);
    for (const m of [lin, fresh, conv, bn]) m.dispose();
    opt.dispose();
  });

  it('parameters outlive scopes; dispose() frees them', () => {
    const before = torch.memory().tensors;
    const net = torch.scope(() => new Net());
    expect(net.fc1.weight.isDisposed).toBe(false);
    torch.scope(() => {
      net.call(torch.randn(2, 4));
    });
    net.dispose();
    expect(net.fc1.weight.isDisposed).toBe(true);
    expect(torch.memory().tensors).toBe(before);
  });

  it('building layers outside any scope leaves only their parameters and buffers', () => {
    const before = torch.memory().tensors;
    const layers = [new nn.Linear(3, 2), new nn.Conv2d(1, 2, 3), new nn.BatchNorm1d(4), new nn.LayerNorm(3), new nn.Embedding(5, 2, { paddingIdx: 0 })];
    const owned = layers.reduce((n, m) => n + m.parameters().length + m.buffers().length, 0);
    expect(torch.memory().tensors - before).toBe(owned);
    for (const m of layers) m.dispose();
    expect(torch.memory().tensors).toBe(before);
  });

  it('containers: Sequential, ModuleList, ModuleDict', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU());
    seq.append(new nn.Linear(4, 1));
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBeInstanceOf(nn.Linear);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 2)]);
    expect(list.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    const dict = new nn.ModuleDict({ encoder: new nn.Linear(2, 2), headA: new nn.Linear(2, 1) });
    expect(dict.keys()).toEqual(['encoder', 'headA']);
    expect(Object.keys(dict.stateDict())).toEqual(['encoder.weight', 'encoder.bias', 'headA.weight', 'headA.bias']);
    expect(() => new nn.Sequential(3 as never)).toThrow(/expected an nn.Module/);
    for (const m of [seq, list, dict]) m.dispose();
  });

  it('clipGradValue_ clamps every gradient in place; clipGradNorm_ with no gradients gives 0', () => {
    const lin = new nn.Linear(2, 2);
    torch.scope(() => lin.call(torch.tensor([[10, -10]], { dtype: 'float32' })).pow(2).sum().backward());
    nn.utils.clipGradValue_(lin.parameters(), 0.25);
    for (const p of lin.parameters()) expect(p.grad!.abs().max().item()).toBeLessThanOrEqual(0.25);
    lin.zeroGrad();
    expect(nn.utils.clipGradNorm_(lin.parameters(), 1).item()).toBe(0);
    lin.dispose();
  });

  it('bad calls', () => {
    expect(() => new nn.Parameter(3 as never)).toThrow(/Parameter\(\): argument 'data' must be a Tensor/);
    expect(() => new nn.Dropout(1.5)).toThrow(torch.ValueError);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/in_channels must be divisible by groups/);
    const bn = new nn.BatchNorm2d(2);
    expect(() => bn.call(torch.ones(2, 2))).toThrow(/expected 4D input \(got 2D input\)/);
    const lin = new nn.Linear(3, 2);
    expect(() => lin.call(torch.ones(2, 4))).toThrow(/mat1 and mat2 shapes cannot be multiplied \(2x4 and 3x2\)/);
    bn.dispose();
    lin.dispose();
  });
});
