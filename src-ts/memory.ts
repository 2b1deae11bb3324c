/**
 * Tensor lifetime. Tensors hold native memory the GC cannot see, so explicit lifetime is the
 * main path: `dispose()`, `using`, and `torch.scope(fn)`, which frees every tensor made inside
 * `fn` except what it returns or `torch.keep()`s. Tensors outside any scope are owned by the GC
 * (a FinalizationRegistry backstop) and their bytes are reported to V8 as external memory.
 *
 * Findings behind this: GC-only lifetime made a loop of 1M-element adds 10x slower than the C++
 * loop; a scope frees in one batch and skips per-tensor finalizer registration.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { binding, type Handle } from './binding';

/** What memory.ts needs of a Tensor (kept structural to avoid an import cycle). */
export interface Owned {
  _h: Handle;
  /** Registered with the GC backstop. */
  _gc: boolean;
  /** torch.keep() was called inside the current scope. */
  _keep: boolean;
  /** Owned by a long-lived holder (a module's parameter or buffer): scopes hand it to the GC. */
  _pinned?: boolean;
}

class Scope {
  tensors: Owned[] = [];
  constructor(readonly parent: Scope | undefined) {}
}

// Finalizers run on the main thread of this environment, after V8 collected the Tensor.
const registry = new FinalizationRegistry<Handle>((h) => binding.free(h));

let current: Scope | undefined;
// Async scopes follow their own async context, so concurrent async scopes do not mix.
const asyncScopes = new AsyncLocalStorage<Scope>();
let asyncActive = 0;

function activeScope(): Scope | undefined {
  return current ?? (asyncActive > 0 ? asyncScopes.getStore() : undefined);
}

/** Called for every new Tensor: the active scope owns it, or else the GC does. */
export function track(t: Owned): void {
  const s = current ?? (asyncActive > 0 ? asyncScopes.getStore() : undefined);
  if (s !== undefined) s.tensors.push(t);
  else gcOwn(t);
}

function gcOwn(t: Owned): void {
  t._gc = true;
  binding.track(t._h);
  registry.register(t, t._h, t);
}

/** Frees a tensor's native memory now. Safe to call twice. */
export function release(t: Owned): void {
  const h = t._h;
  if (h < 0) return;
  t._h = -1;
  if (t._gc) {
    registry.unregister(t);
    t._gc = false;
  }
  binding.free(h);
}

/**
 * Takes `t` out of scope lifetime for good: the scope it was made in (if any) hands it to the GC
 * backstop instead of freeing it, and so do enclosing scopes. Modules pin their parameters and
 * buffers, which live as long as the module (until `module.dispose()` or the GC).
 */
export function pin<T extends Owned>(t: T): T {
  t._pinned = true;
  if (activeScope() === undefined && !t._gc && t._h >= 0) gcOwn(t);
  return t;
}

/** Marks `t` to survive the scope it was made in (it moves to the enclosing scope, or the GC). */
export function keep<T extends Owned>(t: T): T {
  t._keep = true;
  return t;
}

/**
 * A class whose instances hold tensors (nn.utils.rnn.PackedSequence) lists them under this key,
 * so that a scope returning one keeps what it carries (scopes look inside arrays, plain objects
 * and Maps by themselves, not inside class instances).
 */
export const carriedTensors: unique symbol = Symbol('torchnode.carriedTensors');
interface Carrier {
  [carriedTensors](): Iterable<unknown>;
}

// Finds the tensors a scope's result carries (the value itself, arrays, plain objects, Maps,
// carriers).
function collectEscaping(v: unknown, out: Set<Owned>, isTensor: (x: unknown) => x is Owned, depth = 0): void {
  if (depth > 8 || v === null || typeof v !== 'object') return;
  if (isTensor(v)) {
    out.add(v);
    return;
  }
  if (typeof (v as Partial<Carrier>)[carriedTensors] === 'function') {
    for (const x of (v as Carrier)[carriedTensors]()) collectEscaping(x, out, isTensor, depth + 1);
  } else if (Array.isArray(v)) {
    for (const x of v) collectEscaping(x, out, isTensor, depth + 1);
  } else if (v instanceof Map) {
    for (const x of v.values()) collectEscaping(x, out, isTensor, depth + 1);
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) collectEscaping(x, out, isTensor, depth + 1);
  }
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- replaced by setTensorCheck() at load
let isTensorFn: (x: unknown) => x is Owned = (x): x is Owned => false;
/** tensor.ts tells memory.ts how to recognize a Tensor (breaks the import cycle). */
export function setTensorCheck(fn: (x: unknown) => x is Owned): void {
  isTensorFn = fn;
}

