// torch.jit: TorchScript modules Python scripted and traced (test/fixtures/make_jit.py, made when
// this suite starts), called with every value type, compared with Python's outputs.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../src-ts';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

interface Enc {
  shape: number[];
  data: number[];
}
let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let expected: any;
const model = (name: string): string => path.join(dir, name);
const script = path.join(__dirname, 'fixtures', 'make_jit.py');
const build = (e: Enc): torch.Tensor => torch.tensor(e.data, { dtype: 'float32' }).reshape(e.shape);
function close(t: torch.Tensor, e: Enc, tol = 1e-5): void {
  expect(t.shape).toEqual(e.shape);
  const got = t.reshape(-1).toArray() as number[];
  got.forEach((v, i) => {
    if (Math.abs(v - e.data[i]) > tol + tol * Math.abs(e.data[i])) throw new Error(`[${i}]: expected ${e.data[i]}, got ${v}`);
  });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-jit-'));
  execFileSync(findPython(), [script, dir, '--resnet']);
  expected = JSON.parse(fs.readFileSync(model('expected.json'), 'utf8'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true }));

describe('torch.jit.load', () => {
  it.each(['scripted.pt', 'traced.pt'])('%s gives Python\'s output, parameters and state dict', (file) => {
    torch.scope(() => {
      const m = torch.jit.load(model(file));
      close(m.forward(build(expected.mlp.input)) as torch.Tensor, expected.mlp.output);
      close(m.call(build(expected.mlp.input)) as torch.Tensor, expected.mlp.output);
      expect(m.namedParameters().map(([k]) => k)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
      const sd = m.stateDict();
      for (const [k, e] of Object.entries(expected.mlp.params)) close(sd[k], e as Enc, 0);
      expect(m.methods().map((x) => x.name)).toContain('forward');
      expect(m.namedChildren().map(([k]) => k)).toEqual(['fc1', 'fc2']);
      const fc1 = m.namedChildren()[0][1];
      expect(fc1).toBeInstanceOf(torch.jit.ScriptModule);
      expect((fc1.forward(torch.zeros(1, 4)) as torch.Tensor).shape).toEqual([1, 8]);
      m.dispose();
    });
  });

  it('takes and returns every TorchScript value type', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('multi.pt'));
      const e = expected.multi;
      const schemas = Object.fromEntries(m.methods().map((x) => [x.name, x.schema]));
      for (const [name, schema] of Object.entries(e.schemas)) expect(schemas[name]).toBe(schema);
      close(m.forward(torch.ones(1, 2)) as torch.Tensor, e.forward);
      close(m.forward(torch.ones(1, 2), 0.5) as torch.Tensor, e.forward_scaled);
      const a = torch.tensor([1, -2], { dtype: 'float32' });
      const b = torch.tensor([3, 0.5], { dtype: 'float32' });
      const stats = m.callMethod('stats', [a, b]) as Record<string, torch.Tensor>;
      expect(Object.keys(stats)).toEqual(Object.keys(e.stats));
      for (const k of Object.keys(stats)) close(stats[k], e.stats[k]);
      expect(m.callMethod('pair', [21, 'hi'])).toEqual(e.pair);
      close(m.callMethod('maybe', a) as torch.Tensor, e.maybe);
      expect(m.callMethod('maybe', null)).toBeNull();
      expect(() => m.callMethod('maybe')).toThrow(/maybe\(\) is missing value for argument 'x'/); // as in Python: no default, no value
      expect(m.callMethod('lookup', new Map([[1, 2.0], [7, 4.0]]), 7)).toBe(e.lookup);
      expect(m.callMethod('lookup', { 1: 2.0, 7: 4.0 }, 7)).toBe(e.lookup); // int keys from a plain object
      expect(m.callMethod('count', 'four')).toBe(e.count);
      expect(m.callMethod('flags', true)).toEqual(e.flags);
      expect(m.callMethod('nested', { a: [[1, a], [2, b]], b: [] })).toEqual(e.nested);
      expect(m.callMethod('big')).toBe(BigInt(e.big));
      m.dispose();
    });
  });

  it('reads and writes attributes', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('multi.pt'));
      expect(m.attr('counter')).toBe(3);
      expect(m.attr('name')).toBe('multi');
      expect(m.attr('weights')).toEqual([0.5, 1.5]);
      expect(m.attr('running')).toBeInstanceOf(torch.Tensor);
      expect(m.attr('lin')).toBeInstanceOf(torch.jit.ScriptModule);
      expect(m.attributeNames()).toEqual(expect.arrayContaining(['training', 'counter', 'name', 'weights', 'lin', 'running']));
      m.setAttr('counter', 10);
      expect(m.callMethod('count', 'four')).toBe(14);
      expect(m.callMethod('bump')).toBe(11);
      expect(m.attr('counter')).toBe(11);
      m.setAttr('weights', [1, 3]);
      expect(m.callMethod('lookup', new Map([[7, 4.0]]), 7)).toBe(12);
      expect(() => m.setAttr('counter', 'ten')).toThrow(/setattr\(\) Expected a value of type 'int' for argument 'counter' but instead found type 'string'/);
      expect(() => m.setAttr('nope', 1)).toThrow(/ScriptModule has no attribute 'nope'/);
      expect(() => m.attr('nope')).toThrow(/has no attribute 'nope'/);
      m.dispose();
    });
  });

  it('bad calls are clear errors, and the module keeps working', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('multi.pt'));
      expect(() => m.forward('x')).toThrow(torch.TypeError);
      expect(() => m.forward('x')).toThrow("forward() Expected a value of type 'Tensor' for argument 'x' but instead found type 'string'.");
      expect(() => m.forward(torch.ones(1, 2), 1, 2)).toThrow(/forward\(\) expected at most 2 argument\(s\) but received 3 argument\(s\)/);
      expect(() => m.forward()).toThrow(/forward\(\) is missing value for argument 'x'. Declaration: forward\(__torch__.Multi self, Tensor x, float scale=2.\) -> Tensor/);
      expect(() => m.callMethod('pair', [1])).toThrow(/Expected a value of type 'Tuple\[int, str\]' for argument 't'/);
      expect(() => m.callMethod('count', 3)).toThrow(/Expected a value of type 'str'/);
      expect(() => m.callMethod('lookup', { one: 1 }, 1)).toThrow(/Expected a value of type 'int' for argument 'd key'/);
      expect(() => m.callMethod('flags', 1)).toThrow(/Expected a value of type 'bool'/);
      expect(() => m.callMethod('nope')).toThrow(/ScriptModule has no method 'nope'/);
      expect(() => m.forward(torch.ones(1, 5))).toThrow(torch.TorchError); // shape error inside the model
      const gone = torch.ones(1, 2);
      gone.dispose();
      expect(() => m.forward(gone)).toThrow(/argument 'x' is a disposed tensor/);
      close(m.forward(torch.ones(1, 2)) as torch.Tensor, expected.multi.forward);
      m.dispose();
      expect(() => m.forward(torch.ones(1, 2))).toThrow(/the ScriptModule was disposed/);
    });
  });

  it('train and eval modes (BatchNorm), as Python', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('bn.pt'));
      expect(m.isTraining).toBe(true);
      const x = build(expected.bn.input);
      close(m.forward(x) as torch.Tensor, expected.bn.train);
      m.eval();
      expect(m.isTraining).toBe(false);
      close(m.forward(x) as torch.Tensor, expected.bn.eval_after_train);
      close(m.stateDict()['bn.running_mean'], expected.bn.running_mean);
      m.dispose();
    });
  });

  it('resnet18 (torchvision, scripted) gives Python\'s output', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('resnet18.pt'));
      const out = torch.noGrad(() => m.forward(build(expected.resnet18.input)) as torch.Tensor);
      close(out, expected.resnet18.output, 1e-4);
      expect(m.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(11689512);
      m.dispose();
    });
  });

  it('saves what Python loads, and loads from bytes', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('scripted.pt'));
      const file = path.join(dir, 'resaved.pt');
      m.save(file);
      const py = JSON.parse(execFileSync(findPython(), [script, 'run', file], { encoding: 'utf8' }));
      close(build(py), expected.mlp.output);
      const again = torch.jit.load(m.saveToBuffer());
      close(again.forward(build(expected.mlp.input)) as torch.Tensor, expected.mlp.output);
      const f64 = torch.jit.load(fs.readFileSync(model('scripted.pt'))).to('float64');
      expect(f64.parameters()[0].dtype).toBe('float64');
      expect((f64.forward(build(expected.mlp.input).double()) as torch.Tensor).dtype).toBe('float64');
      m.dispose();
      again.dispose();
      f64.dispose();
    });
  });

  it('freeze and optimizeForInference keep the outputs', () => {
    torch.scope(() => {
      const m = torch.jit.load(model('scripted.pt')).train();
      expect(() => torch.jit.freeze(m)).toThrow(/only implemented for modules in eval mode/);
      m.eval();
      const frozen = torch.jit.freeze(m);
      expect(frozen.namedParameters()).toEqual([]); // inlined as constants
      close(frozen.forward(build(expected.mlp.input)) as torch.Tensor, expected.mlp.output);
      const fast = torch.jit.optimizeForInference(m);
      close(fast.forward(build(expected.mlp.input)) as torch.Tensor, expected.mlp.output);
      close(m.forward(build(expected.mlp.input)) as torch.Tensor, expected.mlp.output); // the original is untouched
      for (const x of [m, frozen, fast]) x.dispose();
    });
  });

  it('compile: TorchScript source as functions', () => {
    torch.scope(() => {
      const cu = torch.jit.compile(`
def add(a: int, b: int) -> int:
    return a + b

def scale(x: Tensor, k: float = 2.0) -> Tensor:
    return x * k
`);
      expect(cu.functions().map((f) => f.name).sort()).toEqual(['add', 'scale']);
      expect(cu.call('add', 2, 40)).toBe(42);
      expect((cu.call('scale', torch.ones(2)) as torch.Tensor).toArray()).toEqual([2, 2]);
      expect(() => cu.call('add', 1.5, 2)).toThrow(/Expected a value of type 'int' for argument 'a'/);
      expect(() => cu.call('nope')).toThrow(/no function 'nope'/);
      expect(() => torch.jit.compile('def broken(:')).toThrow(torch.TorchError);
    });
  });

  it('files that are not TorchScript are clear TorchErrors naming the file', () => {
    expect(() => torch.jit.load(path.join(dir, 'missing.pt'))).toThrow(/torch.jit.load\(\): cannot open '.*missing.pt': no such file/);
    expect(() => torch.jit.load(dir)).toThrow(/is a directory/);
    const sd = path.join(__dirname, 'fixtures', 'torch_save', 'state_dict.pt');
    expect(() => torch.jit.load(sd)).toThrow(/cannot load '.*state_dict.pt': .*load it with torch.load/);
    const bytes = fs.readFileSync(model('scripted.pt'));
    const cut = path.join(dir, 'cut.pt');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    expect(() => torch.jit.load(cut)).toThrow(new RegExp(`cannot load '${cut}'.*truncated or damaged`));
    expect(() => torch.jit.load(Buffer.from('not a model'))).toThrow(/cannot load the buffer/);
    expect(() => torch.jit.load(model('unknown_op.pt'))).toThrow(/cannot load '.*unknown_op.pt': .*frobnicate_v9.*the model uses an op LibTorch \d+\.\d+\.\d+ does not have/);
    expect(() => torch.jit.load(42 as never)).toThrow(torch.TypeError);
  });
});

