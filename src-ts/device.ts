/** Devices: `'cpu'`, `'cuda'`, `'cuda:1'`, or a `Device`. */
import { TypeError as TorchTypeError } from './errors';

export class Device {
  readonly type: string;
  readonly index: number | null;
  constructor(spec: string | Device, index?: number) {
    if (spec instanceof Device) {
      this.type = spec.type;
      this.index = spec.index;
      return;
    }
    if (typeof spec !== 'string') throw new TorchTypeError(`device(): expected a device string such as 'cpu' or 'cuda:0', got ${typeof spec}`);
    const m = /^([a-z]+)(?::(\d+))?$/.exec(spec);
    if (!m) throw new TorchTypeError(`device(): invalid device string '${spec}' (expected e.g. 'cpu', 'cuda', 'cuda:0')`);
    this.type = m[1];
    this.index = m[2] !== undefined ? Number(m[2]) : (index ?? null);
  }
  /** The string LibTorch parses: `'cpu'`, `'cuda:0'`. */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.index === null ? `device(type='${this.type}')` : `device(type='${this.type}', index=${this.index})`;
  }
}

export type DeviceLike = string | Device;

/** `torch.device('cuda:0')`. */
export function device(spec: DeviceLike, index?: number): Device {
  return new Device(spec, index);
}

export function deviceString(d: DeviceLike): string {
  return d instanceof Device ? d.toString() : new Device(d).toString();
}
