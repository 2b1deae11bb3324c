/**
 * What weightNorm and spectralNorm share: a parameter replaced by a weight computed before every
 * forward from other parameters and buffers, kept as a plain field of the module.
 */
import { pin } from '../../memory';
import type { Tensor } from '../../tensor';
import type { Module } from '../module';
import { Parameter } from '../parameter';

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