describe('async TorchScript', () => {
  it('loadAsync and forwardAsync give the same results off the main thread', async () => {
    const m = await torch.jit.loadAsync(model('scripted.pt'));
    const x = build(expected.mlp.input);
    const y = (await m.forwardAsync(x)) as torch.Tensor;
    close(y, expected.mlp.output);
    const [a, b] = (await Promise.all([m.forwardAsync(x), m.callMethodAsync('forward', x)])) as torch.Tensor[];
    expect(a.equal(b)).toBe(true);
    for (const t of [x, y, a, b]) t.dispose();
    m.dispose();
    await expect(torch.jit.loadAsync(path.join(dir, 'missing.pt'))).rejects.toThrow(/no such file/);
    await expect(torch.jit.loadAsync(Buffer.from('junk'))).rejects.toThrow(torch.TorchError);
  });

  it('a long forwardAsync leaves the event loop running, and survives its input being disposed', async () => {
    const m = await torch.jit.loadAsync(model('resnet18.pt'));
    m.eval();
    const x = torch.randn(4, 3, 128, 128);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = Date.now();
    const guard = torch.noGradGuard(); // the call runs in the grad mode in force when it starts
    const pending = m.forwardAsync(x);
    guard.dispose();
    x.dispose(); // the call holds its own reference
    const out = (await pending) as torch.Tensor;
    const took = Date.now() - started;
    clearInterval(timer);
    expect(out.shape).toEqual([4, 1000]);
    expect(Number.isFinite(out.sum().item() as number)).toBe(true);
    expect(ticks).toBeGreaterThan(Math.min(5, took / 20));
    await expect(m.forwardAsync('bad')).rejects.toThrow("forward() Expected a value of type 'Tensor' for argument 'x' but instead found type 'string'.");
    out.dispose();
    m.dispose();
  });
});

