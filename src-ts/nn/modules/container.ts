/** Containers: Sequential, ModuleList, ModuleDict (children keyed '0', '1', ... or by name). */
import { TypeError as TorchTypeError, IndexError } from '../../errors';
import { Module } from '../module';
import type { Tensor } from '../../tensor';

function checkModule(m: unknown, where: string): Module {
  if (!(m instanceof Module)) throw new TorchTypeError(`${where}: expected an nn.Module, got ${m === null ? 'null' : typeof m}`);
  return m;
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
    let x = input;
    for (const m of this.children()) x = m.call(x);
    return x as Out;
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
