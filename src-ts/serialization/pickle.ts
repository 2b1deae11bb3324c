/**
 * Python's pickle format, restricted: the reader understands the opcodes Python's pickler emits
 * for data (protocols 0 to 5), and never runs or imports anything the file names. A GLOBAL is
 * looked up in the caller's allow-list; anything else (and every opcode that would build an
 * arbitrary object: INST, OBJ, EXT*, out-of-band buffers) is a TorchError naming it.
 * The writer emits protocol 2, as torch.save does by default.
 */
import { TorchError } from '../errors';

/** What an allow-listed global can do: be called (REDUCE / NEWOBJ), and update what it made (BUILD). */
export interface PyGlobalImpl {
  call?(args: unknown[]): unknown;
  /** BUILD on an object this global made; returns the (possibly new) object. */
  build?(obj: unknown, state: unknown): unknown;
  /** What the global itself stands for as data (torch.float32 -> 'float32'). */
  value?: unknown;
}

/** A global the file named, resolved against the allow-list. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly impl: PyGlobalImpl,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A Python dict with keys that are not all strings (an int-keyed optimizer state, say) is a Map. */
export type PyDict = Record<string, unknown> | Map<unknown, unknown>;

export interface UnpickleOptions {
  /** 'module.name' -> implementation. Everything else is refused. */
  globals: Record<string, PyGlobalImpl>;
  /** Resolves a persistent id (torch.save's storages). */
  persistentLoad(pid: unknown): unknown;
  /** Names the data in error messages. */
  source: string;
}

// Objects made by an allow-listed global, so BUILD knows whose build() to call.
const madeBy = new WeakMap<object, PyGlobal>();

