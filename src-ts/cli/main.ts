#!/usr/bin/env node
/**
 * The `torchnode` command: info, inspect, run and bench for TorchScript models.
 * Exit codes: 0 done, 1 the work failed (a bad model, a failing call), 2 the command line was
 * wrong. Errors go to stderr as one line; `--verbose` adds the stack (and LibTorch's backtrace).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from './errors';
import { blasNotes } from './info';

type Torch = typeof import('../index');
// Loaded when a command runs, so `--help` works even where LibTorch is missing.
const loadTorch = (): Torch => require('../index') as Torch; // eslint-disable-line @typescript-eslint/no-require-imports

const int = (name: string, min: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
  return n;
};
const shape = (v: string): number[] => {
  const dims = v.split(',').map((x) => Number(x.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 0)) throw new InvalidArgumentError('expected comma-separated sizes, e.g. 1,3,224,224');
  return dims;
};
const collect = (v: string, prev: string[]): string[] => [...prev, v];

let verbose = false;

async function guarded(fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error & { cppBacktrace?: string };
    const usage = e instanceof UsageError;
    process.stderr.write(`torchnode: ${verbose ? err.stack ?? err.message : String(err.message).split('\n')[0]}\n`);
    if (verbose && err.cppBacktrace) process.stderr.write(`${err.cppBacktrace}\n`);
    if (usage) process.stderr.write("run 'torchnode --help' for usage\n");
    process.exitCode = usage ? 2 : 1;
  }
}

function loadModel(torch: Torch, file: string, device?: string, optimize = false) {
  const fs = require('fs') as typeof import('fs'); // eslint-disable-line @typescript-eslint/no-require-imports
  if (!fs.existsSync(file)) throw new UsageError(`model file not found: ${file}`);
  const m = torch.jit.load(file, device === undefined ? {} : { device });
  m.eval();
  if (!optimize) return m;
  // torch.jit.freeze + optimize_for_inference, as in Python: constants folded, inference-only passes.
  const fast = torch.jit.optimizeForInference(m);
  m.dispose();
  return fast;
}

const program = new Command();
program
  .name('torchnode')
  .description('Run and inspect TorchScript models with LibTorch from Node.js')
  .option('-v, --verbose', 'print stack traces and LibTorch backtraces with errors')
  .option('-t, --threads <n>', 'LibTorch intra-op threads', int('--threads', 1))
  .hook('preAction', (cmd) => {
    const o = cmd.opts() as { verbose?: boolean; threads?: number };
    verbose = o.verbose === true;
    if (o.threads !== undefined) loadTorch().setNumThreads(o.threads);
  })
  .showHelpAfterError('(run with --help for usage)')
  // Before the commands are added, so they inherit it: usage errors reach the handler below.
  .exitOverride();

program
  .command('info')
  .description('torchnode, LibTorch, CUDA, BLAS and thread settings')
  .option('--json', 'print JSON')
  .action((o: { json?: boolean }) =>
    guarded(() => {
      const torch = loadTorch();
      const c = torch.config();
      const notes = blasNotes(c);
      const info = {
        torchnode: torch.version.torchnode,
        libtorch: torch.version.libtorch,
        cuda: {
          version: torch.version.cuda,
          built: c.cuda.built,
          available: c.cuda.available,
          devices: c.cuda.available ? Array.from({ length: c.cuda.deviceCount }, (_, i) => torch.cuda.getDeviceName(i)) : [],
        },
        blas: { ...c.blas, notes },
        threads: { intraOp: c.numThreads, interOp: c.numInteropThreads },
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      };
      if (o.json) {
        process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        [
          `torchnode ${info.torchnode}`,
          `LibTorch  ${info.libtorch}`,
          `CUDA      ${info.cuda.built ? `${info.cuda.version} (${info.cuda.available ? info.cuda.devices.join(', ') : 'no device found'})` : 'none (a CPU-only build)'}`,
          `BLAS      ${c.blas.name}`,
          ...notes.map((n) => `          note: ${n}`),
          `threads   ${info.threads.intraOp} intra-op, ${info.threads.interOp} inter-op`,
          `Node      ${info.node} (${info.platform})`,
        ].join('\n') + '\n',
      );
    }),
  );

program
  .command('inspect')
  .description('methods with signatures, parameter count and bytes by dtype, submodule tree')
  .argument('<model>', 'a TorchScript file (torch.jit.save)')
  .option('--json', 'print JSON')
  .action((file: string, o: { json?: boolean }) =>
    guarded(async () => {
      const torch = loadTorch();
      const { inspect, formatInspection } = await import('./inspect');
      const x = inspect(file, loadModel(torch, file));
      process.stdout.write((o.json ? JSON.stringify(x, null, 2) : formatInspection(x)) + '\n');
    }),
  );

program
  .command('run')
  .description('run a method on inputs from files; print the result as JSON or write it to a file')
  .argument('<model>', 'a TorchScript file')
  .option('-i, --input <file>', 'an input: .npy, .safetensors (all tensors by key; file.safetensors:key for one) or .json (repeat for more)', collect, [])
  .option('-m, --method <name>', 'the method to call', 'forward')
  .option('-d, --device <device>', "where the model and inputs go ('cpu', 'cuda', 'cuda:1')")
  .option('-o, --output <file>', 'write the result to .npy, .safetensors or .json (default: JSON on stdout)')
  .option('--optimize', 'freeze the model and apply optimize_for_inference first')
  .action((file: string, o: { input: string[]; method: string; device?: string; output?: string; optimize?: boolean }) =>
    guarded(async () => {
      const torch = loadTorch();
      const io = await import('./io');
      const m = loadModel(torch, file, o.device, o.optimize === true);
      if (!m.hasMethod(o.method)) throw new UsageError(`${file} has no method '${o.method}' (it has: ${m.methods().map((x) => x.name).join(', ')})`);
      let args = o.input.flatMap((spec) => io.readInput(spec));
      if (o.device !== undefined) args = args.map((a) => (a instanceof torch.Tensor ? a.to(o.device!) : a));
      // Gradients off for the call (the async call takes the grad mode in force when it starts).
      const guard = torch.noGradGuard();
      let pending: Promise<unknown>;
      try {
        pending = m.callMethodAsync(o.method, ...args);
      } finally {
        guard.dispose();
      }
      const result = await pending;
      const cpu = (v: unknown): unknown =>
        v instanceof torch.Tensor ? v.cpu() : Array.isArray(v) ? v.map(cpu) : v;
      if (o.output !== undefined) io.writeOutput(cpu(result), o.output);
      else process.stdout.write(JSON.stringify(io.toJson(cpu(result))) + '\n');
    }),
  );

program
  .command('bench')
  .description('latency (p50/p90/p99) and throughput of a method on random inputs')
  .argument('<model>', 'a TorchScript file')
  .requiredOption('-s, --shape <dims>', 'input shape, e.g. 1,3,224,224', shape)
  .addOption(new Option('--dtype <dtype>', 'input dtype').default('float32').choices(['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'uint8']))
  .option('-d, --device <device>', 'where the model and input go')
  .option('-m, --method <name>', 'the method to call', 'forward')
  .option('-n, --iters <n>', 'timed calls', int('--iters', 1), 100)
  .option('-w, --warmup <n>', 'untimed calls first', int('--warmup', 0), 10)
  .option('-c, --concurrency <n>', 'calls in flight at once (each on a worker thread)', int('--concurrency', 1), 1)
  .option('--optimize', 'freeze the model and apply optimize_for_inference first')
  .option('--no-progress', 'no progress bar')
  .option('--json', 'print JSON')
  .action((file: string, o: { shape: number[]; dtype: string; device?: string; method: string; iters: number; warmup: number; concurrency: number; progress: boolean; json?: boolean; optimize?: boolean }) =>
    guarded(async () => {
      const torch = loadTorch();
      const { bench, formatBench } = await import('./bench');
      const m = loadModel(torch, file, o.device, o.optimize === true);
      if (!m.hasMethod(o.method)) throw new UsageError(`${file} has no method '${o.method}'`);
      const floating = o.dtype.startsWith('float') || o.dtype === 'bfloat16';
      let x = floating ? torch.randn(o.shape, { dtype: o.dtype as never }) : torch.randint(0, 10, o.shape, { dtype: o.dtype as never });
      if (o.device !== undefined) x = x.to(o.device);
      const r = await bench(m, x, { method: o.method, iters: o.iters, warmup: o.warmup, concurrency: o.concurrency, progress: o.progress && !o.json && process.stderr.isTTY === true });
      const out = { model: file, shape: o.shape, dtype: o.dtype, device: o.device ?? 'cpu', optimized: o.optimize === true, threads: torch.getNumThreads(), ...r };
      process.stdout.write((o.json ? JSON.stringify(out, null, 2) : formatBench(r)) + '\n');
    }),
  );

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // Help and version are not errors; anything else commander rejects is a usage error.
    process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    return;
  }
  process.stderr.write(`torchnode: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