let freeBuf = new Int32Array(256);

function close(s: Scope, result: unknown): void {
  // Most scopes return nothing or a tensor: only then is a set of escaping tensors needed.
  let escaping: Set<Owned> | undefined;
  if (result !== null && typeof result === 'object') {
    escaping = new Set<Owned>();
    collectEscaping(result, escaping, isTensorFn);
  }
  const parent = s.parent;
  const list = s.tensors;
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t._h < 0) continue; // disposed already
    if (t._pinned) {
      if (!t._gc) gcOwn(t);
      continue;
    }
    if (t._keep || (escaping !== undefined && escaping.has(t))) {
      t._keep = false;
      if (parent) parent.tensors.push(t);
      else gcOwn(t);
      continue;
    }
    if (n === freeBuf.length) {
      const bigger = new Int32Array(freeBuf.length * 2);
      bigger.set(freeBuf);
      freeBuf = bigger;
    }
    freeBuf[n++] = t._h;
    t._h = -1;
  }
  s.tensors.length = 0;
  if (n > 0) binding.freeMany(freeBuf, n);
}

/**
 * Runs `fn` and frees every tensor created inside it, except those it returns (directly or in
 * arrays / plain objects / Maps) and those passed to `torch.keep()`. Scopes nest; an escaping
 * tensor moves to the enclosing scope. An `async` function is awaited: the scope follows it across
 * its awaits (AsyncLocalStorage), and its tensors are freed when its promise settles; returns a
 * promise then.
 *
 * @example
 * const y = torch.scope(() => x.mul(2).add(1).relu()); // the temporaries are freed, y is kept
 */
export function scope<T>(fn: () => T): T {
  const parent = activeScope();
  const s = new Scope(parent);
  if (isAsyncFunction(fn)) return asyncScope(s, fn as unknown as () => Promise<unknown>) as T;
  const saved = current;
  current = s;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    current = saved;
    close(s, undefined);
    throw e;
  }
  current = saved;
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    // A plain function that returned a promise: free when it settles. Only an `async` function
    // carries the scope into code after its awaits (documented on scope()).
    return (result as unknown as Promise<unknown>).then(
      (v) => (close(s, v), v),
      (e) => {
        close(s, undefined);
        throw e;
      },
    ) as T;
  }
  close(s, result);
  return result;
}

const AsyncFunction = (async () => {}).constructor;
/** True for an `async` function (its code after an await runs in a later task). */
export function isAsyncFunction(fn: unknown): boolean {
  return fn instanceof AsyncFunction;
}

// The code after each await follows its async context, so concurrent async scopes never mix.
function asyncScope(s: Scope, fn: () => Promise<unknown>): Promise<unknown> {
  asyncActive++;
  const saved = current;
  current = undefined;
  let p: Promise<unknown>;
  try {
    p = asyncScopes.run(s, fn);
  } catch (e) {
    asyncActive--;
    close(s, undefined);
    throw e;
  } finally {
    current = saved;
  }
  return p.then(
    (v) => {
      asyncActive--;
      close(s, v);
      return v;
    },
    (e) => {
      asyncActive--;
      close(s, undefined);
      throw e;
    },
  );
}

/** What `torch.memory()` returns. */
export interface MemoryInfo {
  /** Live tensors made through torchnode in this thread. */
  tensors: number;
  /** Bytes of their distinct CPU storages (views share one). */
  bytes: number;
  /** Bytes of their distinct CUDA storages (0 without CUDA). */
  cudaBytes: number;
  /**
   * Bytes held by tensors the GC owns (made outside any scope, not disposed), on any device: what
   * torchnode has reported to V8 as external memory so it collects sooner. A storage shared by
   * several such views counts once per view. Memory that only a collection will free.
   */
  gcBytes: number;
}

/**
 * Live tensors and their bytes (see MemoryInfo). LibTorch's caching allocator may hold more CUDA
 * memory than live tensors use: see `torch.cuda.memoryReserved()`.
 */
export function memory(): MemoryInfo {
  return binding.memory();
}
