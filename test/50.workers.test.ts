import { execFileSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';

// Loads the addon in 4 worker threads at once and computes in each (per-environment state).
describe('worker_threads', () => {
  it('runs in 4 workers at once', async () => {
    const dist = path.join(__dirname, '..', 'dist');
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const torch = require(${JSON.stringify(dist)});
      let sum = 0;
      for (let i = 0; i < 200; i++) {
        sum += torch.scope(() => torch.full([100], workerData, { dtype: 'float32' }).matmul(torch.ones(100)).item());
      }
      parentPort.postMessage({ sum, live: torch.memory().tensors, text: torch.tensor([workerData]).toString() });`;
    const results = await Promise.all(
      [1, 2, 3, 4].map(
        (n) =>
          new Promise<{ sum: number; live: number; text: string }>((resolve, reject) => {
            const w = new Worker(code, { eval: true, workerData: n });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    results.forEach((r, i) => {
      expect(r.sum).toBe(200 * 100 * (i + 1));
      expect(r.live).toBe(0);
      expect(r.text).toBe(`tensor([${i + 1}])`);
    });
  });
  it('terminating a worker mid-loop does not crash the process', async () => {
    const dist = path.join(__dirname, '..', 'dist');
    const w = new Worker(`const torch = require(${JSON.stringify(dist)}); require('worker_threads').parentPort.postMessage('up'); for (;;) torch.ones(1000).add(1);`, { eval: true });
    await new Promise((r) => w.once('message', r));
    await w.terminate();
    const torch = await import('../src-ts');
    expect(torch.ones(2).sum().item()).toBe(2);
  });
  it('terminating workers at random points inside native calls never aborts the process', () => {
    // In a child process, so that an abort fails this test instead of killing the test runner.
    // Each worker is stopped while it loops over ops that create tensors, throw LibTorch errors,
    // make zero-copy views and index; a call cut short must end quietly.
    const dist = path.join(__dirname, '..', 'dist');
    const bodies = [
      'for (;;) torch.ones(1000).add(1);',
      "for (;;) { try { torch.ones(2).add('x'); } catch (e) {} }",
      'for (;;) torch.scope(() => torch.randn(50, 50).matmul(torch.randn(50, 50)).sum().item());',
      "for (;;) { const t = torch.arange(10); t.toTypedArray({ view: true }); t.index('1:'); t.dispose(); }",
      'for (;;) { try { torch.zeros(-1); } catch (e) {} }',
    ];
    const script = `
      const { Worker } = require('worker_threads');
      const bodies = ${JSON.stringify(bodies)};
      (async () => {
        for (let i = 0; i < 25; i++) {
          const w = new Worker('const torch = require(${JSON.stringify(dist)}); require("worker_threads").parentPort.postMessage("up"); ' + bodies[i % bodies.length], { eval: true });
          w.on('error', (e) => { console.error('worker error: ' + e.message); process.exitCode = 1; });
          await new Promise((r) => w.once('message', r));
          await new Promise((r) => setTimeout(r, (i * 7) % 20));
          await w.terminate();
        }
        console.log('survived');
      })();`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
    expect(out.trim()).toBe('survived');
  }, 130000);
});
