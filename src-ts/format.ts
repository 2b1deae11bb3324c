/**
 * Printing, exactly as PyTorch's `repr` (torch/_tensor_str.py): the same formatter choices
 * (int mode, scientific mode, precision), line wrapping, summarization of large tensors with
 * edge items, and the dtype / device / grad suffixes.
 */
import { binding } from './binding';
import { isComplex, isFloatingPoint, type DType } from './dtype';
import { scope } from './memory';
import { ATEN, opId } from './ops';
import { wrap, type Tensor } from './tensor';

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  /** true/false forces scientific notation on/off; null lets the formatter choose. */
  sciMode: boolean | null;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };
const PROFILES: Record<string, Partial<PrintOptions>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
};
const OPTS: PrintOptions = { ...DEFAULTS };

/** PyTorch's `torch.set_printoptions` (`profile`: 'default' | 'short' | 'full'). */
export function setPrintOptions(o: Partial<PrintOptions> & { profile?: 'default' | 'short' | 'full' }): void {
  if (o.profile !== undefined) Object.assign(OPTS, PROFILES[o.profile]);
  for (const k of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) if (o[k] !== undefined) OPTS[k] = o[k];
  // As in PyTorch, sci_mode resets to automatic unless given.
  OPTS.sciMode = o.sciMode ?? null;
}

// ---- number formatting with Python's rules (round half to even, 2-digit exponents) ----------

// JS rounds exact ties away from zero; Python's format() rounds them to even.
function fixed(x: number, p: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  let s = x.toFixed(p);
  const exact = Math.abs(x).toFixed(Math.min(100, p + 25));
  const dot = exact.indexOf('.');
  if (exact.slice(dot + p + 1) === '5' + '0'.repeat(24)) {
    const truncated = p === 0 ? exact.slice(0, dot) : exact.slice(0, dot + p + 1);
    if (Number(truncated[truncated.length - 1]) % 2 === 0) s = (x < 0 ? '-' : '') + truncated;
  }
  if (Object.is(x, -0) || (x < 0 && s[0] !== '-')) s = '-' + s;
  return s;
}

function expo(x: number, p: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  let s = x.toExponential(p);
  const exact = Math.abs(x).toExponential(Math.min(100, p + 25));
  const [mant, exp] = exact.split('e');
  const dot = mant.indexOf('.');
  if (dot >= 0 && mant.slice(dot + p + 1) === '5' + '0'.repeat(24)) {
    const truncated = p === 0 ? mant.slice(0, dot) : mant.slice(0, dot + p + 1);
    if (Number(truncated[truncated.length - 1]) % 2 === 0) s = (x < 0 ? '-' : '') + truncated + 'e' + exp;
  }
  if (Object.is(x, -0)) s = '-' + s;
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

class Formatter {
  floating: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;

  constructor(values: ArrayLike<number | bigint>, dtype: DType) {
    this.floating = isFloatingPoint(dtype) || isComplex(dtype);
    if (!this.floating) {
      for (let i = 0; i < values.length; i++) this.maxWidth = Math.max(this.maxWidth, this.plain(values[i], dtype).length);
      this.dtype = dtype;
      return;
    }
    const vals: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v) && v !== 0) vals.push(v);
    }
    if (vals.length > 0) {
      let mn = Infinity;
      let mx = 0;
      for (const v of vals) {
        const a = Math.abs(v);
        if (a < mn) mn = a;
        if (a > mx) mx = a;
        if (v !== Math.ceil(v)) this.intMode = false;
      }
      const p = OPTS.precision;
      if (this.intMode) {
        if (mx / mn > 1000 || mx > 1e8) {
          this.sciMode = true;
          for (const v of vals) this.maxWidth = Math.max(this.maxWidth, expo(v, p).length);
        } else {
          for (const v of vals) this.maxWidth = Math.max(this.maxWidth, fixed(v, 0).length + 1);
        }
      } else if (mx / mn > 1000 || mx > 1e8 || mn < 1e-4) {
        this.sciMode = true;
        for (const v of vals) this.maxWidth = Math.max(this.maxWidth, expo(v, p).length);
      } else {
        for (const v of vals) this.maxWidth = Math.max(this.maxWidth, fixed(v, p).length);
      }
    }
    if (OPTS.sciMode !== null) this.sciMode = OPTS.sciMode;
    this.dtype = dtype;
  }
  dtype: DType;

  private plain(v: number | bigint, dtype: DType): string {
    if (dtype === 'bool') return v ? 'True' : 'False';
    return String(v);
  }

  format(v: number | bigint): string {
    let s: string;
    if (this.floating) {
      const x = v as number;
      if (this.sciMode) s = expo(x, OPTS.precision);
      else if (this.intMode) {
        s = fixed(x, 0);
        if (Number.isFinite(x)) s += '.';
      } else s = fixed(x, OPTS.precision);
    } else s = this.plain(v, this.dtype);
    return s.length < this.maxWidth ? ' '.repeat(this.maxWidth - s.length) + s : s;
  }
}

