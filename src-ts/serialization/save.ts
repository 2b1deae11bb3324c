/**
 * torch.save / torch.load in PyTorch's zip format (PyTorch >= 1.6): a zip archive holding
 * `data.pkl` (a pickle of the object, with each tensor's storage as a persistent id) and one
 * `data/<key>` record per storage. Python's `torch.load` reads what `save` writes, and `load`
 * reads what Python's `torch.save` writes: tensors (views keep sharing their storage), nn
 * Parameters, lists, tuples, dicts and OrderedDicts (state dicts), numbers, strings, bytes, sets,
 * dtypes and devices.
 *
 * Loading never runs code from the file. Python's pickle can name any callable; `load` only
 * knows the allow-list below and refuses everything else with a TorchError. (A TorchScript file,
 * by contrast, is a program: load those with torch.jit only from sources you trust.)
 */
import * as fs from 'fs';
import { binding, type Handle } from '../binding';
import { deviceString, type DeviceLike } from '../device';
import { DTYPE_CODE, type DType } from '../dtype';
import { TorchError, TypeError as TorchTypeError } from '../errors';
import { noGrad } from '../autograd';
import { Parameter } from '../nn/parameter';
import { Tensor } from '../tensor';
import { newDict, Pickler, PyGlobal, unpickle, type PyGlobalImpl } from './pickle';

// PyTorch's legacy typed-storage class names, which torch.save still writes in persistent ids.
const STORAGE_OF: Record<DType, string> = {
  float64: 'DoubleStorage',
  float32: 'FloatStorage',
  float16: 'HalfStorage',
  bfloat16: 'BFloat16Storage',
  int64: 'LongStorage',
  int32: 'IntStorage',
  int16: 'ShortStorage',
  int8: 'CharStorage',
  uint8: 'ByteStorage',
  bool: 'BoolStorage',
  complex64: 'ComplexFloatStorage',
  complex128: 'ComplexDoubleStorage',
};
const DTYPE_OF_STORAGE: Record<string, DType> = Object.fromEntries(Object.entries(STORAGE_OF).map(([d, s]) => [s, d as DType]));
// Python's names for the dtype objects (`torch.float32` pickles as GLOBAL torch float32).
const PY_DTYPES: Record<string, DType> = {
  float64: 'float64', double: 'float64', float32: 'float32', float: 'float32', float16: 'float16', half: 'float16',
  bfloat16: 'bfloat16', int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', int16: 'int16', short: 'int16',
  int8: 'int8', uint8: 'uint8', bool: 'bool', complex64: 'complex64', cfloat: 'complex64', complex128: 'complex128',
  cdouble: 'complex128',
};

/** Where loaded tensors go: a device for all, or a map from the saved location to a new one. */
export type MapLocation = DeviceLike | Record<string, DeviceLike>;

export interface LoadOptions {
  /** As Python's `map_location`: `'cpu'` loads CUDA checkpoints on a machine without a GPU. */
  mapLocation?: MapLocation;
}

/**
 * What save() can store (other objects are refused when saving). Numbers that are safe integers
 * become Python ints, others floats; plain objects and Maps become dicts, arrays lists.
 */
export type Saveable =
  | Tensor
  | number
  | bigint
  | boolean
  | string
  | null
  | undefined
  | Uint8Array
  | Saveable[]
  | Set<Saveable>
  | Map<string | number | bigint | boolean, Saveable>
  | { [key: string]: Saveable };

