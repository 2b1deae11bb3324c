/** Parameters as one flat vector and back, as Python's torch.nn.utils.parameters_to_vector. */
import { ValueError, TypeError as TorchTypeError } from '../../errors';
import { cat } from '../../generated/ops';
import { noGrad } from '../../autograd';
import { scope } from '../../memory';
import { Tensor } from '../../tensor';

function list(parameters: Tensor | Iterable<Tensor>, where: string): Tensor[] {
  const ps = parameters instanceof Tensor ? [parameters] : [...parameters];
  for (const p of ps) if (!(p instanceof Tensor)) throw new TorchTypeError(`${where}: expected Tensors, got ${p === null ? 'null' : typeof p}`);
  return ps;
}

function sameDevice(ps: Tensor[], where: string): void {
  const d = ps.length > 0 ? String(ps[0].device) : '';
  if (ps.some((p) => String(p.device) !== d)) throw new TorchTypeError(`${where}: Found two parameters on different devices, this is currently not supported.`);
}

/** One vector of every parameter's elements in order (differentiable, as in Python). */
export function parametersToVector(parameters: Tensor | Iterable<Tensor>): Tensor {
  const ps = list(parameters, 'parametersToVector');
  sameDevice(ps, 'parametersToVector');
  return scope(() => cat(ps.map((p) => p.view(-1))));
}

/** Copies consecutive slices of `vec` into the parameters, in place (the inverse of parametersToVector). */
export function vectorToParameters(vec: Tensor, parameters: Tensor | Iterable<Tensor>): void {
  if (!(vec instanceof Tensor)) throw new TorchTypeError(`expected torch.Tensor, but got: ${typeof vec}`);
  const ps = list(parameters, 'vectorToParameters');
  sameDevice([vec, ...ps], 'vectorToParameters');
  const total = ps.reduce((n, p) => n + p.numel(), 0);
  if (vec.dim() !== 1 || vec.numel() !== total) throw new ValueError(`vectorToParameters: expected a vector of ${total} elements, got shape [${vec.shape.join(', ')}]`);
  scope(() =>
    noGrad(() => {
      let offset = 0;
      for (const p of ps) {
        const n = p.numel();
        p.copy_(vec.slice(0, offset, offset + n).viewAs(p));
        offset += n;
      }
    }),
  );
}
