/**
 * Containers: Sequential, ModuleList, ModuleDict (children keyed '0', '1', ... or by name), and
 * ParameterList, ParameterDict (parameters keyed the same way).
 */
import { TypeError as TorchTypeError, IndexError } from '../../errors';
import { Module } from '../module';
import { scope } from '../../memory';
import { Parameter } from '../parameter';
import { Tensor } from '../../tensor';

function checkModule(m: unknown, where: string): Module {
  if (!(m instanceof Module)) throw new TorchTypeError(`${where}: expected an nn.Module, got ${m === null ? 'null' : typeof m}`);
  return m;
}

// A dict key becomes a field of the module: it must not hide one of the module's own members
// (`train`, `forward`, ...), and a state-dict key cannot hold a '.' (Python's rules too).
function checkKey(owner: Module, key: string, where: string): void {
  if (typeof key !== 'string' || key === '') throw new TorchTypeError(`${where}: keys must be non-empty strings, got ${JSON.stringify(key)}`);
  if (key.includes('.')) throw new TorchTypeError(`${where}: key can't contain ".", got '${key}'`);
  if (!Object.prototype.hasOwnProperty.call(owner, key) && key in owner) throw new TorchTypeError(`${where}: attribute '${key}' already exists`);
}

// Modules keyed '0', '1', ... in order: what Sequential and ModuleList share.
abstract class IndexedModules extends Module {
  get length(): number {
    return this.children().length;
  }
  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const c = this.children();
    const j = i < 0 ? i + c.length : i;
    if (j < 0 || j >= c.length) throw new IndexError(`index ${i} is out of range`);
    return c[j];
  }
  append(m: Module): this {
    this.registerModule(String(this.length), checkModule(m, `${this.constructor.name}.append`));
    return this;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Runs its modules in order, each on the previous one's output. `Out` types that output: a
 * Tensor, as almost every Sequential makes; `new Sequential<[Tensor, Tensor]>(...)` for others
 * (the modules' own types are not chained, so it is not checked against them).
 */
export class Sequential<Out = Tensor> extends IndexedModules {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(checkModule(m, 'Sequential')));
  }
  forward(input: unknown): Out {
    // Intermediate outputs are freed when the last module returns (a forward hook that keeps one gets it kept: Module.call).
    return scope(() => {
      let x = input;
      for (const m of this.children()) x = m.call(x);
      return x as Out;
    });
  }
}

/** A list of modules, registered so their parameters are found (no forward of its own). */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }
  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }
  forward(): never {
    throw new TorchTypeError('ModuleList has no forward(); iterate over it');
  }
}

/** Modules by name (keys are state-dict keys as given). */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    const entries = Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }
  set(key: string, m: Module): this {
    checkKey(this, key, 'ModuleDict');
    this.registerModule(key, checkModule(m, 'ModuleDict.set'));
    this._setKey(key, key);
    return this;
  }
  get(key: string): Module | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Module ? v : undefined;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }
  forward(): never {
    throw new TorchTypeError('ModuleDict has no forward(); look modules up by key');
  }
}

// Python's torch.typename of a tensor (ParameterDict's repr prints it): torch.FloatTensor, ...
const LEGACY_NAMES: Record<string, string> = {
  float32: 'Float', float64: 'Double', float16: 'Half', bfloat16: 'BFloat16', int64: 'Long', int32: 'Int', int16: 'Short',
  int8: 'Char', uint8: 'Byte', bool: 'Bool', complex64: 'ComplexFloat', complex128: 'ComplexDouble',
};
function typeName(t: Tensor): string {
  return `torch.${t.isCuda ? 'cuda.' : ''}${LEGACY_NAMES[t.dtype] ?? t.dtype}Tensor`;
}

// One repr line per parameter, as Python's ParameterList / ParameterDict print them.
function describe(key: string, p: Tensor, type: string): string {
  const gpu = p.isCuda ? ` (GPU ${p.device.index ?? 0})` : '';
  return `  (${key}): Parameter containing: [${type} of size ${p.shape.join('x')}${gpu}]`;
}

// A tensor stored in a parameter container becomes a Parameter (sharing its data), as in Python.
function asParameter(v: unknown, where: string): Parameter {
  if (v instanceof Parameter) return v;
  if (v instanceof Tensor) return new Parameter(v);
  throw new TorchTypeError(`${where}: expected a Tensor or nn.Parameter, got ${v === null ? 'null' : typeof v}`);
}

/** Parameters in a list, registered under '0', '1', ... (Python's ParameterList). */
export class ParameterList extends Module {
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }
  get length(): number {
    return this.namedParameters({ recurse: false }).length;
  }
  /** The i-th parameter (negative counts from the end). */
  at(i: number): Parameter {
    const ps = this.parameters({ recurse: false });
    const j = i < 0 ? i + ps.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= ps.length) throw new IndexError(`index ${i} is out of range`);
    return ps[j];
  }
  /** Replaces the i-th parameter (Python's `plist[i] = p`). */
  set(i: number, value: Tensor): this {
    const n = this.length;
    const j = i < 0 ? i + n : i;
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new IndexError(`index ${i} is out of range`);
    this.registerParameter(String(j), asParameter(value, 'ParameterList.set'));
    return this;
  }
  append(value: Tensor): this {
    this.registerParameter(String(this.length), asParameter(value, 'ParameterList.append'));
    return this;
  }
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }
  [Symbol.iterator](): Iterator<Parameter> {
    return this.parameters({ recurse: false })[Symbol.iterator]();
  }
  extraRepr(): string {
    return this.namedParameters({ recurse: false })
      .map(([k, p]) => describe(k, p, `torch.${p.dtype}`))
      .join('\n');
  }
  forward(): never {
    throw new TorchTypeError('ParameterList should not be called.');
  }
}

/**
 * Parameters by name (Python's ParameterDict). From a plain object the keys are sorted, as Python
 * sorts a plain dict's; from a Map or [key, value] pairs they keep their order.
 */
export class ParameterDict extends Module {
  constructor(values: Record<string, Tensor> | Iterable<[string, Tensor]> = {}) {
    super();
    this.update(values);
  }
  update(values: Record<string, Tensor> | Iterable<[string, Tensor]>): this {
    const entries = Symbol.iterator in Object(values)
      ? [...(values as Iterable<[string, Tensor]>)]
      : Object.entries(values as Record<string, Tensor>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }
  set(key: string, value: Tensor): this {
    checkKey(this, key, 'ParameterDict');
    this.registerParameter(key, asParameter(value, 'ParameterDict.set'));
    this._setKey(key, key);
    return this;
  }
  get(key: string): Parameter | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Parameter && Object.prototype.hasOwnProperty.call(this, key) ? v : undefined;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  /** Removes `key` and returns its parameter (Python's pop). */
  pop(key: string): Parameter {
    const p = this.get(key);
    if (p === undefined) throw new IndexError(`no parameter '${key}' in this ParameterDict`);
    delete (this as unknown as Record<string, unknown>)[key];
    return p;
  }
  get length(): number {
    return this.keys().length;
  }
  keys(): string[] {
    return this.namedParameters({ recurse: false }).map(([k]) => k);
  }
  values(): Parameter[] {
    return this.parameters({ recurse: false });
  }
  items(): [string, Parameter][] {
    return this.namedParameters({ recurse: false });
  }
  extraRepr(): string {
    return this.items()
      .map(([k, p]) => describe(k, p, typeName(p)))
      .join('\n');
  }
  forward(): never {
    throw new TorchTypeError('ParameterDict should not be called.');
  }
}
