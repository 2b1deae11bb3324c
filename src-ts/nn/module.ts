/**
 * nn.Module: the base of layers and models, as in PyTorch.
 *
 * Parameters and submodules are registered by assignment (`this.fc1 = new nn.Linear(4, 3)`,
 * `this.scale = new nn.Parameter(t)`) or explicitly (`registerParameter`, `registerModule`);
 * buffers with `registerBuffer`. State-dict keys are PyTorch's: a JS field's name in snake_case
 * (`runningMean` is `running_mean`), joined with dots (`fc1.weight`, `bn.num_batches_tracked`),
 * so weights move between torchnode and Python unchanged. Registration order is key order; note
 * that JS lists integer-like field names ('0', '1') before others, as Sequential relies on.
 *
 * Memory: parameters and buffers live as long as the module (scopes do not free them);
 * `module.dispose()` frees them now, and the GC frees them when the module is dropped.
 */
import { binding } from '../binding';
import { TorchError, TypeError as TorchTypeError } from '../errors';
import { carriedTensors, keep, pin, release } from '../memory';
import { Tensor } from '../tensor';
import { noGrad, zeroGrads } from '../autograd';
import { Parameter } from './parameter';
import { type FullBackwardHook, withBackwardHooks } from './backward_hook';
import type { DTypeLike } from '../dtype';
import type { DeviceLike } from '../device';

/** A JS field name's state-dict key: snake_case (`runningMean` -> `running_mean`). */
export function keyOf(field: string): string {
  return field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/** A state-dict key's JS field name: camelCase (`running_mean` -> `runningMean`); keyOf's inverse. */
export function camelOf(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A size as n values (`3` -> [3, 3] for n = 2), as Python's _pair / _triple. */
export function tupleOf(x: number | number[], n: number): number[] {
  return Array.isArray(x) ? x : Array.from({ length: n }, () => x);
}

/** Python's repr of a tuple of ints: `(3, 4)`, `(8,)`, for module reprs. */
export function pyTuple(xs: number[]): string {
  return `(${xs.join(', ')}${xs.length === 1 ? ',' : ''})`;
}

/** A size as the layer was given it: an int as `2`, an array as Python's tuple `(2, 3)`. */
export function pySize(x: number | number[]): string {
  return Array.isArray(x) ? pyTuple(x) : String(x);
}

/** A number as Python's repr prints a float (`1e-05`, `1.0`), for module reprs. */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(x);
}

// The tensors an output carries (a tensor, or arrays / plain objects / carriers of them).
function tensorsIn(v: unknown, depth = 0): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (depth > 4 || v === null || typeof v !== 'object') return [];
  const carrier = (v as { [carriedTensors]?: () => Iterable<unknown> })[carriedTensors];
  if (typeof carrier === 'function') return [...carrier.call(v)].flatMap((x) => tensorsIn(x, depth + 1));
  if (Array.isArray(v)) return v.flatMap((x) => tensorsIn(x, depth + 1));
  if (Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).flatMap((x) => tensorsIn(x, depth + 1));
  return [];
}

// 'a.b.weight' -> ['a.b', 'weight'].
function splitTarget(target: string): [string, string] {
  const i = target.lastIndexOf('.');
  return i < 0 ? ['', target] : [target.slice(0, i), target.slice(i + 1)];
}

export interface RemovableHandle {
  remove(): void;
}

export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | void;
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
/** Called after loadStateDict with the keys that did not match; it may change the lists in place. */
export type LoadStateDictPostHook = (module: Module, incompatibleKeys: IncompatibleKeys) => void;

export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export type StateDict = Record<string, Tensor>;

// Per-module bookkeeping kept off the instance's own fields (which are the registry).
interface Meta {
  buffers: Set<string>;
  nonPersistent: Set<string>;
  names: Map<string, string>; // field -> state-dict key, for explicit registrations
  preHooks: Map<number, ForwardPreHook>;
  hooks: Map<number, ForwardHook>;
  backwardHooks: Map<number, FullBackwardHook>;
  loadPostHooks: Map<number, LoadStateDictPostHook>;
  /** `module.call`, bound to the module. */
  call?: (...args: unknown[]) => unknown;
}
const META = new WeakMap<Module, Meta>();
let hookId = 0;