/** The object's pickle and storages, as torch.save lays them out. */
function serialize(obj: unknown): { names: string[]; payloads: (Uint8Array | Handle)[]; temps: Tensor[] } {
  const p = new Pickler();
  const storages = new Map<number, string>();
  const names: string[] = [];
  const payloads: (Uint8Array | Handle)[] = [];
  const temps: Tensor[] = [];
  const seen = new Set<object>();

  const storageKey = (t: Tensor): [string, number, number] => {
    const [id, nbytes, offset] = binding.storageInfo(t._h);
    const item = elementSize(t.dtype);
    let key = storages.get(id);
    if (key === undefined) {
      key = String(storages.size);
      storages.set(id, key);
      // The whole storage goes into the file, so views saved together stay views when loaded.
      let whole = noGrad(() => t.asStrided([nbytes / item], [1], 0));
      temps.push(whole);
      if (whole.device.type !== 'cpu') {
        whole = whole.cpu();
        temps.push(whole);
      }
      names.push(`data/${key}`);
      payloads.push(whole._h);
    }
    return [key, nbytes / item, offset];
  };

  const tensor = (t: Tensor) => {
    if (t._h < 0) throw new TorchTypeError('torch.save(): a tensor in the object was disposed');
    const [key, numel, offset] = storageKey(t);
    const param = t instanceof Parameter;
    if (param) p.global('torch._utils', '_rebuild_parameter');
    if (param) p.mark();
    p.global('torch._utils', '_rebuild_tensor_v2');
    p.mark();
    // persistent id: ('storage', torch.<Type>Storage, key, location, numel)
    p.mark();
    p.str('storage');
    p.global('torch', STORAGE_OF[t.dtype]);
    p.str(key);
    p.str(t.device.toString());
    p.int(numel);
    p.op(0x74); // TUPLE
    p.op(0x51); // BINPERSID
    p.int(offset);
    intTuple(t.shape);
    intTuple(t.stride());
    p.bool(param ? false : t.requiresGrad);
    p.global('collections', 'OrderedDict');
    p.op(0x29); // EMPTY_TUPLE
    p.op(0x52); // REDUCE
    p.op(0x74); // TUPLE
    p.op(0x52); // REDUCE
    if (param) {
      p.bool(t.requiresGrad);
      p.global('collections', 'OrderedDict');
      p.op(0x29);
      p.op(0x52);
      p.op(0x74);
      p.op(0x52);
    }
  };
  const intTuple = (xs: number[]) => {
    p.mark();
    for (const x of xs) p.int(x);
    p.op(0x74);
  };
  const dictItems = (entries: Iterable<[unknown, unknown]>) => {
    p.op(0x7d); // EMPTY_DICT
    p.mark();
    for (const [k, v] of entries) {
      value(k);
      value(v);
    }
    p.op(0x75); // SETITEMS
  };
  const value = (v: unknown): void => {
    if (v === null || v === undefined) return p.none();
    switch (typeof v) {
      case 'boolean':
        return p.bool(v);
      case 'bigint':
        return p.int(v);
      case 'number':
        return Number.isSafeInteger(v) && !Object.is(v, -0) ? p.int(v) : p.float(v);
      case 'string':
        return p.str(v);
      case 'object':
        break;
      default:
        throw new TorchTypeError(`torch.save() cannot store a ${typeof v}`);
    }
    if (v instanceof Tensor) return tensor(v);
    if (v instanceof Uint8Array) return p.pyBytes(v);
    const o = v as object;
    if (seen.has(o)) throw new TorchTypeError('torch.save() cannot store an object that contains itself');
    seen.add(o);
    try {
      if (Array.isArray(o)) {
        p.op(0x5d); // EMPTY_LIST
        p.mark();
        for (const x of o) value(x);
        p.op(0x65); // APPENDS
      } else if (o instanceof Map) {
        dictItems(o.entries());
      } else if (o instanceof Set) {
        p.global('builtins', 'set');
        p.op(0x5d);
        p.mark();
        for (const x of o) value(x);
        p.op(0x65);
        p.op(0x85); // TUPLE1
        p.op(0x52);
      } else if (Object.getPrototypeOf(o) === Object.prototype || Object.getPrototypeOf(o) === null) {
        dictItems(Object.entries(o));
      } else {
        throw new TorchTypeError(
          `torch.save() stores tensors, numbers, strings, booleans, null, Uint8Arrays, arrays, plain objects, Maps and Sets; got ${o.constructor?.name ?? 'an object'}` +
            (typeof (o as { stateDict?: unknown }).stateDict === 'function' ? ' (save its stateDict())' : ''),
        );
      }
    } finally {
      seen.delete(o);
    }
  };

  value(obj);
  return { names: ['data.pkl', ...names, 'byteorder'], payloads: [p.finish(), ...payloads, Buffer.from('little')], temps };
}

function elementSize(d: DType): number {
  switch (d) {
    case 'float64': case 'int64': case 'complex64': return 8;
    case 'complex128': return 16;
    case 'float32': case 'int32': return 4;
    case 'float16': case 'bfloat16': case 'int16': return 2;
    default: return 1;
  }
}

