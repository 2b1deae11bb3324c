// safetensors: what Python writes we read, what we write Python reads; bad files are clear errors.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../src-ts';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPython } = require('../scripts/python') as { findPython(): string };

const fixtures = path.join(__dirname, 'fixtures');

describe('safetensors', () => {
  it('reads a file Python wrote: a Linear state dict that loads into nn.Linear', () => {
    torch.scope(() => {
      const sd = torch.safetensors.loadFile(path.join(fixtures, 'python.safetensors'));
      expect(Object.keys(sd).sort()).toEqual(['bf16', 'bias', 'count', 'half', 'mask', 'weight']);
      expect(sd.half.dtype).toBe('float16');
      expect(sd.half.toArray()).toEqual([1.5, -2.25]);
      expect(sd.bf16.toArray()).toEqual([0.5, 3]);
      expect(sd.mask.toArray()).toEqual([true, false, true]);
      expect(sd.count.item()).toBe(7);
      expect(sd.count.shape).toEqual([]);
      torch.manualSeed(0);
      const lin = new torch.nn.Linear(3, 2);
      const fresh = new torch.nn.Linear(3, 2);
      fresh.loadStateDict({ weight: sd.weight, bias: sd.bias });
      expect(fresh.weight.equal(lin.weight)).toBe(true); // Python's seed-0 Linear is ours
      expect(torch.safetensors.metadata(fs.readFileSync(path.join(fixtures, 'python.safetensors')))).toEqual({ format: 'pt' });
      lin.dispose();
      fresh.dispose();
    });
  });

  it('writes files Python reads, with every dtype', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-st-'));
    const file = path.join(dir, 'out.safetensors');
    torch.scope(() => {
      const sd: Record<string, torch.Tensor> = {
        f32: torch.tensor([[1.5, -2], [3, 4]], { dtype: 'float32' }),
        f64: torch.tensor([0.1], { dtype: 'float64' }),
        f16: torch.tensor([0.5, 65504], { dtype: 'float16' }),
        bf16: torch.tensor([1, -3.5], { dtype: 'bfloat16' }),
        i64: torch.tensor([-(2 ** 40), 5]),
        i32: torch.tensor([7], { dtype: 'int32' }),
        u8: torch.tensor([255, 0], { dtype: 'uint8' }),
        b: torch.tensor([false, true]),
        empty: torch.zeros(0, 3),
        strided: torch.arange(6, { dtype: 'float32' }).reshape(2, 3).t(),
      };
      torch.safetensors.saveFile(sd, file, { source: 'torchnode' });
      const py = JSON.parse(execFileSync(findPython(), [path.join(fixtures, 'make_safetensors.py'), 'read', file], { encoding: 'utf8' }));
      expect(py.metadata).toEqual({ source: 'torchnode' });
      for (const [k, t] of Object.entries(sd)) {
        expect([k, py.tensors[k].dtype, py.tensors[k].shape]).toEqual([k, t.dtype, t.shape]);
        expect(py.tensors[k].values).toEqual((t.to('float32').reshape(-1).toArray() as number[]).map(Number));
      }
      const back = torch.safetensors.loadFile(file);
      for (const [k, t] of Object.entries(sd)) expect(back[k].equal(t)).toBe(true);
    });
    fs.rmSync(dir, { recursive: true });
  });

  it('missing, truncated and corrupt files are clear TorchErrors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-st-'));
    expect(() => torch.safetensors.loadFile(path.join(dir, 'nope.safetensors'))).toThrow(/safetensors: cannot read .*nope.safetensors: ENOENT/);
    const good = fs.readFileSync(path.join(fixtures, 'python.safetensors'));
    const cut = path.join(dir, 'cut.safetensors');
    fs.writeFileSync(cut, good.subarray(0, good.length - 10));
    expect(() => torch.safetensors.loadFile(cut)).toThrow(/cut.safetensors: tensor '.*' has data offsets .* \(truncated\?\)/);
    const junk = path.join(dir, 'junk.safetensors');
    fs.writeFileSync(junk, Buffer.from('this is not a safetensors file at all'));
    expect(() => torch.safetensors.loadFile(junk)).toThrow(/junk.safetensors: header size .* exceeds the file/);
    const badJson = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{bad')]);
    expect(() => torch.safetensors.load(badJson)).toThrow(/the header is not valid JSON/);
    expect(() => torch.safetensors.save({ x: 3 as never })).toThrow(/'x' is not a Tensor/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('lr_scheduler', () => {
  it('StepLR follows PyTorch: base * gamma^floor(epoch / stepSize)', () => {
    const lin = new torch.nn.Linear(1, 1);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 1 });
    const s = new torch.optim.lrScheduler.StepLR(opt, 2, { gamma: 0.5 });
    const lrs = [s.getLastLr()[0]];
    for (let i = 0; i < 5; i++) {
      s.step();
      lrs.push(opt.paramGroups[0].lr as number);
    }
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    expect(() => new torch.optim.lrScheduler.StepLR(opt, 0)).toThrow(/step_size must be a positive integer/);
    lin.dispose();
  });
});