function meta(m: Module): Meta {
  let x = META.get(m);
  if (x === undefined) {
    x = { buffers: new Set(), nonPersistent: new Set(), names: new Map(), preHooks: new Map(), hooks: new Map(), backwardHooks: new Map(), loadPostHooks: new Map() };
    META.set(m, x);
  }
  return x;
}

/**
 * @internal A module's forward pre-hooks by id, for code that finds its own hooks again (pruning
 * looks for its method among them, as Python scans `_forward_pre_hooks`).
 */
export function forwardPreHooks(m: Module): Map<number, ForwardPreHook> {
  return meta(m).preHooks;
}

export abstract class Module {
  /** Training mode (dropout active, batch norm updating its statistics). */
  training = true;

  /** The computation. Subclasses implement it; call it through `call()` to run hooks. */
  abstract forward(...args: unknown[]): unknown;

  /**
   * Runs forward pre-hooks, `forward`, then forward hooks (Python's `module(x)`). Typed as this
   * module's `forward`, overloads included (`lstm.call(packed)` gives a PackedSequence back).
   */
  get call(): this['forward'] {
    const m = meta(this);
    // One bound function per module, made on first use; it holds this module's bookkeeping, so
    // a call looks nothing up.
    return (m.call ??= (...args: unknown[]) => this.runHooked(m, args)) as this['forward'];
  }

  private runHooked(m: Meta, args: unknown[]): unknown {
    if (m.preHooks.size === 0 && m.hooks.size === 0 && m.backwardHooks.size === 0) return this.forward(...args);
    for (const h of m.preHooks.values()) {
      const r = h(this, args);
      if (r !== undefined) args = r;
    }
    if (m.backwardHooks.size === 0) return this.forwardAndHooks(m, args);
    // Python's order: the input node, forward, the forward hooks, then the output node.
    return withBackwardHooks(this, [...m.backwardHooks.values()], args, (a) => this.forwardAndHooks(m, a));
  }

