/**
 * ScriptModule: a TorchScript module loaded with torch.jit.load (or a submodule of one). Calls
 * take and return JS values converted by each method's schema: Tensor, number (int or float as
 * the schema says; int results beyond 2^53 come back as bigint), boolean, string, null (None),
 * arrays (List, Tuple), objects or Maps (Dict: string keys give objects, int keys Maps),
 * Optional, and nested combinations. A submodule comes back as a ScriptModule.
 *
 * A TorchScript file is a program: loading one runs no code, but calling its methods runs
 * whatever ops it holds. Take weights from strangers with torch.load or safetensors instead.
 */
import { binding } from '../binding';
import { deviceString, type DeviceLike } from '../device';
import { dtypeCode, parseDType, type DTypeLike } from '../dtype';
import { TypeError as TorchTypeError } from '../errors';
import type { Tensor } from '../tensor';

export interface MethodInfo {
  name: string;
  /** The TorchScript schema, e.g. `forward(__torch__.Net self, Tensor x) -> Tensor`. */
  schema: string;
}

export class ScriptModule {
  /** @internal */ readonly _m: unknown;
  /** @internal */ constructor(native: unknown) {
    this._m = native;
  }

  /** Runs `forward` on this thread. */
  forward(...args: unknown[]): unknown {
    return binding.jitCall(this._m, 'forward', args);
  }
  /** Python's `m(x)`: forward. */
  call(...args: unknown[]): unknown {
    return this.forward(...args);
  }
  /**
   * Runs `forward` on a worker thread (libuv's pool), leaving the event loop free. The inputs
   * stay alive until it finishes, even if the caller disposes them meanwhile. It runs in the
   * grad mode in force when it is called (`using _ = torch.noGradGuard()` for inference).
   */
  forwardAsync(...args: unknown[]): Promise<unknown> {
    return this.callMethodAsync('forward', ...args);
  }
  /** Runs any method by name (`m.callMethod('encode', x)`). */
  callMethod(name: string, ...args: unknown[]): unknown {
    if (typeof name !== 'string') throw new TorchTypeError('callMethod(): the method name must be a string');
    return binding.jitCall(this._m, name, args);
  }
  callMethodAsync(name: string, ...args: unknown[]): Promise<unknown> {
    return this.runAsync(name, args);
  }
  /**
   * `callMethodAsync` with options. `signal` (an AbortSignal) rejects the promise with the
   * signal's reason when it fires: a call still queued is dropped, a running one finishes on its
   * thread and its result is discarded.
   */
  runAsync(name: string, args: unknown[], options: { signal?: AbortSignal } = {}): Promise<unknown> {
    return callAsync(this._m, name, args, options.signal);
  }
  /** The module's methods with their schemas. */
  methods(): MethodInfo[] {
    return binding.jitMethods(this._m).map(([name, schema]) => ({ name, schema }));
  }
  hasMethod(name: string): boolean {
    return this.methods().some((m) => m.name === name);
  }

  namedParameters(options: { recurse?: boolean } = {}): [string, Tensor][] {
    return binding.jitNamed(this._m, 'parameters', options.recurse ?? true) as [string, Tensor][];
  }
  parameters(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedParameters(options).map(([, t]) => t);
  }
  namedBuffers(options: { recurse?: boolean } = {}): [string, Tensor][] {
    return binding.jitNamed(this._m, 'buffers', options.recurse ?? true) as [string, Tensor][];
  }
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, t]) => t);
  }
  namedChildren(): [string, ScriptModule][] {
    return binding.jitNamed(this._m, 'children', false) as [string, ScriptModule][];
  }
  children(): ScriptModule[] {
    return this.namedChildren().map(([, m]) => m);
  }
  /** Parameters and buffers under Python's state-dict keys (`fc.weight`, `bn.running_mean`). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [k, t] of [...this.namedParameters(), ...this.namedBuffers()]) out[k] = t;
    return out;
  }

  /** An attribute's value (parameters, buffers, submodules, plain attributes). */
  attr(name: string): unknown {
    return binding.jitAttr(this._m, name);
  }
  /** Sets an attribute; the value must fit the attribute's TorchScript type. */
  setAttr(name: string, value: unknown): void {
    binding.jitSetAttr(this._m, name, value);
  }
  /** The TorchScript class name, without `__torch__.` (`torchvision.models.resnet.ResNet`). */
  get typeName(): string {
    return binding.jitTypeName(this._m).replace(/^__torch__\./, '').replace(/___torch_mangle_\d+\./g, '');
  }

  /** Names of the module's attributes (parameters, buffers, submodules and others). */
  attributeNames(): string[] {
    return binding.jitAttrNames(this._m);
  }

  get isTraining(): boolean {
    return binding.jitTrain(this._m);
  }
  train(mode = true): this {
    binding.jitTrain(this._m, mode);
    return this;
  }
  eval(): this {
    return this.train(false);
  }
  /** Moves or casts parameters and buffers in place (`m.to('cuda')`, `m.to('float64')`). */
  to(target: DeviceLike | DTypeLike | { device?: DeviceLike; dtype?: DTypeLike }): this {
    let device: string | null = null;
    let dtype: number | null = null;
    if (typeof target === 'object' && target !== null && !('type' in target)) {
      const t = target as { device?: DeviceLike; dtype?: DTypeLike };
      if (t.device !== undefined) device = deviceString(t.device);
      if (t.dtype !== undefined) dtype = dtypeCode(t.dtype, 'to');
    } else if (typeof target === 'string' && parseDType(target) !== undefined) {
      dtype = dtypeCode(target, 'to');
    } else {
      device = deviceString(target as DeviceLike);
    }
    binding.jitTo(this._m, device, dtype);
    return this;
  }

  /** Writes the module to a file Python's `torch.jit.load` reads. */
  save(path: string): void {
    if (typeof path !== 'string') throw new TorchTypeError('save(): path must be a string');
    binding.jitSave(this._m, path);
  }
  saveToBuffer(): Buffer {
    return binding.jitSave(this._m, null)!;
  }

  /** Releases the module now (the GC would later); calls after this throw. */
  dispose(): void {
    binding.jitDispose(this._m);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  toString(): string {
    return `ScriptModule(${this.methods().map((m) => m.name).join(', ')})`;
  }
}

/** The functions of `torch.jit.compile(source)`, callable by name. */
export class CompilationUnit {
  /** @internal */ readonly _u: unknown[];
  /** @internal */ constructor(native: unknown) {
    this._u = [native];
  }
  /** Calls a compiled function by name with schema-converted arguments. */
  call(name: string, ...args: unknown[]): unknown {
    return binding.jitCall(this._u, name, args);
  }
  callAsync(name: string, ...args: unknown[]): Promise<unknown> {
    return callAsync(this._u, name, args, undefined);
  }
  functions(): MethodInfo[] {
    return binding.jitMethods(this._u).map(([name, schema]) => ({ name, schema }));
  }
}

function callAsync(target: unknown, name: string, args: unknown[], signal: AbortSignal | undefined): Promise<unknown> {
  try {
    if (typeof name !== 'string') throw new TorchTypeError('the method name must be a string');
    if (!Array.isArray(args)) throw new TorchTypeError('runAsync(): args must be an array');
    if (signal === undefined) return binding.jitCallAsync(target, name, args); // arguments are converted now
    if (signal.aborted) return Promise.reject(signal.reason);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const call = binding.jitCallAsync(target, name, args, cancel);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        Atomics.store(cancel, 0, 1);
        call.catch(() => undefined); // its outcome no longer matters
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      call.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  } catch (e) {
    return Promise.reject(e);
  }
}