/**
 * Saves `obj` in PyTorch's format: to the file `f`, or, without `f`, returns the bytes.
 * Python reads it with `torch.load(f)` (as a dict for plain objects and Maps, a list for arrays).
 */
export function save(obj: Saveable | object, f: string): void;
export function save(obj: Saveable | object): Buffer;
export function save(obj: Saveable | object, f?: string): Buffer | void {
  if (f !== undefined && typeof f !== 'string') throw new TorchTypeError(`torch.save(): f must be a file path, got ${typeof f}`);
  const { names, payloads, temps } = serialize(obj);
  try {
    return binding.zipWrite(f ?? null, names, payloads) ?? undefined;
  } catch (e) {
    if (e instanceof TorchError && f !== undefined) e.message = `torch.save(): cannot write '${f}': ${e.message}`;
    throw e;
  } finally {
    for (const t of temps) t.dispose();
  }
}

function sourceOf(f: unknown): string {
  if (typeof f === 'string') {
    const source = `'${f}'`;
    checkMagic(readHead(f, source), source);
    return source;
  }
  if (f instanceof Uint8Array) {
    checkMagic(f.subarray(0, 8), 'the buffer');
    return 'the buffer';
  }
  throw new TorchTypeError(`torch.load(): f must be a file path or a Uint8Array, got ${typeof f}`);
}

// A record the central directory lists can still be unreadable (a damaged archive).
function damaged(what: string, source: string, e: unknown): TorchError {
  return new TorchError(`torch.load(): cannot read ${what} of ${source}, the archive is damaged (${(e as Error).message.split('\n')[0]})`);
}

/**
 * The object in `data.pkl`, its storages taken from `storage(key, dtype)` (a 1-D CPU tensor the
 * caller owns; the loaded tensors are views of it, so the caller disposes it afterwards).
 */
function decode(records: string[], pkl: () => Uint8Array, storage: (key: string, dtype: DType) => Tensor, source: string, options: LoadOptions): unknown {
  if (records.includes('constants.pkl') || records.some((r) => r.startsWith('code/'))) {
    throw new TorchError(`torch.load(): ${source} is a TorchScript module, not a torch.save file: load it with torch.jit.load`);
  }
  if (!records.includes('data.pkl')) throw new TorchError(`torch.load(): ${source} has no data.pkl (not a torch.save archive)`);
  const moved = new Map<string, Tensor>();
  const copies: Tensor[] = []; // made here (moved to another device); storage()'s are the caller's
  try {
    return unpickle(pkl(), {
      source: `torch.load(${source})`,
      globals: allowList(),
      persistentLoad: (pid) => {
        if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new TorchError(`torch.load(${source}): unsupported persistent id ${JSON.stringify(pid)}`);
        const [, type, key, location] = pid as [string, unknown, string, string];
        let t = moved.get(key);
        if (t === undefined) {
          const dtype = type instanceof StorageType ? type.dtype : undefined;
          if (dtype === undefined) throw new TorchError(`torch.load(${source}): storage '${key}' has an unknown type`);
          t = storage(key, dtype);
          const target = mapLocation(String(location), options.mapLocation, source);
          if (target !== 'cpu') {
            t = t.to(target);
            copies.push(t);
          }
          moved.set(key, t);
        }
        return t;
      },
    });
  } finally {
    for (const t of copies) t.dispose(); // the loaded views keep what they need
  }
}

/** Reads a file torch.save wrote (here or in Python). See the module docs for what comes back. */
export function load(f: string | Uint8Array, options: LoadOptions = {}): unknown {
  const source = sourceOf(f);
  let zip: unknown;
  try {
    zip = binding.zipOpen(f);
  } catch (e) {
    throw new TorchError(`torch.load(): ${source} is not a readable PyTorch archive (${(e as Error).message.split('\n')[0]})`);
  }
  const storages: Tensor[] = [];
  const read = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw damaged(what, source, e);
    }
  };
  try {
    return decode(
      binding.zipRecords(zip),
      () => read('data.pkl', () => binding.zipRecordBytes(zip, 'data.pkl')),
      (key, dtype) => {
        const t = new Tensor(read(`data/${key}`, () => binding.zipRecordTensor(zip, `data/${key}`, DTYPE_CODE[dtype])));
        storages.push(t);
        return t;
      },
      source,
      options,
    );
  } finally {
    binding.zipClose(zip);
    for (const t of storages) t.dispose();
  }
}

