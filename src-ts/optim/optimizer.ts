/**
 * The optimizer base, as PyTorch's: parameter groups with their own hyperparameters, per-parameter
 * state, `zeroGrad`, and state dicts in PyTorch's layout (`state` by parameter index,
 * `param_groups` with snake_case keys), so they can be saved and read by Python.
 *
 * Memory: each `step()` runs in a scope (gradients read, temporaries), and the state it keeps
 * (momentum buffers, moment estimates) is pinned to the optimizer; `dispose()` frees it.
 */
import { TorchError, TypeError as TorchTypeError, ValueError } from '../errors';
import { pin, scope } from '../memory';
import { noGrad, zeroGrads } from '../autograd';
import { Tensor } from '../tensor';
import { camelOf, keyOf } from '../nn/module';

/** A parameter group: its tensors and hyperparameters (camelCase, as given to the constructor). */
export interface ParamGroup {
  params: Tensor[];
  [option: string]: unknown;
}

export type ParamsLike = Iterable<Tensor> | (Partial<ParamGroup> & { params: Iterable<Tensor> })[];

/**
 * PyTorch's layout. `state` is keyed by parameter index: a Map, because Python's keys are ints
 * (torch.save writes them as ints, so Python's `optimizer.load_state_dict` finds them). Loading
 * also takes a plain object with index strings as keys.
 */
export interface OptimizerStateDict {
  state: Map<number, Record<string, Tensor | number>> | Record<number, Record<string, Tensor | number>>;
  param_groups: Record<string, unknown>[];
}


export abstract class Optimizer {
  readonly paramGroups: ParamGroup[] = [];
  /** Per-parameter state (tensors pinned to the optimizer, and plain numbers). */
  readonly state = new Map<Tensor, Record<string, Tensor | number>>();

  protected constructor(params: ParamsLike, readonly defaults: Record<string, unknown>) {
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError('optimizer got an empty parameter list');
    if (list[0] instanceof Tensor) this.addParamGroup({ params: list as Tensor[] });
    else for (const g of list as ParamGroup[]) this.addParamGroup(g);
  }

  /** Adds a group; options it does not set take the optimizer's defaults. */
  addParamGroup(group: Partial<ParamGroup> & { params: Iterable<Tensor> }): void {
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TorchTypeError(`optimizer can only optimize Tensors, but one of the params is ${p === null ? 'null' : typeof p}`);
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new ValueError('some parameters appear in more than one parameter group');
    this.paramGroups.push({ ...this.defaults, ...group, params });
  }

  /** Resets the gradients of all optimized tensors: to null (default, as PyTorch 2) or zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    zeroGrads(this.paramGroups.flatMap((g) => g.params), options.setToNone ?? true);
  }

  /** One optimization step. `closure` re-evaluates the model and returns the loss. */
  step(closure?: () => number | Tensor): number | Tensor | undefined {
    const loss = closure === undefined ? undefined : closure();
    scope(() => noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    }));
    return loss;
  }

  /** Updates one group's parameters (runs inside a scope, gradients off). */
  protected abstract updateGroup(group: ParamGroup): void;

  /** Keeps a state tensor for the optimizer's lifetime (scopes do not free it). */
  protected keepState(t: Tensor): Tensor {
    return pin(t);
  }

  /** PyTorch's layout: `{ state: {index: {...}}, param_groups: [{..., params: [indices]}] }`. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const groups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[keyOf(k)] = v;
      out.params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, next++);
        return index.get(p)!;
      });
      return out;
    });
    const state = new Map<number, Record<string, Tensor | number>>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state.set(i, Object.fromEntries(Object.entries(s).map(([k, v]) => [keyOf(k), v])));
    }
    return { state: new Map([...state].sort((a, b) => a[0] - b[0])), param_groups: groups };
  }

  /** Loads a state dict (ours or Python's layout): hyperparameters and per-parameter state. */
  loadStateDict(sd: OptimizerStateDict): void {
    const groups = sd.param_groups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new ValueError('loaded state dict has a different number of parameter groups');
    }
    groups.forEach((g, i) => {
      const ids = g.params as number[];
      if (ids.length !== this.paramGroups[i].params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const byIndex = this.paramGroups.flatMap((g) => g.params);
    this.disposeState();
    groups.forEach((g, i) => {
      for (const [k, v] of Object.entries(g)) if (k !== 'params') this.paramGroups[i][camelOf(k)] = v;
    });
    const entries = sd.state instanceof Map ? [...sd.state] : Object.entries(sd.state);
    for (const [idx, s] of entries) {
      const p = byIndex[Number(idx)];
      if (p === undefined) throw new TorchError(`optimizer state for parameter ${idx} has no parameter`);
      const copy: Record<string, Tensor | number> = {};
      for (const [k, v] of Object.entries(s)) {
        copy[camelOf(k)] = v instanceof Tensor ? this.keepState(noGrad(() => v.to({ dtype: k === 'step' ? v.dtype : p.dtype, device: p.device, copy: true }))) : v;
      }
      this.state.set(p, copy);
    }
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }

  /** Frees the optimizer's state tensors (the parameters belong to their module). */
  dispose(): void {
    this.disposeState();
  }
}
