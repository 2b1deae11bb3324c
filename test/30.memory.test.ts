import { spawnSync } from 'child_process';
import * as path from 'path';
import * as torch from '../src-ts';

const live = (): number => torch.memory().tensors;

describe('memory', () => {
  it('dispose() frees now and is safe twice', () => {
    const before = live();
    const t = torch.ones(1000);
    expect(live()).toBe(before + 1);
    expect(torch.memory().bytes).toBeGreaterThanOrEqual(4000);
    t.dispose();
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(live()).toBe(before);
  });
  it('tensors the GC owns count in gcBytes (reported to V8 as external memory) until freed', () => {
    const gc = (): number => torch.memory().gcBytes;
    const before = gc();
    const t = torch.empty([2048, 1024]); // 8 MiB, outside any scope: GC-owned
    expect(gc() - before).toBe(8 * 1024 * 1024);
    t.dispose();
    expect(gc()).toBe(before);
    // A meta tensor has a size but no memory: it counts nowhere.
    const bytes = torch.memory().bytes;
    const m = torch.empty([2048, 1024], { device: 'meta' });
    expect(gc()).toBe(before);
    expect(torch.memory().bytes).toBe(bytes);
    m.dispose();
    // A scoped tensor is not the GC's (the scope frees it) until it leaves the scope.
    const kept = torch.scope(() => {
      const s = torch.empty([1024]);
      expect(gc()).toBe(before);
      return s;
    });
    expect(gc() - before).toBe(4096);
    kept.dispose();
    expect(gc()).toBe(before);
  });
  it('using frees at block end', () => {
    const before = live();
    {
      using t = torch.ones(3);
      expect(t.sum().item()).toBe(3);
    }
    // the sum() result is GC-owned (outside a scope); the `using` tensor is gone
    expect(live()).toBeLessThanOrEqual(before + 1);
  });
  it('scope frees everything but what it returns', () => {
    const before = live();
    const [a, b] = torch.scope(() => {
      const x = torch.ones(4);
      const y = x.mul(2).add(1);
      return [y, y.sum()];
    });
    expect(live()).toBe(before + 2);
    expect(a.toArray()).toEqual([3, 3, 3, 3]);
    expect(b.item()).toBe(12);
    a.dispose();
    b.dispose();
    expect(live()).toBe(before);
  });
  it('returns tensors inside objects and Maps, and keep() escapes', () => {
    const before = live();
    const r = torch.scope(() => {
      const kept = torch.keep(torch.zeros(1));
      const m = new Map([['m', torch.ones(1)]]);
      torch.ones(5); // freed
      return { out: torch.ones(2), m, kept };
    });
    expect(live()).toBe(before + 3);
    for (const t of [r.out, r.m.get('m')!, r.kept]) t.dispose();
    expect(live()).toBe(before);
  });
  it('nested scopes hand escaping tensors to the parent', () => {
    const before = live();
    torch.scope(() => {
      const inner = torch.scope(() => torch.ones(2).add(1));
      expect(inner.isDisposed).toBe(false);
      expect(live()).toBe(before + 1);
    });
    expect(live()).toBe(before);
  });
  it('frees on throw', () => {
    const before = live();
    expect(() =>
      torch.scope(() => {
        torch.ones(3);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(live()).toBe(before);
  });
  it('async scopes follow their function across awaits and do not mix', async () => {
    // Checked on the tensors themselves: a global count would also see GC-owned tensors from
    // earlier tests that finalizers free during the awaits.
    const made: torch.Tensor[][] = [[], []];
    const run = (k: number, n: number) =>
      torch.scope(async () => {
        const x = torch.ones(n);
        made[k].push(x);
        await new Promise((r) => setTimeout(r, 5));
        const y = x.add(1);
        made[k].push(y);
        await new Promise((r) => setTimeout(r, 5));
        return y.sum();
      });
    const [a, b] = await Promise.all([run(0, 2), run(1, 3)]);
    expect(a.item()).toBe(4);
    expect(b.item()).toBe(6);
    expect(made.flat().every((t) => t.isDisposed)).toBe(true);
    expect(a.isDisposed || b.isDisposed).toBe(false);
    a.dispose();
    b.dispose();
  });
  it('100k ops inside scopes leave the tensor count where it started', () => {
    const x = torch.ones(4);
    const before = live();
    for (let i = 0; i < 1000; i++) {
      torch.scope(() => {
        let y = x;
        for (let j = 0; j < 100; j++) y = y.add(1);
        return undefined;
      });
    }
    expect(live()).toBe(before);
    x.dispose();
  });
  it('the GC backstop frees tensors nobody disposed', () => {
    // A child process with --expose-gc, running the compiled build (dist/).
    const script = `
      const torch = require(${JSON.stringify(path.join(__dirname, '..', 'dist'))});
      (async () => {
        const before = torch.memory().tensors;
        for (let i = 0; i < 200; i++) torch.ones(10000).add(1);
        const made = torch.memory().tensors;
        for (let i = 0; i < 10; i++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
        console.log(JSON.stringify({ before, made, after: torch.memory().tensors }));
      })();`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { before, made, after } = JSON.parse(r.stdout);
    expect(made - before).toBeGreaterThan(100);
    expect(after - before).toBeLessThan(10);
  });
});
