/**
 * What weightNorm and spectralNorm share: a parameter replaced by a weight computed before every
 * forward from other parameters and buffers, kept as a plain field of the module.
 */
import { pin } from '../../memory';
import type { Tensor } from '../../tensor';
import { forwardPreHooks, type ForwardPreHook, type Module } from '../module';
import { Parameter } from '../parameter';

// A recomputing pre-hook carries what made it, so it is found again on the module and on its
// deepCopies (which copy the hooks), as Python finds its WeightNorm / SpectralNorm hook objects.
type Tagged<S> = ForwardPreHook & { reparametrization: { kind: string; field: string; spec: S } };

/** Registers `recompute` as a forward pre-hook of `module`, tagged with kind, field and spec. */
export function registerReparametrization<S>(module: Module, kind: string, field: string, spec: S, recompute: (m: Module) => void): void {
  const hook = Object.assign((m: Module) => recompute(m), { reparametrization: { kind, field, spec } });
  module.registerForwardPreHook(hook);
}

/** The spec of `kind`'s hook on `field` of `module`, and a function that removes the hook. */
export function findReparametrization<S>(module: Module, kind: string, field: string): { spec: S; remove: () => void } | undefined {
  const hooks = forwardPreHooks(module);
  for (const [id, h] of hooks) {
    const r = (h as Partial<Tagged<S>>).reparametrization;
    if (r !== undefined && r.kind === kind && r.field === field) return { spec: r.spec, remove: () => void hooks.delete(id) };
  }
  return undefined;
}

/** The module's fields, by name (parameters, buffers, computed weights). */
export const fields = (m: Module): Record<string, unknown> => m as unknown as Record<string, unknown>;


/**
 * Stores the weight computed for this forward (kept past scopes: it lives until the next forward
 * replaces it) and frees the previous one. The previous forward's graph holds what it needs of
 * it; the handle is ours.
 */
export function setComputed(m: Module, field: string, w: Tensor): void {
  const f = fields(m);
  const old = f[field];
  f[field] = pin(w);
  if (old !== w && old && !(old instanceof Parameter) && typeof (old as Tensor).dispose === 'function') (old as Tensor).dispose();
}
