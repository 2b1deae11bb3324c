/**
 * torch.jit: TorchScript models from Python (`torch.jit.script` / `torch.jit.trace`, saved with
 * `torch.jit.save`), run in Node. `load` on this thread, `loadAsync` off it; `compile` for
 * TorchScript source; `freeze` and `optimizeForInference` as in Python; `trace` records a Node
 * model as TorchScript that Python and LibTorch load (trace.ts).
 *
 * A TorchScript file is code: its methods run whatever ops it holds. Load only files you trust;
 * for weights from strangers use torch.load (which never runs code) or safetensors.
 */
import * as fs from 'fs';
import { binding, type Handle } from '../binding';
import { deviceString, type DeviceLike } from '../device';
import { TorchError, TypeError as TorchTypeError } from '../errors';
import { Tensor } from '../tensor';
import { CompilationUnit, ScriptModule } from './script_module';

export { ScriptModule, CompilationUnit } from './script_module';
export { trace, traceModule } from './trace';
export type { TraceOptions } from './trace';
export type { MethodInfo } from './script_module';

binding.jitInit(
  (h: Handle) => new Tensor(h),
  (m: unknown) => new ScriptModule(m),
  (entries: [unknown, unknown][]) => new Map(entries),
);

export interface LoadOptions {
  /** Where parameters and buffers go (`'cpu'`, `'cuda'`); by default where they were saved. */
  device?: DeviceLike;
}

function source(f: unknown): { src: string | Uint8Array; name: string } {
  if (typeof f === 'string') {
    let st: fs.Stats;
    try {
      st = fs.statSync(f);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new TorchError(`torch.jit.load(): cannot open '${f}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    if (st.isDirectory()) throw new TorchError(`torch.jit.load(): '${f}' is a directory`);
    return { src: f, name: `'${f}'` };
  }
  if (f instanceof Uint8Array) return { src: f, name: 'the buffer' };
  throw new TorchTypeError(`torch.jit.load(): expected a file path or a Uint8Array, got ${f === null ? 'null' : typeof f}`);
}

// LibTorch's reasons, with the file named and a hint where one helps.
function explain(e: unknown, name: string): never {
  if (!(e instanceof TorchError)) throw e;
  const first = e.message.split('\n').find((l) => l.trim() !== '') ?? e.message;
  let hint = '';
  if (/constants\.pkl|file not found|failed locating file/i.test(first)) {
    hint = ' (not a TorchScript archive; if it was written by torch.save, load it with torch.load)';
  } else if (/central directory|zip archive|invalid header|corrupted/i.test(first)) {
    hint = ' (not a TorchScript archive, or a truncated or damaged one)';
  } else if (/Unknown builtin op|Unknown type name|schema not found|no such operator/i.test(e.message)) {
    hint = ` (the model uses an op LibTorch ${binding.version().libtorch} does not have)`;
  }
  const err = new TorchError(`torch.jit.load(): cannot load ${name}: ${first}${hint}`);
  err.cppBacktrace = e.cppBacktrace ?? e.message;
  throw err;
}

/** Loads a TorchScript module from a file or bytes, on this thread. */
export function load(f: string | Uint8Array, options: LoadOptions = {}): ScriptModule {
  const { src, name } = source(f);
  const device = options.device === undefined ? null : deviceString(options.device);
  try {
    return new ScriptModule(binding.jitLoad(src, device));
  } catch (e) {
    explain(e, name);
  }
}

/** Loads a TorchScript module on a worker thread (file reading and deserialization off the event loop). */
export async function loadAsync(f: string | Uint8Array, options: LoadOptions = {}): Promise<ScriptModule> {
  const { src, name } = source(f);
  const device = options.device === undefined ? null : deviceString(options.device);
  try {
    return new ScriptModule(await binding.jitLoadAsync(src, device));
  } catch (e) {
    explain(e, name);
  }
}

/** Compiles TorchScript source (functions, or classes) into callable functions. */
export function compile(src: string): CompilationUnit {
  if (typeof src !== 'string') throw new TorchTypeError('torch.jit.compile(): source must be a string');
  return new CompilationUnit(binding.jitCompile(src));
}

/**
 * Python's `torch.jit.freeze`: inlines parameters and attributes as constants (the module must be
 * in eval mode). Returns a new module; `preservedAttrs` keeps attributes (or methods) reachable.
 */
export function freeze(module: ScriptModule, options: { preservedAttrs?: string[] } = {}): ScriptModule {
  if (!(module instanceof ScriptModule)) throw new TorchTypeError('torch.jit.freeze(): expected a ScriptModule');
  if (module.isTraining) throw new TorchError('torch.jit.freeze(): Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.');
  return new ScriptModule(binding.jitFreeze(module._m, options.preservedAttrs ?? null));
}

/** Python's `torch.jit.optimize_for_inference`: freezes, then applies inference-only passes. */
export function optimizeForInference(module: ScriptModule): ScriptModule {
  if (!(module instanceof ScriptModule)) throw new TorchTypeError('torch.jit.optimizeForInference(): expected a ScriptModule');
  return new ScriptModule(binding.jitOptimizeForInference(module._m));
}