describe('torch.jit.trace', () => {
  // A model with submodules, a buffer of its own, tied weights and two outputs.
  class Net extends torch.nn.Module {
    conv = new torch.nn.Conv2d(3, 4, 3, { padding: 1 });
    bn = new torch.nn.BatchNorm2d(4);
    head = new torch.nn.Linear(4, 4);
    out = new torch.nn.Linear(4, 4);
    constructor() {
      super();
      this.registerBuffer('scale', torch.tensor([0.5, 2, 1, 3]));
      this.out.weight = this.head.weight; // tied
    }
    forward(x: torch.Tensor): torch.Tensor[] {
      const f = this.bn.call(this.conv.call(x)).relu().mean([2, 3]).mul(this.getBuffer('scale'));
      return [this.out.call(this.head.call(f).tanh()), f];
    }
  }

  it('records a module: the same outputs, parameter and buffer names; Python loads and runs the file', () => {
    torch.manualSeed(0);
    const net = new Net().eval();
    const x = torch.randn(2, 3, 8, 8);
    const before = torch.memory().tensors;
    const traced = torch.jit.trace(net, x);
    expect(torch.memory().tensors).toBe(before); // the trace holds the module's own tensors
    const [a, b] = traced.forward(x) as torch.Tensor[];
    const [ea, eb] = net.call(x) as torch.Tensor[];
    expect(a.equal(ea) && b.equal(eb)).toBe(true);
    expect(traced.namedParameters().map(([k]) => k)).toEqual(net.namedParameters().map(([k]) => k));
    expect(traced.namedBuffers().map(([k]) => k)).toEqual(net.namedBuffers().map(([k]) => k));
    // The input is named as forward's parameter, as Python names it from the signature.
    expect(traced.methods()[0].schema).toBe('forward(__torch__.torchnode.Net self, Tensor x) -> ((Tensor, Tensor))');

    // Files we write, PyTorch reads: Python's torch.jit.load runs it on the same input.
    const file = model('traced_by_torchnode.pt');
    const input = model('traced_input.pt');
    traced.save(file);
    torch.save([x], input);
    const py = JSON.parse(execFileSync(findPython(), [script, 'run-input', file, input], { encoding: 'utf8' }));
    close(a, py.outputs[0]);
    close(b, py.outputs[1]);
    expect(py.parameters).toEqual(net.namedParameters().map(([k]) => k));
    expect(py.buffers).toEqual(net.namedBuffers().map(([k]) => k));
    // And torchnode loads it back.
    const again = torch.jit.load(file).forward(x) as torch.Tensor[];
    expect(again[0].equal(a)).toBe(true);

    // The traced module shares the module's tensors, as Python's does.
    torch.noGrad(() => net.head.bias!.add_(1));
    expect((traced.forward(x) as torch.Tensor[])[0].equal((net.call(x) as torch.Tensor[])[0])).toBe(true);
    net.dispose();
  });

  it('traceModule records several methods into one module; Python runs each', () => {
    class Coder extends torch.nn.Module {
      enc = new torch.nn.Linear(4, 2);
      dec = new torch.nn.Linear(2, 4);
      forward(x: torch.Tensor): torch.Tensor {
        return this.decode(this.encode(x));
      }
      encode(x: torch.Tensor): torch.Tensor {
        return this.enc.call(x).tanh();
      }
      decode(z: torch.Tensor): torch.Tensor {
        return this.dec.call(z);
      }
    }
    torch.manualSeed(1);
    const coder = new Coder();
    const x = torch.randn(3, 4);
    const z = coder.encode(x);
    const traced = torch.jit.traceModule(coder, { forward: x, encode: x, decode: z });
    expect(traced.methods().map((m) => m.schema).sort()).toEqual([
      'decode(__torch__.torchnode.Coder self, Tensor z) -> Tensor',
      'encode(__torch__.torchnode.Coder self, Tensor x) -> Tensor',
      'forward(__torch__.torchnode.Coder self, Tensor x) -> Tensor',
    ]);
    expect((traced.callMethod('encode', x) as torch.Tensor).equal(z)).toBe(true);
    const file = model('coder.pt');
    const input = model('coder_input.pt');
    traced.save(file);
    torch.save([x], input);
    const py = JSON.parse(execFileSync(findPython(), [script, 'run-input', file, input, 'encode'], { encoding: 'utf8' }));
    close(z, py.outputs[0]);
    expect(() => torch.jit.traceModule(coder, { embed: x })).toThrow("torch.jit.traceModule(): Coder has no method 'embed'");
    expect(() => torch.jit.traceModule(coder, {})).toThrow('inputs must map method names to example inputs');
    coder.dispose();
  });

  it('records a function; what is not an input is fixed at the example', () => {
    const w = torch.tensor([[2, 0], [0, 3]], { dtype: 'float32' });
    const traced = torch.jit.trace((a: torch.Tensor, b: torch.Tensor) => [a.matmul(w).add(b.sum().item() as number), [a.neg(), b]], [torch.ones(1, 2), torch.ones(3)]);
    const out = traced.forward(torch.tensor([[1, 1]], { dtype: 'float32' }), torch.zeros(3)) as [torch.Tensor, torch.Tensor[]];
    // b.sum().item() was 3 when traced: a constant now, not a read of b.
    expect(out[0].toArray()).toEqual([[5, 6]]);
    expect(out[1].map((t) => t.shape)).toEqual([[1, 2], [3]]);
  });

  it('warns when the trace does not reproduce the function (dropout in training), as Python does', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    torch.jit.trace(new torch.nn.Dropout(0.5), torch.ones(100));
    expect(spy).toHaveBeenCalledWith(expect.stringMatching(/^Output nr 1\. of the traced function does not match/), 'TracerWarning');
    spy.mockClear();
    torch.jit.trace(new torch.nn.Dropout(0.5).eval(), torch.ones(100));
    torch.jit.trace(new torch.nn.Dropout(0.5), torch.ones(100), { checkTrace: false });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('bad calls are clear errors, and a failed trace leaves nothing behind', () => {
    const x = torch.ones(2, 3);
    const before = torch.memory().tensors;
    expect(() => torch.jit.trace((a: torch.Tensor) => a.matmul(torch.ones(4, 4)), x)).toThrow(/mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x4\)/);
    expect(() => torch.jit.trace(() => {
      throw new RangeError('from the traced function');
    }, x)).toThrow(RangeError);
    expect(() => torch.jit.trace(() => 3 as never, x)).toThrow(/the traced function's result must be a Tensor or an array of Tensors, got number/);
    expect(() => torch.jit.trace((a: torch.Tensor) => a, [] as torch.Tensor[])).toThrow(/exampleInputs must be a Tensor or a non-empty array of Tensors/);
    expect(() => torch.jit.trace((a: torch.Tensor) => a, [1] as never)).toThrow(torch.TypeError);
    expect(() => torch.jit.trace({} as never, x)).toThrow(/expected an nn\.Module or a function/);
    expect(torch.memory().tensors).toBe(before);
    // Tracing was abandoned each time: the next one works.
    expect((torch.jit.trace((a: torch.Tensor) => a.mul(2), x).forward(x) as torch.Tensor).toArray()).toEqual([[2, 2, 2], [2, 2, 2]]);
    const gone = new torch.nn.Linear(3, 3);
    gone.dispose();
    expect(() => torch.jit.trace(gone, x)).toThrow(/torch\.jit\.trace\(\): argument 'weight' is a tensor that was disposed/);
  });
});