/** Python's dict -> a plain object (all keys strings) or a Map (any other key). */
function makeDict(entries: [unknown, unknown][]): PyDict {
  if (entries.every(([k]) => typeof k === 'string')) {
    const o: Record<string, unknown> = {};
    // defineProperty, not assignment: a key '__proto__' must stay a key.
    for (const [k, v] of entries) Object.defineProperty(o, k as string, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  }
  return new Map(entries);
}

/** A dict while it is being filled (SETITEMS); it becomes a plain object or Map when used. */
class DictBuilder {
  entries: [unknown, unknown][] = [];
}

/** For globals that make dicts (collections.OrderedDict): an empty dict the pickle then fills. */
export function newDict(): unknown {
  return new DictBuilder();
}

/** Reads one pickle. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (msg: string): never => {
    throw new TorchError(`${options.source}: ${msg}`);
  };
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) fail('truncated pickle data');
  };
  const u8 = () => {
    need(1);
    return buf[pos++];
  };
  const take = (n: number) => {
    need(n);
    const b = buf.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const line = () => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) fail('truncated pickle data');
    const s = buf.toString('latin1', pos, end);
    pos = end + 1;
    return s;
  };
  const u32 = () => {
    need(4);
    const v = buf.readUInt32LE(pos);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = buf.readBigUInt64LE(pos);
    pos += 8;
    if (v > BigInt(buf.length)) fail('a length in the pickle runs past its end');
    return Number(v);
  };

  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();

  const pop = () => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1])) fail('pickle stack underflow');
    return stack.pop();
  };
  const popMark = (): unknown[] => {
    if (marks.length === 0) fail('pickle MARK missing');
    const at = marks.pop()!;
    return stack.splice(at);
  };
  const top = () => {
    if (stack.length === 0) fail('pickle stack underflow');
    return stack[stack.length - 1];
  };
  const resolveGlobal = (module: string, name: string): PyGlobal => {
    const impl = options.globals[`${module}.${name}`];
    if (impl === undefined) {
      fail(`refusing to load '${module}.${name}': torch.load only rebuilds tensors and plain data (the file names a Python object outside its allow-list; it may be code)`);
    }
    return new PyGlobal(module, name, impl!);
  };
  const callGlobal = (g: unknown, args: unknown): unknown => {
    if (!(g instanceof PyGlobal) || g.impl.call === undefined) fail(`cannot call ${g instanceof PyGlobal ? g.qualname : typeof g} while loading`);
    if (!Array.isArray(args)) fail('REDUCE arguments are not a tuple');
    const out = (g as PyGlobal).impl.call!(args as unknown[]);
    if (out !== null && typeof out === 'object') madeBy.set(out, g as PyGlobal);
    return out;
  };
  const finish = (v: unknown): unknown => {
    if (v instanceof DictBuilder) return makeDict(v.entries);
    if (v instanceof PyGlobal && v.impl.value !== undefined) return v.impl.value;
    return v;
  };
  const setItems = (target: unknown, kv: unknown[]) => {
    if (kv.length % 2 !== 0) fail('odd number of items for a dict');
    if (target instanceof DictBuilder) {
      for (let i = 0; i < kv.length; i += 2) {
        const k = finish(kv[i]);
        const idx = target.entries.findIndex(([x]) => x === k);
        if (idx >= 0) target.entries[idx][1] = kv[i + 1];
        else target.entries.push([k, kv[i + 1]]);
      }
    } else {
      fail('SETITEM on something that is not a dict');
    }
  };
  const int = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  const decodeLong = (b: Buffer): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return int(v);
  };
  const textInt = (s: string): number | bigint | boolean => {
    if (s === '00') return false;
    if (s === '01') return true;
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[-+]?\d+$/.test(t)) fail(`bad integer '${s}' in pickle`);
    return int(BigInt(t));
  };
  const pyStringLiteral = (s: string): string => {
    const q = s[0];
    if ((q !== "'" && q !== '"') || s[s.length - 1] !== q || s.length < 2) fail('bad STRING in pickle');
    return s.slice(1, -1);
  };

  // Dicts stay DictBuilders on the stack while SETITEMS fill them; they are finished (made a plain
  // object or Map) when they go into a container, become arguments, or are the result.
  const push = (v: unknown) => stack.push(v);

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol newer than 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: { // STOP
        return finish(pop());
      }
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(take(2).readUInt16LE(0));
        break;
      case 0x4a: // BININT
        push(take(4).readInt32LE(0));
        break;
      case 0x8a: // LONG1
        push(decodeLong(take(u8())));
        break;
      case 0x8b: { // LONG4
        const n = take(4).readInt32LE(0);
        if (n < 0) fail('negative LONG4 length');
        push(decodeLong(take(n)));
        break;
      }
      case 0x49: // INT
        push(textInt(line()));
        break;
      case 0x4c: // LONG
        push(textInt(line()));
        break;
      case 0x46: { // FLOAT
        const s = line();
        const v = Number(s);
        if (Number.isNaN(v) && !/nan/i.test(s)) fail(`bad float '${s}' in pickle`);
        push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        push(take(8).readDoubleBE(0));
        break;
      case 0x58: // BINUNICODE
        push(take(u32()).toString('utf8'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(take(u8()).toString('utf8'));
        break;
      case 0x8d: // BINUNICODE8
        push(take(u64()).toString('utf8'));
        break;
      case 0x56: // UNICODE (raw-unicode-escape text)
        push(line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a, b) => String.fromCodePoint(parseInt(a ?? b, 16))));
        break;
      case 0x53: // STRING (Python 2 str, read as latin-1 text)
        push(pyStringLiteral(line()));
        break;
      case 0x54: // BINSTRING
        push(take(take(4).readInt32LE(0)).toString('latin1'));
        break;
      case 0x55: // SHORT_BINSTRING
        push(take(u8()).toString('latin1'));
        break;
      case 0x42: // BINBYTES
        push(Buffer.from(take(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        push(Buffer.from(take(u8())));
        break;
      case 0x8e: // BINBYTES8
        push(Buffer.from(take(u64())));
        break;
      case 0x96: // BYTEARRAY8
        push(Buffer.from(take(u64())));
        break;
      case 0x29: // EMPTY_TUPLE
        push([]);
        break;
      case 0x85: // TUPLE1
        push([finish(pop())]);
        break;
      case 0x86: { // TUPLE2
        const b = finish(pop());
        push([finish(pop()), b]);
        break;
      }
      case 0x87: { // TUPLE3
        const c = finish(pop());
        const b = finish(pop());
        push([finish(pop()), b, c]);
        break;
      }
      case 0x74: // TUPLE
        push(popMark().map(finish));
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x6c: // LIST
        push(popMark().map(finish));
        break;
      case 0x61: { // APPEND
        const v = finish(pop());
        const l = top();
        if (!Array.isArray(l)) fail('APPEND to something that is not a list');
        (l as unknown[]).push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark().map(finish);
        const l = top();
        if (!Array.isArray(l)) fail('APPENDS to something that is not a list');
        for (const v of items) (l as unknown[]).push(v);
        break;
      }
      case 0x7d: { // EMPTY_DICT
        push(new DictBuilder());
        break;
      }
      case 0x64: { // DICT
        const d = new DictBuilder();
        setItems(d, popMark().map(finish));
        push(d);
        break;
      }
      case 0x73: { // SETITEM
        const v = finish(pop());
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const kv = popMark().map(finish);
        setItems(top(), kv);
        break;
      }
      case 0x8f: // EMPTY_SET
        push(new Set());
        break;
      case 0x90: { // ADDITEMS
        const items = popMark().map(finish);
        const s = top();
        if (!(s instanceof Set)) fail('ADDITEMS to something that is not a set');
        for (const v of items) (s as Set<unknown>).add(v);
        break;
      }
      case 0x91: // FROZENSET
        push(new Set(popMark().map(finish)));
        break;
      case 0x70: { // PUT
        const i = Number(line());
        memo.set(i, top());
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: { // LONG_BINGET
        const i = op === 0x67 ? Number(line()) : op === 0x68 ? u8() : u32();
        if (!memo.has(i)) fail(`pickle memo has no entry ${i}`);
        push(memo.get(i));
        break;
      }
      case 0x63: { // GLOBAL
        const module = line();
        push(resolveGlobal(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = finish(pop());
        push(callGlobal(pop(), args));
        break;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), allowed only for allow-listed classes
        const args = finish(pop());
        push(callGlobal(pop(), args));
        break;
      }
      case 0x92: { // NEWOBJ_EX
        const kwargs = finish(pop());
        const args = finish(pop());
        if (kwargs !== null && Object.keys(kwargs as object).length > 0) fail('NEWOBJ_EX with keyword arguments is not supported');
        push(callGlobal(pop(), args));
        break;
      }
      case 0x62: { // BUILD
        const state = finish(pop());
        const obj = top();
        const g = obj !== null && typeof obj === 'object' ? madeBy.get(obj as object) : undefined;
        if (g === undefined || g.impl.build === undefined) fail(`cannot set the state of ${describePy(obj)} while loading`);
        stack[stack.length - 1] = g!.impl.build!(obj, state);
        break;
      }
      case 0x51: // BINPERSID
        push(options.persistentLoad(finish(pop())));
        break;
      case 0x50: // PERSID
        push(options.persistentLoad(line()));
        break;
      case 0x69: // INST
      case 0x6f: // OBJ
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        fail(`refusing pickle opcode 0x${op.toString(16)} (it builds arbitrary objects)`);
        break;
      default:
        fail(`unknown pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

function describePy(v: unknown): string {
  if (v instanceof DictBuilder) return 'a dict';
  if (Array.isArray(v)) return 'a list';
  return v === null ? 'None' : typeof v;
}

/** Builds a protocol-2 pickle. The caller supplies how its own objects reduce. */
export class Pickler {
  private chunks: Buffer[] = [];
  private cur = Buffer.alloc(1 << 16);
  private n = 0;

  constructor() {
    this.bytes(Buffer.from([0x80, 2]));
  }

  private bytes(b: Uint8Array): void {
    if (this.n + b.length > this.cur.length) {
      this.chunks.push(this.cur.subarray(0, this.n));
      this.cur = Buffer.alloc(Math.max(1 << 16, b.length));
      this.n = 0;
    }
    this.cur.set(b, this.n);
    this.n += b.length;
  }
  op(code: number): void {
    this.bytes(Buffer.from([code]));
  }
  mark(): void {
    this.op(0x28);
  }
  none(): void {
    this.op(0x4e);
  }
  bool(v: boolean): void {
    this.op(v ? 0x88 : 0x89);
  }
  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) return this.bytes(Buffer.from([0x4b, v]));
    if (typeof v === 'number' && v >= 0 && v < 65536) {
      const b = Buffer.alloc(3);
      b[0] = 0x4d;
      b.writeUInt16LE(v, 1);
      return this.bytes(b);
    }
    if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) {
      const b = Buffer.alloc(5);
      b[0] = 0x4a;
      b.writeInt32LE(v, 1);
      return this.bytes(b);
    }
    // LONG1: little-endian two's complement, as few bytes as hold the sign.
    let x = BigInt(v);
    const out: number[] = [];
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = out[out.length - 1] & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    this.bytes(Buffer.from([0x8a, out.length, ...out]));
  }
  float(v: number): void {
    const b = Buffer.alloc(9);
    b[0] = 0x47;
    b.writeDoubleBE(v, 1);
    this.bytes(b);
  }
  str(s: string): void {
    const utf8 = Buffer.from(s, 'utf8');
    const h = Buffer.alloc(5);
    h[0] = 0x58;
    h.writeUInt32LE(utf8.length, 1);
    this.bytes(h);
    this.bytes(utf8);
  }
  global(module: string, name: string): void {
    this.bytes(Buffer.from(`c${module}\n${name}\n`, 'latin1'));
  }
  /** Protocol 2 has no bytes opcode: Python writes `_codecs.encode(latin-1 text, 'latin1')`. */
  pyBytes(b: Uint8Array): void {
    this.global('_codecs', 'encode');
    this.mark();
    this.str(Buffer.from(b).toString('latin1'));
    this.str('latin1');
    this.op(0x74); // TUPLE
    this.op(0x52); // REDUCE
  }
  /** Ends the pickle and returns its bytes. */
  finish(): Buffer {
    this.op(0x2e);
    return Buffer.concat([...this.chunks, this.cur.subarray(0, this.n)]);
  }
}
