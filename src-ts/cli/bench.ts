/** `torchnode bench`: latency percentiles and throughput of a method on random inputs. */
import { SingleBar } from 'cli-progress';
import { noGradGuard } from '../autograd';
import type { ScriptModule } from '../jit';
import type { Tensor } from '../tensor';

export interface BenchOptions {
  method: string;
  iters: number;
  warmup: number;
  concurrency: number;
  progress: boolean;
}

export interface BenchResult {
  method: string;
  iters: number;
  concurrency: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; min: number; max: number };
  throughput: number;
  wallS: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Runs `iters` calls (after `warmup`), `concurrency` at a time, each on libuv's pool
 * (callMethodAsync), gradients off. Latency is per call, throughput calls per second of wall time.
 */
export async function bench(m: ScriptModule, input: Tensor, o: BenchOptions): Promise<BenchResult> {
  const call = () => {
    // The async call takes the grad mode in force when it starts: off.
    const guard = noGradGuard();
    try {
      return m.callMethodAsync(o.method, input).then((r) => dispose(r));
    } finally {
      guard.dispose();
    }
  };
  for (let i = 0; i < o.warmup; i++) await call();
  const bar = o.progress ? new SingleBar({ format: 'bench [{bar}] {value}/{total} calls | {rate} calls/s', stream: process.stderr, hideCursor: true }) : null;
  bar?.start(o.iters, 0, { rate: '-' });
  const latencies: number[] = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < o.iters) {
      next++;
      const s = process.hrtime.bigint();
      await call();
      latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      bar?.update(latencies.length, { rate: (latencies.length / wall).toFixed(1) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  bar?.stop();
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return {
    method: o.method,
    iters: o.iters,
    concurrency: o.concurrency,
    latencyMs: { mean, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), min: sorted[0], max: sorted[sorted.length - 1] },
    throughput: latencies.length / wallS,
    wallS,
  };
}

// Results are not kept: free their tensors now rather than leave them to the GC.
function dispose(v: unknown): void {
  if (v !== null && typeof v === 'object') {
    if (typeof (v as { dispose?: unknown }).dispose === 'function' && '_h' in (v as object)) (v as Tensor).dispose();
    else for (const x of v instanceof Map ? v.values() : Object.values(v)) dispose(x);
  }
}

export function formatBench(r: BenchResult): string {
  const l = r.latencyMs;
  return [
    `${r.method}: ${r.iters} calls, concurrency ${r.concurrency}, ${r.wallS.toFixed(2)} s`,
    `latency ms: p50 ${l.p50.toFixed(2)}  p90 ${l.p90.toFixed(2)}  p99 ${l.p99.toFixed(2)}  mean ${l.mean.toFixed(2)}  min ${l.min.toFixed(2)}  max ${l.max.toFixed(2)}`,
    `throughput: ${r.throughput.toFixed(1)} calls/s`,
  ].join('\n');
}