/**
 * `load`, with the file read and the archive's records unpacked on libuv's pool (the event loop
 * stays free for large checkpoints); the small pickle is then decoded on this thread.
 */
export async function loadAsync(f: string | Uint8Array, options: LoadOptions = {}): Promise<unknown> {
  const source = sourceOf(f);
  let records: [string, Handle][];
  try {
    records = await binding.zipReadAllAsync(f);
  } catch (e) {
    throw new TorchError(`torch.load(): ${source} is not a readable PyTorch archive (${(e as Error).message.split('\n')[0]})`);
  }
  const raw = new Map(records.map(([name, h]) => [name, new Tensor(h)]));
  const views: Tensor[] = [];
  try {
    return decode(
      [...raw.keys()],
      () => raw.get('data.pkl')!.toTypedArray() as Uint8Array,
      (key, dtype) => {
        const bytes = raw.get(`data/${key}`);
        if (bytes === undefined) throw damaged(`data/${key}`, source, new Error('record missing'));
        try {
          const v = bytes.view(dtype);
          views.push(v);
          return v;
        } catch (e) {
          throw damaged(`data/${key}`, source, e);
        }
      },
      source,
      options,
    );
  } finally {
    for (const t of [...views, ...raw.values()]) t.dispose();
  }
}

/** `save` to a file, with the archive written on libuv's pool. The tensors are captured when it is called. */
export async function saveAsync(obj: Saveable | object, f: string): Promise<void> {
  if (typeof f !== 'string') throw new TorchTypeError(`torch.saveAsync(): f must be a file path, got ${typeof f}`);
  const { names, payloads, temps } = serialize(obj);
  let pending: Promise<void>;
  try {
    pending = binding.zipWriteAsync(f, names, payloads);
  } finally {
    for (const t of temps) t.dispose(); // the write holds its own references
  }
  try {
    await pending;
  } catch (e) {
    if (e instanceof TorchError) e.message = `torch.saveAsync(): cannot write '${f}': ${e.message}`;
    throw e;
  }
}

