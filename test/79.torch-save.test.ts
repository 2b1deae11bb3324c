// torch.save / torch.load: Python's files load here, ours load in Python, and nothing in a file
// can make torch.load run code. Python files come from test/fixtures/make_torch_save.py.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../src-ts';
import { binding } from '../src-ts/binding';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

const { nn } = torch;
const fixtures = path.join(__dirname, 'fixtures');
const pt = (name: string): string => path.join(fixtures, 'torch_save', name);
const script = path.join(fixtures, 'make_torch_save.py');
const python = (...args: string[]): string => execFileSync(findPython(), [script, ...args], { encoding: 'utf8' });
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-save-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true }));

const cnn = (): torch.nn.Sequential =>
  new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 3));

// The same description of a loaded object make_torch_save.py's `read` prints for Python's.
function summarize(v: unknown, storages: Map<number, number>): unknown {
  if (v instanceof torch.Tensor) {
    const [key] = binding.storageInfo(v._h);
    if (!storages.has(key)) storages.set(key, storages.size);
    const flat = v.detach().reshape(-1);
    const values = v.dtype.startsWith('complex')
      ? (torch.viewAsReal(flat).toArray() as number[][])
      : ((v.dtype === 'bfloat16' ? flat.float() : flat).toArray() as unknown[]).map((x) => (typeof x === 'bigint' ? String(x) : x));
    return {
      type: v instanceof nn.Parameter ? 'Parameter' : 'Tensor', dtype: v.dtype, shape: v.shape, stride: v.stride(),
      offset: binding.storageInfo(v._h)[2], storage: storages.get(key), requires_grad: v.requiresGrad, values: values.map(num),
    };
  }
  if (v instanceof Map) return { dict: [...v].map(([k, x]) => [summarize(k, storages), summarize(x, storages)]) };
  if (Array.isArray(v)) return { list: v.map((x) => summarize(x, storages)) };
  if (v instanceof Set) return { set: [...v].map((x) => summarize(x, storages)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (typeof v === 'bigint') return { int: String(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { int: v } : { float: num(v) };
  if (v !== null && typeof v === 'object') return { dict: Object.entries(v).map(([k, x]) => [k, summarize(x, storages)]) };
  return v;
}
function num(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(num);
  if (typeof x !== 'number') return x;
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x;
}
// Python's names for dtypes and devices loaded as values are strings here.
function pythonView(d: unknown): unknown {
  if (Array.isArray(d)) return d.map(pythonView);
  if (d !== null && typeof d === 'object') {
    const o = d as Record<string, unknown>;
    if ('dtype' in o && Object.keys(o).length === 1) return o.dtype;
    if ('device' in o && Object.keys(o).length === 1) return o.device;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, pythonView(v)]));
  }
  return d;
}

describe('torch.load reads what Python wrote', () => {
  it('a state dict (OrderedDict) loads into the same model and gives Python\'s outputs', () => {
    torch.scope(() => {
      const sd = torch.load(pt('state_dict.pt')) as Record<string, torch.Tensor>;
      expect(Object.keys(sd)).toEqual([
        '0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.weight', '4.bias',
      ]);
      expect(sd['1.num_batches_tracked'].dtype).toBe('int64');
      expect(sd['1.num_batches_tracked'].item()).toBe(1);
      const model = cnn();
      model.loadStateDict(sd);
      model.eval();
      const ref = JSON.parse(fs.readFileSync(pt('model.json'), 'utf8')) as { input: number[]; output: number[] };
      const out = model.call(torch.tensor(ref.input, { dtype: 'float32' }).reshape(2, 1, 4, 4)) as torch.Tensor;
      const got = out.reshape(-1).toArray() as number[];
      expect(new Set(got.map((v) => v.toFixed(4))).size).toBeGreaterThan(3); // not a degenerate output
      got.forEach((v, i) => expect(Math.abs(v - ref.output[i])).toBeLessThan(1e-6));
      model.dispose();
    });
  });

  it.each(['nested.pt', 'proto4.pt'])('%s: every value, dtype, shared storage and view as Python loads it', (file) => {
    torch.scope(() => {
      const ours = summarize(torch.load(pt(file)), new Map());
      expect(ours).toEqual(pythonView(JSON.parse(python('read-trusted', pt(file)))));
    });
  });

  it('keeps views as views of one storage', () => {
    torch.scope(() => {
      const o = torch.load(pt('nested.pt')) as { tensors: Record<string, torch.Tensor>; param: torch.Tensor; frozen: torch.Tensor };
      const { base, row, t } = o.tensors;
      row.fill_(-1);
      expect(base.index(1).toArray()).toEqual([-1, -1, -1, -1]);
      expect(t.index(':', 1).toArray()).toEqual([-1, -1, -1, -1]);
      expect(o.param).toBeInstanceOf(nn.Parameter);
      expect(o.param.requiresGrad).toBe(true);
      expect(o.frozen.requiresGrad).toBe(false);
      expect(o.tensors.grad.requiresGrad).toBe(true);
    });
  });

  it('an optimizer state dict: int keys come back as a Map and load into Adam', () => {
    torch.scope(() => {
      const sd = torch.load(pt('adam.pt')) as torch.optim.OptimizerStateDict;
      expect(sd.state).toBeInstanceOf(Map);
      const state = sd.state as Map<number, Record<string, torch.Tensor>>;
      expect([...state.keys()]).toEqual([0, 1]);
      expect(state.get(0)!.step.item()).toBe(2);
      torch.manualSeed(0);
      const lin = new nn.Linear(2, 2);
      const opt = new torch.optim.Adam(lin.parameters(), { lr: 0.5 });
      opt.loadStateDict(sd);
      expect(opt.paramGroups[0].lr).toBe(0.01);
      // Saved again, Python reads the same state (int keys, tensors) it wrote.
      const file = path.join(tmp, 'adam.pt');
      torch.save(opt.stateDict(), file);
      const stateOf = (d: unknown) => (d as { dict: [string, unknown][] }).dict.find(([k]) => k === 'state')![1];
      expect(stateOf(JSON.parse(python('read', file)))).toEqual(stateOf(JSON.parse(python('read-trusted', pt('adam.pt')))));
      opt.dispose();
      lin.dispose();
    });
  });
});

describe('Python reads what torch.save writes', () => {
  it('a state dict loads into the Python model and gives our outputs', () => {
    torch.scope(() => {
      torch.manualSeed(5);
      const model = cnn();
      model.train();
      torch.noGrad(() => model.call(torch.randn(4, 1, 4, 4)));
      model.eval();
      const file = path.join(tmp, 'sd.pt');
      torch.save(model.stateDict(), file);
      const ref = JSON.parse(fs.readFileSync(pt('model.json'), 'utf8')) as { input: number[] };
      const ours = (model.call(torch.tensor(ref.input, { dtype: 'float32' }).reshape(2, 1, 4, 4)) as torch.Tensor).reshape(-1).toArray() as number[];
      const theirs = JSON.parse(python('forward', file)) as number[];
      ours.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThan(1e-6));
      model.dispose();
    });
  });

  it('pruned models: Python\'s pruned checkpoint loads into a pruned torchnode model, and ours into Python\'s', () => {
    torch.scope(() => {
      const P = nn.utils.prune;
      const input = (JSON.parse(fs.readFileSync(pt('model.json'), 'utf8')) as { input: number[] }).input;
      const x = torch.tensor(input, { dtype: 'float32' }).reshape(2, 1, 4, 4);
      const pruned = (): torch.nn.Sequential => {
        const m = cnn();
        for (const i of [0, 4]) P.identity(m.at(i), 'weight'); // weight_orig / weight_mask, as Python's
        return m;
      };
      // Python prunes and saves; its keys and masks load here and give its outputs.
      const fromPython = path.join(tmp, 'pruned_py.pt');
      const theirs = JSON.parse(python('pruned', fromPython)) as number[];
      const ours = pruned();
      ours.loadStateDict(torch.load(fromPython) as Record<string, torch.Tensor>);
      ours.eval();
      const out = (ours.call(x) as torch.Tensor).reshape(-1).toArray() as number[];
      out.forEach((v, i) => expect(Math.abs(v - theirs[i])).toBeLessThan(1e-6));
      // The other way: torchnode prunes (l1, half of each weight) and saves; Python loads it.
      torch.manualSeed(11);
      const mine = cnn();
      for (const i of [0, 4]) P.l1Unstructured(mine.at(i), 'weight', 0.5);
      mine.eval();
      const file = path.join(tmp, 'pruned_js.pt');
      torch.save(mine.stateDict(), file);
      expect(Object.keys(mine.stateDict())).toEqual(['0.bias', '0.weight_orig', '0.weight_mask', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked', '4.bias', '4.weight_orig', '4.weight_mask']);
      const back = JSON.parse(python('forward-pruned', file)) as number[];
      const expected = (mine.call(x) as torch.Tensor).reshape(-1).toArray() as number[];
      expected.forEach((v, i) => expect(Math.abs(v - back[i])).toBeLessThan(1e-6));
      ours.dispose();
      mine.dispose();
    });
  });

  it('nested data, every dtype, views and Parameters round-trip through Python exactly', () => {
    torch.scope(() => {
      const original = JSON.parse(python('read-trusted', pt('nested.pt')));
      const file = path.join(tmp, 'nested.pt');
      torch.save(torch.load(pt('nested.pt')) as object, file);
      // dtypes and devices load as strings, so they go back as strings
      expect(JSON.parse(python('read', file))).toEqual(pythonView(original));
    });
  });

  it('to and from a Buffer', () => {
    torch.scope(() => {
      const x = torch.randn(3, 2);
      const buf = torch.save({ x, y: [x.index(0)] });
      const back = torch.load(buf) as { x: torch.Tensor; y: torch.Tensor[] };
      expect(back.x.equal(x)).toBe(true);
      expect(back.y[0].equal(x.index(0))).toBe(true);
      expect(binding.storageInfo(back.y[0]._h)[0]).toBe(binding.storageInfo(back.x._h)[0]);
    });
  });

  it('keeps no storage tensors behind', () => {
    const before = torch.memory().tensors;
    const o = torch.load(pt('nested.pt')) as { tensors: Record<string, torch.Tensor>; param: torch.Tensor; frozen: torch.Tensor };
    const made = [...Object.values(o.tensors), o.param, o.frozen];
    expect(torch.memory().tensors - before).toBe(made.length);
    for (const t of made) t.dispose();
    expect(torch.memory().tensors).toBe(before);
    const x = torch.ones(3);
    const view = x.index('1:');
    const buf = torch.save([x, view]);
    x.dispose();
    view.dispose();
    expect(torch.memory().tensors).toBe(before);
    expect(buf.length).toBeGreaterThan(0);
  });

  it('maps locations: mapLocation, and a clear error for CUDA files without CUDA', () => {
    torch.scope(() => {
      const t = torch.load(pt('nested.pt'), { mapLocation: 'cpu' }) as { tensors: Record<string, torch.Tensor> };
      expect(t.tensors.base.device.type).toBe('cpu');
      expect((torch.load(pt('nested.pt'), { mapLocation: { cpu: 'cpu' } }) as typeof t).tensors.base.device.type).toBe('cpu');
      if (!torch.config().cuda.available) {
        expect(() => torch.load(pt('nested.pt'), { mapLocation: 'cuda' })).toThrow(/CUDA is not available here; pass \{ mapLocation: 'cpu' \}/);
      }
    });
  });
});

describe('torch.load refuses what is not data', () => {
  // A torch.save archive around a hand-made pickle.
  const archive = (pickle: number[] | Buffer): Buffer => binding.zipWrite(null, ['data.pkl'], [Buffer.from(pickle)])!;
  const g = (s: string): number[] => [...Buffer.from(s, 'latin1')];

  it('a pickle that would call os.system (written by Python)', () => {
    expect(() => torch.load(pt('hostile.pt'))).toThrow(torch.TorchError);
    expect(() => torch.load(pt('hostile.pt'))).toThrow(/refusing to load 'posix.system'.*it may be code/);
  });

  it.each([
    ['GLOBAL builtins.eval + REDUCE', [0x80, 2, ...g('cbuiltins\neval\n'), ...g('X'), 4, 0, 0, 0, ...g('1+1'), 0x85, 0x52, 0x2e], /refusing to load 'builtins.eval'/],
    ['STACK_GLOBAL os.system', [0x80, 4, 0x8c, 2, ...g('os'), 0x8c, 6, ...g('system'), 0x93, 0x2e], /refusing to load 'os.system'/],
    ['INST', [0x28, ...g('ios\nsystem\n'), 0x2e], /refusing pickle opcode 0x69/],
    ['OBJ', [0x28, 0x29, 0x6f, 0x2e], /refusing pickle opcode 0x6f/],
    ['EXT1', [0x80, 2, 0x82, 1, 0x2e], /refusing pickle opcode 0x82/],
    ['BUILD on a list', [0x80, 2, 0x5d, 0x7d, 0x62, 0x2e], /cannot set the state of a list/],
    ['an unknown opcode', [0x80, 2, 0xff], /unknown pickle opcode 0xff/],
    ['a truncated pickle', [0x80, 2, 0x58, 100, 0, 0, 0, 0x61], /truncated pickle data/],
    ['a memo miss', [0x80, 2, 0x68, 7, 0x2e], /memo has no entry 7/],
    ['an empty stack', [0x80, 2, 0x2e], /stack underflow/],
    ['a REDUCE of a string', [0x80, 2, 0x58, 1, 0, 0, 0, 0x61, 0x29, 0x52, 0x2e], /cannot call string/],
  ])('%s', (_name, bytes, message) => {
    expect(() => torch.load(archive(bytes as number[]))).toThrow(torch.TorchError);
    expect(() => torch.load(archive(bytes as number[]))).toThrow(message as RegExp);
  });

  it('truncated and corrupt archives, missing files, other formats', () => {
    const good = fs.readFileSync(pt('state_dict.pt'));
    expect(() => torch.load(good.subarray(0, good.length >> 1))).toThrow(/the buffer is not a readable PyTorch archive/);
    const noEnd = Buffer.from(good);
    noEnd.writeUInt32LE(0, good.lastIndexOf(Buffer.from([0x50, 0x4b, 5, 6]))); // end-of-directory signature
    expect(() => torch.load(noEnd)).toThrow(/not a readable PyTorch archive \(.*failed finding central directory/);
    const badSizes = Buffer.from(good);
    const entry = good.indexOf(Buffer.from([0x50, 0x4b, 1, 2])); // first central directory entry
    badSizes.writeUInt32LE(0x7fffffff, entry + 20);
    badSizes.writeUInt32LE(0x7fffffff, entry + 24);
    expect(() => torch.load(badSizes)).toThrow(torch.TorchError);
    const cut = path.join(tmp, 'cut.pt');
    fs.writeFileSync(cut, good.subarray(0, 100));
    expect(() => torch.load(cut)).toThrow(new RegExp(`'${cut}' is not a readable PyTorch archive`));
    expect(() => torch.load(path.join(tmp, 'missing.pt'))).toThrow(/cannot open '.*missing.pt': no such file/);
    expect(() => torch.load(Buffer.from('hello'))).toThrow(/not a PyTorch file/);
    const scripted = path.join(tmp, 'script.pt');
    python('script', scripted);
    expect(() => torch.load(scripted)).toThrow(/is a TorchScript module, not a torch.save file: load it with torch.jit.load/);
    const legacy = path.join(tmp, 'legacy.pt');
    python('legacy', legacy);
    expect(() => torch.load(legacy)).toThrow(/legacy \(pre-1.6\) format/);
    expect(() => torch.load(42 as unknown as string)).toThrow(torch.TypeError);
  });

  it('save refuses what Python could not load back, with the reason', () => {
    const lin = new nn.Linear(2, 2);
    expect(() => torch.save(lin)).toThrow(/got Linear \(save its stateDict\(\)\)/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => torch.save(cyclic)).toThrow(/contains itself/);
    expect(() => torch.save((() => 1) as unknown as object)).toThrow(/cannot store a function/);
    const t = torch.ones(1);
    t.dispose();
    expect(() => torch.save([t])).toThrow(/disposed/);
    expect(() => torch.save([], path.join(tmp, 'no', 'such', 'dir.pt'))).toThrow(/cannot write/);
    lin.dispose();
  });
});

describe('torch.saveAsync / torch.loadAsync', () => {
  it('read and write off the main thread, with the same results as load/save', async () => {
    const sync = torch.load(pt('nested.pt'));
    const viaAsync = await torch.loadAsync(pt('nested.pt'));
    expect(summarize(viaAsync, new Map())).toEqual(summarize(sync, new Map()));
    const fromBytes = await torch.loadAsync(fs.readFileSync(pt('state_dict.pt')));
    expect(Object.keys(fromBytes as object)).toContain('1.running_mean');
    const file = path.join(tmp, 'async.pt');
    const x = torch.randn(40, 50);
    const pending = torch.saveAsync({ x, view: x.index('10:20') }, file);
    x.dispose(); // the write holds its own reference
    await pending;
    const back = torch.load(file) as { x: torch.Tensor; view: torch.Tensor };
    expect(back.view.equal(back.x.index('10:20'))).toBe(true);
    expect(JSON.parse(python('read', file)).dict[0][1].shape).toEqual([40, 50]);
    await expect(torch.loadAsync(path.join(tmp, 'missing.pt'))).rejects.toThrow(/no such file/);
    await expect(torch.loadAsync(Buffer.from('PK junk that is not a zip'))).rejects.toThrow(/not a readable PyTorch archive/);
    await expect(torch.saveAsync({ a: 1 }, path.join(tmp, 'no', 'dir.pt'))).rejects.toThrow(/cannot write/);
  });

  it('frees what it reads', async () => {
    // The count is taken across an await, where the GC may free other tests' tensors: it can only
    // go down that way, so "no more than before" catches a leak.
    const before = torch.memory().tensors;
    for (let i = 0; i < 5; i++) {
      const o = (await torch.loadAsync(pt('adam.pt'))) as { state: Map<number, Record<string, torch.Tensor>> };
      const made = [...o.state.values()].flatMap((s) => Object.values(s));
      expect(made.length).toBe(6);
      const live = torch.memory().tensors;
      for (const t of made) t.dispose();
      expect(live - torch.memory().tensors).toBe(6);
    }
    expect(torch.memory().tensors).toBeLessThanOrEqual(before);
  });
});
