/** Padding layers: constant (and zero), reflection and replication, over the last 1, 2 or 3 dims. */
import { ValueError } from '../../errors';
import { Module, pyFloat, pyTuple } from '../module';
import * as F from '../functional';
import type { Tensor } from '../../tensor';

/** One number pads every side; an array gives [left, right, top, bottom, front, back] as far as the layer has dims. */
function sides(padding: number | number[], dims: number, name: string): number[] {
  if (typeof padding === 'number') return Array(2 * dims).fill(padding);
  if (!Array.isArray(padding) || padding.length !== 2 * dims || !padding.every(Number.isInteger)) {
    throw new ValueError(`${name}: padding must be an integer or ${2 * dims} integers, got ${JSON.stringify(padding)}`);
  }
  return [...padding];
}

abstract class PadNd extends Module {
  readonly padding: number[];
  constructor(padding: number | number[], dims: number, protected readonly mode: F.PadMode) {
    super();
    this.padding = sides(padding, dims, this.constructor.name);
  }
  forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, { mode: this.mode });
  }
  extraRepr(): string {
    return pyTuple(this.padding);
  }
}

abstract class ConstantPadNd extends PadNd {
  constructor(padding: number | number[], dims: number, readonly value: number) {
    super(padding, dims, 'constant');
  }
  forward(input: Tensor): Tensor {
    return F.pad(input, this.padding, { mode: 'constant', value: this.value });
  }
  extraRepr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}
export class ConstantPad1d extends ConstantPadNd {
  constructor(padding: number | number[], value: number) {
    super(padding, 1, value);
  }
}
export class ConstantPad2d extends ConstantPadNd {
  constructor(padding: number | number[], value: number) {
    super(padding, 2, value);
  }
}
export class ConstantPad3d extends ConstantPadNd {
  constructor(padding: number | number[], value: number) {
    super(padding, 3, value);
  }
}
export class ZeroPad2d extends ConstantPadNd {
  constructor(padding: number | number[]) {
    super(padding, 2, 0);
  }
  extraRepr(): string {
    return pyTuple(this.padding);
  }
}

export class ReflectionPad1d extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, 1, 'reflect');
  }
}
export class ReflectionPad2d extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, 2, 'reflect');
  }
}
export class ReflectionPad3d extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, 3, 'reflect');
  }
}
export class ReplicationPad1d extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, 1, 'replicate');
  }
}
export class ReplicationPad2d extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, 2, 'replicate');
  }
}
export class ReplicationPad3d extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, 3, 'replicate');
  }
}