function readHead(path: string, source: string): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TorchError(`torch.load(): cannot open ${source}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    const head = Buffer.alloc(8);
    return head.subarray(0, fs.readSync(fd, head, 0, 8, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function checkMagic(head: Uint8Array, source: string): void {
  if (head.length >= 2 && head[0] === 0x50 && head[1] === 0x4b) return; // 'PK': a zip archive
  if (head.length >= 2 && head[0] === 0x80 && head[1] <= 5) {
    throw new TorchError(`torch.load(): ${source} is in PyTorch's legacy (pre-1.6) format; re-save it in Python with torch.save(obj, f) (the zip format, PyTorch's default since 1.6)`);
  }
  throw new TorchError(`torch.load(): ${source} is not a PyTorch file (no zip archive signature)`);
}

function mapLocation(saved: string, map: MapLocation | undefined, source: string): string {
  let target = saved;
  if (map !== undefined) {
    if (typeof map === 'object' && !('type' in map)) {
      const m = (map as Record<string, DeviceLike>)[saved];
      if (m !== undefined) target = deviceString(m);
    } else {
      target = deviceString(map as DeviceLike);
    }
  }
  if (target.startsWith('cuda') && !binding.config().cudaAvailable) {
    throw new TorchError(
      `torch.load(${source}): the file holds tensors saved on ${saved}, but CUDA is not available here; pass { mapLocation: 'cpu' }`,
    );
  }
  return target;
}

class StorageType {
  constructor(readonly dtype: DType) {}
}

// A tensor over a storage as Python's _rebuild_tensor_v2 makes it.
function rebuildTensor(args: unknown[]): Tensor {
  const [storage, offset, size, stride, requiresGrad] = args as [Tensor, number, number[], number[], boolean];
  if (!(storage instanceof Tensor)) throw new TorchError('torch.load(): a tensor without a storage');
  const t = noGrad(() => storage.asStrided(size.map(Number), stride.map(Number), Number(offset)));
  if (requiresGrad === true) t.requiresGrad_(true);
  return t;
}

// Python's names this loader rebuilds, and nothing else.
function allowList(): Record<string, PyGlobalImpl> {
  const g: Record<string, PyGlobalImpl> = {
    'torch._utils._rebuild_tensor_v2': { call: rebuildTensor },
    'torch._utils._rebuild_tensor': { call: rebuildTensor },
    'torch._utils._rebuild_tensor_v3': {
      // (storage, offset, size, stride, requires_grad, hooks, dtype, metadata): the storage is untyped
      call: ([storage, offset, size, stride, requiresGrad, , dtype]) => {
        const s = storage as Tensor;
        const typed = s.dtype === dtype ? s : s.view(dtype as DType);
        return rebuildTensor([typed, offset, size, stride, requiresGrad]);
      },
    },
    'torch._utils._rebuild_parameter': { call: ([data, requiresGrad]) => toParameter(data, requiresGrad) },
    'torch._utils._rebuild_parameter_with_state': { call: ([data, requiresGrad]) => toParameter(data, requiresGrad) },
    'torch.nn.parameter.Parameter': { call: ([data, requiresGrad]) => toParameter(data, requiresGrad ?? true) },
    'torch._tensor._rebuild_from_type_v2': {
      // (func, type, args, state): func is itself from this list; the type is Tensor or Parameter
      call: ([func, type, args]) => {
        if (!(func instanceof PyGlobal) || func.impl.call === undefined || !(type instanceof PyGlobal)) {
          throw new TorchError('torch.load(): unsupported tensor subclass');
        }
        const made = func.impl.call(args as unknown[]);
        if (type.qualname === 'torch.nn.parameter.Parameter') return toParameter(made, true);
        if (type.qualname !== 'torch.Tensor') throw new TorchError(`torch.load(): tensor subclass ${type.qualname} is not supported`);
        return made;
      },
    },
    'torch.Tensor': { call: () => { throw new TorchError('torch.load(): torch.Tensor() constructed directly is not supported'); } },
    'torch.Size': { call: ([dims]) => (dims as unknown[]).map(Number) },
    'torch.device': { call: ([type, index]) => (index === undefined || index === null ? String(type) : `${type}:${index}`) },
    'collections.OrderedDict': {
      call: (args) => {
        const d = newDict();
        if (args.length > 0 && args[0] !== null) throw new TorchError('torch.load(): OrderedDict with initial items is not supported');
        return d;
      },
      // Python's state dicts carry `_metadata` (per-module versions) as instance state: not kept.
      build: (obj) => obj,
    },
    'builtins.set': { call: ([items]) => new Set((items as unknown[] | undefined) ?? []) },
    'builtins.frozenset': { call: ([items]) => new Set((items as unknown[] | undefined) ?? []) },
    'builtins.bytearray': { call: ([b]) => Buffer.from((b as Uint8Array | undefined) ?? []) },
    'builtins.slice': { call: ([a, b, c]) => ({ start: a, stop: b, step: c }) },
    '_codecs.encode': {
      // Protocol 2's bytes: _codecs.encode(text, 'latin1')
      call: ([text, enc]) => {
        if (typeof text !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) throw new TorchError('torch.load(): unsupported _codecs.encode call');
        return Buffer.from(text, 'latin1');
      },
    },
  };
  // Protocol 2 names builtins by their Python 2 module.
  for (const name of ['set', 'frozenset', 'bytearray', 'slice']) g[`__builtin__.${name}`] = g[`builtins.${name}`];
  for (const [name, dtype] of Object.entries(DTYPE_OF_STORAGE)) g[`torch.${name}`] = { value: new StorageType(dtype) };
  g['torch.UntypedStorage'] = { value: new StorageType('uint8') };
  for (const [name, dtype] of Object.entries(PY_DTYPES)) g[`torch.${name}`] = { value: dtype };
  return g;
}

function toParameter(data: unknown, requiresGrad: unknown): Parameter {
  if (!(data instanceof Tensor)) throw new TorchError('torch.load(): a Parameter without a tensor');
  const p = new Parameter(data, requiresGrad !== false);
  data.dispose();
  return p;
}