describe('npy', () => {
  const dir = path.join(fixtures, 'npy');
  it('reads what NumPy writes: dtypes, Fortran order, big-endian, 0-d, empty', () => {
    torch.scope(() => {
      const f32 = torch.npy.loadFile(path.join(dir, 'f32_c.npy'));
      expect([f32.dtype, f32.shape]).toEqual(['float32', [3, 4]]);
      expect(f32.equal(torch.arange(12, { dtype: 'float32' }).reshape(3, 4).div(4))).toBe(true);
      const f64 = torch.npy.loadFile(path.join(dir, 'f64_fortran.npy'));
      expect(f64.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
      expect(f64.dtype).toBe('float64');
      expect(torch.npy.loadFile(path.join(dir, 'i32_big_endian.npy')).toArray()).toEqual([[-3, -2, -1], [0, 1, 2]]);
      expect(torch.npy.loadFile(path.join(dir, 'bool.npy')).toArray()).toEqual([true, false, true]);
      expect(torch.npy.loadFile(path.join(dir, 'f16.npy')).toArray()).toEqual([0.5, -1.25, 65504]);
      expect(torch.npy.loadFile(path.join(dir, 'c64.npy')).toArray()).toEqual([{ real: 1, imag: 2 }, { real: -0, imag: -0.5 }]); // Python's -0.5j is -(0.5j)
      const s = torch.npy.loadFile(path.join(dir, 'i64_scalar.npy'));
      expect([s.shape, s.item(), s.dtype]).toEqual([[], 7, 'int64']);
      expect(torch.npy.loadFile(path.join(dir, 'u8_empty.npy')).shape).toEqual([0, 3]);
    });
  });

  it('writes what NumPy reads', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-npy-'));
    torch.scope(() => {
      const cases: [string, torch.Tensor, string][] = [
        ['f32', torch.arange(6, { dtype: 'float32' }).reshape(2, 3).t(), 'float32'],
        ['i64', torch.tensor([-(2 ** 40), 3]), 'int64'],
        ['f16', torch.tensor([1.5, -2], { dtype: 'float16' }), 'float16'],
        ['b', torch.tensor([true, false]), 'bool'],
        ['c', torch.complex(torch.tensor([1, 2], { dtype: 'float32' }), torch.tensor([3, 4], { dtype: 'float32' })), 'complex64'],
        ['scalar', torch.tensor(2.5, { dtype: 'float64' }), 'float64'],
      ];
      const files = cases.map(([name, t]) => {
        const file = path.join(tmp, `${name}.npy`);
        torch.npy.saveFile(t, file);
        return file;
      });
      const read = JSON.parse(execFileSync(findPython(), [path.join(fixtures, 'make_npy.py'), 'read', ...files], { encoding: 'utf8' }));
      cases.forEach(([name, t, npDtype], i) => {
        const file = files[i];
        const py = read[i];
        expect([name, py.dtype, py.shape]).toEqual([name, npDtype, t.shape]);
        const flat = t.dtype.startsWith('complex') ? torch.viewAsReal(t).reshape(-1) : t.to('float64').reshape(-1);
        expect(py.values).toEqual((flat.toArray() as number[]).map(Number));
        expect(torch.npy.loadFile(file).equal(t)).toBe(true);
      });
    });
    fs.rmSync(tmp, { recursive: true });
  });

  it.each(['savez', 'savez_compressed'])('.npz: reads what numpy.%s writes, writes what NumPy reads', (how) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchnode-npz-'));
    const file = path.join(tmp, 'np.npz');
    execFileSync(findPython(), [path.join(fixtures, 'make_npy.py'), how, file]);
    torch.scope(() => {
      const z = torch.npy.loadzFile(file);
      expect(Object.keys(z)).toEqual(['w', 'idx', 'mask', 'big']);
      expect(z.w.dtype).toBe('float32');
      expect(z.w.toArray()).toEqual([[0, 0.5, 1], [1.5, 2, 2.5]]);
      expect(z.idx.toArray()).toEqual([3, -1]);
      expect(z.mask.toArray()).toEqual([true, false]);
      expect(z.big.dtype).toBe('float64');
      expect(z.big.toArray()).toEqual([0, 1, 2]);
      const ours = path.join(tmp, 'ours.npz');
      torch.npy.savezFile(ours, z, { compressed: how === 'savez_compressed' });
      const read = JSON.parse(execFileSync(findPython(), [path.join(fixtures, 'make_npy.py'), 'readz', ours], { encoding: 'utf8' }));
      expect(read).toEqual({
        w: { dtype: 'float32', shape: [2, 3], values: [0, 0.5, 1, 1.5, 2, 2.5] },
        idx: { dtype: 'int64', shape: [2], values: [3, -1] },
        mask: { dtype: 'bool', shape: [2], values: [1, 0] },
        big: { dtype: 'float64', shape: [3], values: [0, 1, 2] },
      });
      const back = torch.npy.loadz(torch.npy.savezCompressed(z));
      for (const k of Object.keys(z)) expect(back[k].equal(z[k])).toBe(true);
    });
    fs.rmSync(tmp, { recursive: true });
  });

  it('bad files are clear TorchErrors', () => {
    expect(() => torch.npy.loadz(Buffer.from('not a zip'), 'x.npz')).toThrow(/x.npz: not a readable .npz \(zip\) archive/);
    expect(() => torch.npy.loadzFile('/nonexistent.npz')).toThrow(/npz: cannot read \/nonexistent.npz/);
    expect(() => torch.npy.savez({ a: 1 } as unknown as Record<string, torch.Tensor>)).toThrow(/'a' is not a Tensor/);
    expect(() => torch.npy.load(Buffer.from('not numpy at all'))).toThrow(/not a .npy file \(bad magic\)/);
    const good = fs.readFileSync(path.join(dir, 'f32_c.npy'));
    expect(() => torch.npy.load(good.subarray(0, good.length - 4), 'cut.npy')).toThrow(/cut.npy: truncated \(expected 48 bytes of data, found 44\)/);
    expect(() => torch.npy.loadFile('/nonexistent.npy')).toThrow(/npy: cannot read \/nonexistent.npy/);
    expect(() => torch.npy.save(torch.ones(1, { dtype: 'bfloat16' }))).toThrow(/bfloat16 has no NumPy dtype/);
  });
});
