/**
 * MNIST and Fashion-MNIST from their IDX files (gzipped or not) in a `root` folder, as
 * torchvision's datasets: `data` (uint8 [N, 28, 28]) and `targets` (int64 [N]); a sample is
 * `[image, label]` with the image as float32 [1, 28, 28] in [0, 1] (torchvision's ToTensor), or
 * whatever `transform` makes of the uint8 [28, 28] image.
 *
 * Fashion-MNIST's default root is where Debian's `dataset-fashion-mnist` package installs it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { TorchError, ValueError } from '../errors';
import { pin } from '../memory';
import { tensor } from '../creation';
import { Dataset } from '../utils/data/dataset';
import { defaultCollate } from '../utils/data/collate';
import type { Tensor } from '../tensor';
import { builtFile } from '../built';
import type { WorkerSource } from '../utils/data/worker_source';

/** Y: the label's type, a number unless `targetTransform` makes something else. */
export interface MNISTOptions<Y = number> {
  /** The folder with the four IDX files (default: see each dataset). */
  root?: string;
  /** The 60000-sample training set (default) or the 10000-sample test set. */
  train?: boolean;
  /** Maps the uint8 [28, 28] image to the sample's input (default: float32 [1, 28, 28] / 255). */
  transform?: (image: Tensor) => Tensor;
  targetTransform?: (label: number) => Y;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
};

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new TorchError(`${file}: not an IDX file (bad magic number)`);
  if (buf[2] !== 0x08) throw new TorchError(`${file}: IDX element type 0x${buf[2].toString(16)} is not unsigned bytes`);
  const nd = buf[3];
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * nd;
  const expected = dims.reduce((a, b) => a * b, 1);
  if (buf.length - offset !== expected) throw new TorchError(`${file}: truncated (expected ${expected} bytes of data, found ${buf.length - offset})`);
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, expected) };
}

function find(root: string, name: string): string | undefined {
  for (const f of [name, name + '.gz']) {
    const p = path.join(root, f);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

export class MNIST<Y = number> extends Dataset<[Tensor, Y]> {
  /** uint8 [N, 28, 28] */
  readonly data: Tensor;
  /** int64 [N] */
  readonly targets: Tensor;
  readonly root: string;
  readonly train: boolean;
  private readonly transform?: (image: Tensor) => Tensor;
  private readonly targetTransform?: (label: number) => Y;
  private labels: Int32Array;

  constructor(options: MNISTOptions<Y> = {}) {
    super();
    this.root = options.root ?? this.defaultRoot();
    this.train = options.train ?? true;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
    const [imagesName, labelsName] = this.train ? FILES.train : FILES.test;
    const images = find(this.root, imagesName);
    const labels = find(this.root, labelsName);
    if (!images || !labels) throw new TorchError(this.missingMessage(imagesName, labelsName));
    const img = readIdx(images);
    const lab = readIdx(labels);
    if (img.dims.length !== 3 || lab.dims.length !== 1 || img.dims[0] !== lab.dims[0]) {
      throw new TorchError(`${images} and ${labels} do not hold matching images [N, H, W] and labels [N]`);
    }
    this.data = pin(tensor(img.data).reshape(img.dims));
    this.labels = Int32Array.from(lab.data);
    this.targets = pin(tensor(lab.data).to('int64'));
  }

  protected defaultRoot(): string {
    return path.join(process.cwd(), 'data', 'MNIST');
  }

  protected missingMessage(images: string, labels: string): string {
    return `${this.constructor.name}: ${images}(.gz) and ${labels}(.gz) not found in ${this.root}. Download the IDX files into that folder (or pass { root }).`;
  }

  get length(): number {
    return this.labels.length;
  }

  getItem(index: number): [Tensor, Y] {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new ValueError(`index ${index} is out of range for ${n} samples`);
    const img = this.data.index(i);
    let x: Tensor;
    if (this.transform) {
      x = this.transform(img);
      if (x !== img) img.dispose();
    } else {
      x = img.unsqueeze(0).to('float32').div_(255);
      img.dispose();
    }
    // Without targetTransform, Y is number (the options type ties the two).
    const y = this.targetTransform ? this.targetTransform(this.labels[i]) : (this.labels[i] as Y);
    return [x, y];
  }

  /** A whole batch at once (what the DataLoader uses): [images, labels]. */
  getBatch(indices: number[]): unknown {
    if (this.transform || this.targetTransform) return defaultCollate(indices.map((i) => this.getItem(i)));
    const idx = tensor(indices, { dtype: 'int64' });
    const imgs = this.data.indexSelect(0, idx);
    const x = imgs.unsqueeze(1).to('float32').div_(255);
    const y = this.targets.indexSelect(0, idx);
    imgs.dispose();
    idx.dispose();
    return [x, y];
  }

  /**
   * In a DataLoader worker: the same files, read again there. A transform is a function, which
   * cannot cross to a worker; a dataset with one goes in a module of its own (`fromModule`).
   */
  workerSource(): WorkerSource {
    if (this.transform || this.targetTransform) {
      throw new ValueError(
        `${this.constructor.name} with a transform cannot be sent to DataLoader workers (a function cannot cross threads): ` +
          'make the dataset in a module and load it with torch.utils.data.fromModule(file, exportName, ...args)',
      );
    }
    return { module: builtFile('index.js'), exportName: `datasets.${this.constructor.name}`, args: [{ root: this.root, train: this.train }] };
  }

  /** Frees the dataset's tensors. */
  dispose(): void {
    this.data.dispose();
    this.targets.dispose();
  }
}

/** Where Debian's dataset-fashion-mnist package put the files (asks dpkg, then the usual path). */
function debianFashionRoot(): string {
  try {
    const out = execFileSync('dpkg', ['-L', 'dataset-fashion-mnist'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const f = out.split('\n').find((l) => l.endsWith('train-images-idx3-ubyte.gz'));
    if (f) return path.dirname(f);
  } catch {
    // not a Debian system, or the package is not installed
  }
  return '/usr/share/datasets/fashion-mnist';
}

export class FashionMNIST<Y = number> extends MNIST<Y> {
  protected defaultRoot(): string {
    return debianFashionRoot();
  }
  protected missingMessage(images: string, labels: string): string {
    return (
      `FashionMNIST: ${images}(.gz) and ${labels}(.gz) not found in ${this.root}. ` +
      'On Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist (files go to /usr/share/datasets/fashion-mnist); ' +
      'elsewhere download them from https://github.com/zalandoresearch/fashion-mnist into a folder and pass { root }.'
    );
  }
}