// ---- layout ----------------------------------------------------------------------------

function summarizedData(t: Tensor): Tensor {
  const e = OPTS.edgeitems;
  const dim = t.dim();
  if (dim === 0) return t;
  const n = t.size(0);
  if (dim === 1) {
    if (n <= 2 * e) return t;
    return wrap(binding.call(opId(ATEN.cat), [t.slice(0, 0, e)._h, t.slice(0, n - e, n)._h], 0));
  }
  const idx = n > 2 * e ? [...Array(e).keys(), ...Array.from({ length: e }, (_, i) => n - e + i)] : [...Array(n).keys()];
  return wrap(binding.call(opId(ATEN.stack), idx.map((i) => summarizedData(t.select(0, i))._h), 0));
}

interface Data {
  shape: number[]; // the original shape
  sshape: number[]; // the shape of the (possibly summarized) data
  re: ArrayLike<number | bigint>;
  im?: ArrayLike<number>;
  summarize: boolean;
}

function tensorStr(t: Tensor, indent: number): string {
  if (t.numel() === 0) return '[]';
  const summarize = t.numel() > OPTS.threshold;
  const s = summarize ? summarizedData(t) : t;
  const dtype = t.dtype;
  const raw = s.toTypedArray();
  const d: Data = { shape: t.shape, sshape: s.shape, re: raw as ArrayLike<number | bigint>, summarize };
  let f1: Formatter;
  let f2: Formatter | undefined;
  if (isComplex(dtype)) {
    const n = raw.length / 2;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = raw[2 * i] as number;
      im[i] = raw[2 * i + 1] as number;
    }
    d.re = re;
    d.im = im;
    const part: DType = dtype === 'complex64' ? 'float32' : 'float64';
    f1 = new Formatter(re, part);
    f2 = new Formatter(im, part);
  } else {
    f1 = new Formatter(d.re, dtype);
  }
  const strides: number[] = [];
  let acc = 1;
  for (let i = d.sshape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= d.sshape[i];
  }
  const val = (i: number): string => {
    if (!f2) return f1.format(d.re[i]);
    const real = f1.format(d.re[i]);
    const imag = (f2.format(d.im![i]) + 'j').trimStart();
    return imag[0] === '+' || imag[0] === '-' ? real + imag : real + '+' + imag;
  };
  const e = OPTS.edgeitems;
  // Positions along one dim of the data, with null where PyTorch prints '...'.
  const positions = (dim: number): (number | null)[] => {
    const n = d.shape[dim];
    if (d.summarize && n > 2 * e) return [...Array(e).keys(), null, ...Array.from({ length: e }, (_, i) => e + i)];
    return [...Array(n).keys()];
  };
  const rec = (dim: number, offset: number, ind: number): string => {
    const nd = d.shape.length - dim;
    if (nd === 0) return val(offset);
    if (nd === 1) {
      const elementLength = f1.maxWidth + 2 + (f2 ? f2.maxWidth + 1 : 0);
      const perLine = Math.max(1, Math.floor((OPTS.linewidth - ind) / elementLength));
      const items = positions(dim).map((p) => (p === null ? ' ...' : val(offset + p * strides[dim])));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return '[' + lines.join(',\n' + ' '.repeat(ind + 1)) + ']';
    }
    const slices = positions(dim).map((p) => (p === null ? '...' : rec(dim + 1, offset + p * strides[dim], ind + 1)));
    return '[' + slices.join(',' + '\n'.repeat(nd - 1) + ' '.repeat(ind + 1)) + ']';
  };
  return rec(0, 0, indent);
}

function addSuffixes(str: string, suffixes: string[], indent: number): string {
  const parts = [str];
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > OPTS.linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + s);
      lastLineLen = indent + s.length;
    } else {
      parts.push(', ' + s);
      lastLineLen += s.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

const DEFAULT_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'complex64', 'int64', 'bool']);

/** The PyTorch `repr` of a tensor. */
export function formatTensor(t: Tensor): string {
  return scope(() => {
    const prefix = 'tensor(';
    const indent = prefix.length;
    const suffixes: string[] = [];
    const dev = binding.device(t._h);
    if (dev !== 'cpu') suffixes.push(`device='${dev}'`);
    const dtype = t.dtype;
    let body: string;
    if (t.numel() === 0) {
      const shape = t.shape;
      if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
      if (dtype !== 'float32') suffixes.push(`dtype=torch.${dtype}`);
      body = '[]';
    } else {
      if (!DEFAULT_DTYPES.has(dtype)) suffixes.push(`dtype=torch.${dtype}`);
      body = tensorStr(t.detach(), indent);
    }
    const gradFn = binding.gradFn(t._h);
    if (gradFn !== null) suffixes.push(`grad_fn=<${gradFn}>`);
    else if (t.requiresGrad) suffixes.push('requires_grad=True');
    return addSuffixes(prefix + body, suffixes, indent);
  });
}
