/**
 * The generated op surface itself: every overload resolves in the running LibTorch with argument
 * kinds the native path converts, coverage of the public ops, ops LibTorch lacks, and the
 * argument forms Python allows (positional, by name, varargs, out=).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../src-ts';
import { binding } from '../src-ts/binding';
import { callFunction, defineOps } from '../src-ts/argparse';
import { OPS } from '../src-ts/generated/table';

describe('generated op surface', () => {
  it('resolves every overload in the running LibTorch, with every argument convertible', () => {
    const problems: string[] = [];
    let n = 0;
    for (const g of Object.values(OPS)) {
      for (const [overload] of g.raw) {
        n++;
        try {
          const unsupported = binding.opUnsupported(binding.opId(`aten::${g.atenName}`, overload));
          if (unsupported.length) problems.push(`${g.atenName}.${overload}: ${unsupported.join(', ')}`);
        } catch (e) {
          problems.push(`${g.atenName}.${overload}: ${(e as Error).message}`);
        }
      }
    }
    expect(n).toBeGreaterThan(2000);
    // On another LibTorch than the one the surface was made from, overloads removed since are
    // expected (they give NotImplementedError when called); nothing else is.
    const from = /\(LibTorch (\d+\.\d+)/.exec(fs.readFileSync(path.join(__dirname, '..', 'src-ts', 'generated', 'table.ts'), 'utf8'))![1];
    const removed = problems.filter((p) => p.endsWith(`is not available in the running LibTorch ${torch.version.libtorch}`));
    if (torch.version.libtorch.startsWith(from + '.')) expect(problems).toEqual([]);
    else expect(problems).toEqual(removed);
  });

  it('covers at least 95% of the public ops of the running LibTorch', () => {
    const installed = new Set(
      binding
        .opNames()
        .filter((x) => x.startsWith('aten::'))
        .map((x) => x.slice(6).split('.')[0])
        .filter((x) => !x.startsWith('_')),
    );
    const generated = new Set(Object.values(OPS).map((g) => g.atenName));
    const covered = [...installed].filter((x) => generated.has(x));
    expect(covered.length / installed.size).toBeGreaterThanOrEqual(0.95);
  });

  it('an op the running LibTorch lacks throws NotImplementedError naming it and the version', () => {
    const fake = defineOps({ notAnOp: ['not_an_op', [['', 'self:T', 'T']]] });
    const x = torch.ones(1);
    expect(() => callFunction(fake.notAnOp, [x])).toThrow(torch.NotImplementedError);
    expect(() => callFunction(fake.notAnOp, [x])).toThrow(`operator aten::not_an_op is not available in the running LibTorch ${torch.version.libtorch}`);
    x.dispose();
  });

  it('takes arguments positionally, by name, as varargs, and out=', () => {
    torch.scope(() => {
      const x = torch.arange(6, { dtype: 'float32' }).reshape(2, 3);
      expect(x.sum(1, true).shape).toEqual([2, 1]);
      expect(x.sum({ dim: 1, keepdim: true }).shape).toEqual([2, 1]);
      expect(x.sum(1, { keepdim: true }).shape).toEqual([2, 1]);
      expect(x.add(x, { alpha: 2 }).toArray()).toEqual([[0, 3, 6], [9, 12, 15]]);
      expect(torch.add(x, 1, { alpha: 2 }).toArray()).toEqual([[2, 3, 4], [5, 6, 7]]);
      expect(x.view(3, 2).shape).toEqual([3, 2]);
      expect(x.permute(1, 0).shape).toEqual([3, 2]);
      expect(torch.zeros(2, 3, { dtype: 'int64' }).dtype).toBe('int64');
      expect(torch.ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
      const [values, indices] = x.max(1);
      expect(values.toArray()).toEqual([2, 5]);
      expect(indices.toArray()).toEqual([2, 2]);
      const out = torch.empty(2, 3);
      expect(torch.mul(x, 2, { out })).toBe(out);
      expect(out.toArray()).toEqual([[0, 2, 4], [6, 8, 10]]);
      const y = x.clone();
      expect(y.mul_(2)).toBe(y);
      expect(torch.blockDiag(torch.ones(1, 1), torch.ones(1, 2)).shape).toEqual([2, 3]);
      expect(torch.einsum('ij,jk->ik', x, x.t()).shape).toEqual([2, 2]);
      expect(torch.linalg.det(torch.eye(3)).item()).toBe(1);
      expect(torch.var(x).item()).toBeCloseTo(3.5);
    });
  });

  it('rejects wrong arguments with a TypeError that lists the overloads', () => {
    const x = torch.ones(2);
    expect(() => x.sum({ dim: 1, bogus: true } as never)).toThrow(/got an unexpected keyword argument 'bogus'/);
    expect(() => x.sum(1, { dim: 0 } as never)).toThrow(/got multiple values for argument 'dim'/);
    expect(() => torch.mul(x, x, { out: 3 } as never)).toThrow(/argument 'out' must be a Tensor, not int/);
    expect(() => x.clamp('a' as never)).toThrow(torch.TypeError);
    x.dispose();
  });

  it('torch.Generator gives its own reproducible stream', () => {
    torch.scope(() => {
      const g1 = new torch.Generator().manualSeed(7);
      const g2 = new torch.Generator().manualSeed(7);
      const a = torch.rand([4], { generator: g1 } as never);
      const b = torch.rand([4], { generator: g2 } as never);
      expect(a.toArray()).toEqual(b.toArray());
      expect(g1.initialSeed()).toBe(7);
      const state = g1.getState();
      const c = torch.rand([3], { generator: g1 } as never);
      g1.setState(state);
      expect(torch.rand([3], { generator: g1 } as never).toArray()).toEqual(c.toArray());
      g1.dispose();
      expect(() => torch.rand([1], { generator: g1 } as never)).toThrow(/argument 'generator' must be a torch.Generator that is not disposed/);
      expect(() => g1.manualSeed(1)).toThrow(torch.TorchError);
    });
  });
});