  private forwardAndHooks(m: Meta, args: unknown[]): unknown {
    let out = this.forward(...args);
    if (m.hooks.size === 0) return out;
    for (const h of m.hooks.values()) {
      const r = h(this, args, out);
      if (r !== undefined) out = r;
    }
    // A forward hook may hold on to the output (feature extraction), as Python's reference would:
    // containers free their intermediate outputs (Sequential, the transformer stacks), so a hooked
    // output is kept past them, into the caller's scope (or the GC's care outside any scope).
    for (const t of tensorsIn(out)) keep(t);
    return out;
  }

  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    const id = hookId++;
    meta(this).preHooks.set(id, hook);
    return { remove: () => void meta(this).preHooks.delete(id) };
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    const id = hookId++;
    meta(this).hooks.set(id, hook);
    return { remove: () => void meta(this).hooks.delete(id) };
  }

  /**
   * Calls `hook(module, { missingKeys, unexpectedKeys })` after `loadStateDict` on this module or
   * one that contains it; the hook may edit the two lists in place (before the strict check).
   * Python's `register_load_state_dict_post_hook`.
   */
  registerLoadStateDictPostHook(hook: LoadStateDictPostHook): RemovableHandle {
    if (typeof hook !== 'function') throw new TorchTypeError('registerLoadStateDictPostHook(): hook must be a function');
    const id = hookId++;
    meta(this).loadPostHooks.set(id, hook);
    return { remove: () => void meta(this).loadPostHooks.delete(id) };
  }

  /**
   * Calls `hook(module, gradInput, gradOutput)` when the gradients with respect to this module's
   * inputs are computed (one entry per positional argument, null where it is not a tensor or
   * needs no gradient); returning an array replaces gradInput. Python's
   * `register_full_backward_hook`. The gradients given to the hook outlive the backward pass.
   */
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
    if (typeof hook !== 'function') throw new TorchTypeError('registerFullBackwardHook(): hook must be a function');
    const id = hookId++;
    meta(this).backwardHooks.set(id, hook);
    return { remove: () => void meta(this).backwardHooks.delete(id) };
  }

  // ---- registration ------------------------------------------------------------------------

  /** Registers a parameter (or null, as Python's `bias=None`) under a field name. */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) throw new TorchTypeError(`registerParameter(): '${name}' must be an nn.Parameter or null`);
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Registers a submodule (or null) under a field name. */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TorchTypeError(`registerModule(): '${name}' must be an nn.Module or null`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /**
   * Registers a buffer: a tensor that is part of the module's state but not a parameter
   * (`running_mean`). Non-persistent buffers stay out of the state dict.
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TorchTypeError(`registerBuffer(): '${name}' must be a Tensor or null`);
    const m = meta(this);
    m.buffers.add(name);
    if (options.persistent === false) m.nonPersistent.add(name);
    else m.nonPersistent.delete(name);
    if (tensor !== null) pin(tensor);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  /** @internal Uses `key` verbatim as the state-dict key of `field` (ModuleDict keys). */
  _setKey(field: string, key: string): void {
    meta(this).names.set(field, key);
  }

  // Own fields in registration order: [field, value, kind].
  private *entries(): Generator<[string, unknown, 'param' | 'buffer' | 'module']> {
    const m = META.get(this);
    for (const [field, v] of Object.entries(this)) {
      if (v instanceof Parameter) yield [field, v, 'param'];
      else if (v instanceof Module) yield [field, v, 'module'];
      else if (m?.buffers.has(field) && (v instanceof Tensor || v === null)) yield [field, v, 'buffer'];
    }
  }

  private keyFor(field: string): string {
    return META.get(this)?.names.get(field) ?? keyOf(field);
  }

  // ---- traversal ---------------------------------------------------------------------------

  /** [key, child] for the direct submodules. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [f, v, kind] of this.entries()) if (kind === 'module') out.push([this.keyFor(f), v as Module]);
    return out;
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** [key, module] for this module and every descendant, each once ('' is this module). */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${k}` : k, seen));
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** [key, parameter] in PyTorch's order and key names (`fc1.weight`); shared ones once. */
  namedParameters(options: { prefix?: string; recurse?: boolean } = {}): [string, Parameter][] {
    return this.namedMembers('param', options.prefix ?? '', options.recurse ?? true) as [string, Parameter][];
  }
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }
  namedBuffers(options: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    return this.namedMembers('buffer', options.prefix ?? '', options.recurse ?? true);
  }
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  private namedMembers(kind: 'param' | 'buffer', prefix: string, recurse: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, mod] of mods) {
      for (const [f, v, k] of mod.entries()) {
        if (k !== kind || v === null || seen.has(v as Tensor)) continue;
        seen.add(v as Tensor);
        out.push([mp ? `${mp}.${mod.keyFor(f)}` : mod.keyFor(f), v as Tensor]);
      }
    }
    return out;
  }

  // ---- state -------------------------------------------------------------------------------

  /**
   * Parameters and persistent buffers by PyTorch key, in PyTorch's order (each module's
   * parameters, then its buffers, then its children). Values share memory with the module's
   * tensors and are detached (new Tensor objects: free them like any tensor).
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    this.saveTo(out, options.prefix ?? '', options.keepVars ?? false);
    return out;
  }

  private saveTo(out: StateDict, prefix: string, keepVars: boolean): void {
    const m = META.get(this);
    const children: [string, Module][] = [];
    const params: [string, Tensor][] = [];
    const bufs: [string, Tensor][] = [];
    for (const [f, v, kind] of this.entries()) {
      if (v === null) continue;
      if (kind === 'module') children.push([this.keyFor(f), v as Module]);
      else if (kind === 'param') params.push([this.keyFor(f), v as Tensor]);
      else if (!m?.nonPersistent.has(f)) bufs.push([this.keyFor(f), v as Tensor]);
    }
    for (const [k, t] of [...params, ...bufs]) out[prefix + k] = keepVars ? t : t.detach();
    for (const [k, child] of children) child.saveTo(out, `${prefix}${k}.`, keepVars);
  }

  /**
   * Copies values from a state dict (PyTorch keys) into this module's parameters and buffers.
   * With `strict` (the default), missing and unexpected keys are an error, as in PyTorch.
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, options: { strict?: boolean } = {}): IncompatibleKeys {
    const strict = options.strict ?? true;
    const sd = stateDict instanceof Map ? Object.fromEntries(stateDict) : stateDict;
    const own = this.stateDict({ keepVars: true });
    const errors: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      const src = sd[k];
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) {
        errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeof src}`);
        continue;
      }
      const a = src.shape;
      const b = target.shape;
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) {
        errors.push(`size mismatch for ${k}: copying a param with shape torch.Size([${a.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${b.join(', ')}]).`);
        continue;
      }
      noGrad(() => target.copy_(src));
    }
    // The key lists grow module by module as Python's load() walks the tree (a module's own
    // keys, then its children's); each module's post hooks run once its subtree is done, see
    // the lists so far, and may change them in place before the strict check.
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const incompatible: IncompatibleKeys = { missingKeys, unexpectedKeys };
    const ownKeys = Object.keys(own);
    const sdKeys = Object.keys(sd);
    const visit = (m: Module, p: string): void => {
      const local = new Set(ownKeys.filter((k) => k.startsWith(p) && !k.slice(p.length).includes('.')).map((k) => k.slice(p.length)));
      for (const name of local) if (!(p + name in sd)) missingKeys.push(p + name);
      const children = m.namedChildren();
      const childNames = new Set(children.map(([k]) => k));
      for (const k of sdKeys) {
        if (!k.startsWith(p)) continue;
        const first = k.slice(p.length).split('.', 1)[0];
        if (!childNames.has(first) && !local.has(first)) unexpectedKeys.push(k);
      }
      for (const [k, c] of children) visit(c, `${p}${k}.`);
      for (const hook of META.get(m)?.loadPostHooks.values() ?? []) {
        if (hook(m, incompatible) !== undefined) {
          // Python's assertion text, word for word.
          throw new TorchError(
            'Hooks registered with ``register_load_state_dict_post_hook`` are notexpected to return new values, if incompatible_keys need to be modified,it should be done inplace.',
          );
        }
      }
    };
    visit(this, '');
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length) {
      throw new TorchError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    }
    return { missingKeys, unexpectedKeys };
  }

  // ---- modes, devices, gradients -----------------------------------------------------------

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Sets `.grad` of every parameter to null (default, as PyTorch 2) or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    zeroGrads(this.parameters(), options.setToNone ?? true);
  }

  /** Sets requiresGrad on every parameter (Python's `requires_grad_`). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /** Calls `fn` on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Moves or casts parameters and buffers in place (`m.to('float64')`, `m.to('cuda')`): the
   * Parameter objects stay the same (optimizers keep working), their data changes.
   */
  /** Floating-point parameters and buffers to float32 / float64 / float16 / bfloat16 (Python's `m.float()` ...). */
  float(): this {
    return this.to('float32');
  }
  double(): this {
    return this.to('float64');
  }
  half(): this {
    return this.to('float16');
  }
  bfloat16(): this {
    return this.to('bfloat16');
  }
  /** Parameters and buffers to the CPU / a CUDA device (Python's `m.cpu()`, `m.cuda()`). */
  cpu(): this {
    return this.to('cpu');
  }
  cuda(device: number | DeviceLike = 'cuda'): this {
    return this.to(typeof device === 'number' ? `cuda:${device}` : device);
  }

  /** Python's `add_module`: registerModule under another name. */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /** The submodule at a dotted path (`'encoder.layers.0'`), with Python's errors. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this as Module; // walks down from here
    for (const item of target.split('.')) {
      const child = mod.namedChildren().find(([k]) => k === item);
      if (child === undefined) {
        const f = (mod as unknown as Record<string, unknown>)[item];
        if (f !== undefined && f !== null && !(f instanceof Module)) throw new TorchTypeError(`\`${item}\` is not an nn.Module`);
        throw new TorchError(`${mod.constructor.name} has no attribute \`${item}\``);
      }
      mod = child[1];
    }
    return mod;
  }
  /** The parameter at a dotted path (`'fc1.weight'`). */
  getParameter(target: string): Parameter {
    const [path, name] = splitTarget(target);
    const mod = this.getSubmodule(path);
    const hit = mod.namedParameters({ recurse: false }).find(([k]) => k === name);
    if (hit === undefined) {
      if (mod.namedBuffers({ recurse: false }).some(([k]) => k === name)) throw new TorchTypeError(`\`${name}\` is not an nn.Parameter`);
      throw new TorchError(`${mod.constructor.name} has no attribute \`${name}\``);
    }
    return hit[1];
  }
  /** The buffer at a dotted path (`'bn.running_mean'`). */
  getBuffer(target: string): Tensor {
    const [path, name] = splitTarget(target);
    const mod = this.getSubmodule(path);
    const hit = mod.namedBuffers({ recurse: false }).find(([k]) => k === name);
    if (hit === undefined) {
      if (mod.namedParameters({ recurse: false }).some(([k]) => k === name)) throw new TorchTypeError(`\`${name}\` is not a buffer`);
      throw new TorchError(`${mod.constructor.name} has no attribute \`${name}\``);
    }
    return hit[1];
  }

  to(target: DTypeLike | DeviceLike | { dtype?: DTypeLike; device?: DeviceLike }): this {
    noGrad(() => {
      for (const mod of this.modules()) {
        for (const [f, v, kind] of mod.entries()) {
          if (v === null || kind === 'module') continue;
          const t = v as Tensor;
          // Floating-point dtype changes apply to floating-point tensors only, as in PyTorch.
          if (typeof target === 'string' || (typeof target === 'object' && 'dtype' in target && target.dtype !== undefined)) {
            const dt = typeof target === 'string' ? target : target.dtype;
            const isDtype = typeof dt === 'string' && /^(float|double|half|bfloat|float16|float32|float64|bfloat16)/.test(dt);
            if (isDtype && !t.isFloatingPoint()) continue;
          }
          const moved = t.to(target as never);
          if (kind === 'param') {
            binding.setData(t._h, moved._h);
            moved.dispose();
          } else {
            (mod as unknown as Record<string, unknown>)[f] = pin(moved);
            release(t);
          }
        }
      }
    });
    return this;
  }

  /**
   * A deep copy, as Python's `copy.deepcopy(module)`: new parameters and buffers holding the same
   * values, the same settings, registrations and hooks; submodules copied likewise.
   * (TransformerEncoder and TransformerDecoder clone their layer with it.)
   */
  deepCopy(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    const field = (v: unknown): unknown => {
      if (v instanceof Parameter) {
        const data = v.clone(); // grad mode is off here: a plain copy
        const p = new Parameter(data, v.requiresGrad);
        data.dispose();
        return p;
      }
      if (v instanceof Tensor) return v._h < 0 ? v : pin(v.clone());
      if (v instanceof Module) return v.deepCopy();
      if (Array.isArray(v)) return v.map(field);
      return v;
    };
    noGrad(() => {
      for (const [k, v] of Object.entries(this)) (copy as unknown as Record<string, unknown>)[k] = field(v);
    });
    const m = META.get(this);
    if (m !== undefined) {
      META.set(copy, {
        buffers: new Set(m.buffers), nonPersistent: new Set(m.nonPersistent), names: new Map(m.names),
        preHooks: new Map(m.preHooks), hooks: new Map(m.hooks), backwardHooks: new Map(m.backwardHooks),
        loadPostHooks: new Map(m.loadPostHooks),
      });
    }
    return copy;
  }

  /** Frees every parameter and buffer now (this module and its descendants). */
  dispose(): void {
    for (const mod of this.modules()) {
      for (const [, v, kind] of mod.entries()) if (v !== null && kind !== 'module') (v as Tensor).dispose();
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- printing ----------------------------------------------------------------------------

  /** The part inside the parentheses of this module's repr (`in_features=4, ...`). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's module repr: `Linear(in_features=4, out_features=3, bias=True)`, children indented. */
  toString(): string {
    const children = this.namedChildren().map(([k, c]) => `(${k}): ${c.toString().replace(/\n/g, '\n  ')}`);
    const extra = this.extraRepr();
    const lines = [...(extra ? extra.split('\n') : []), ...children];
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (lines.length === 1 && children.length === 0) return `${name}(${extra})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
