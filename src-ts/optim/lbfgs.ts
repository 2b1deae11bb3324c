/**
 * L-BFGS, as PyTorch's torch.optim.LBFGS (after minFunc): each `step(closure)` runs up to `maxIter`
 * quasi-Newton iterations on all parameters as one flat vector, with a fixed step (`lr`) or a
 * strong-Wolfe line search. One parameter group only, all on one device.
 *
 * PyTorch keeps some of the algorithm's scalars as 0-d float32 tensors (dot products, step
 * lengths after the first, the curvature pairs' 1/y.s) and others as Python floats (losses); the
 * arithmetic mixes them. `Sc` below carries that distinction, rounding to float32 exactly where
 * PyTorch computes in float32, so the iterates and the line search's branches follow Python's.
 */
import { TypeError as TorchTypeError, ValueError, TorchError } from '../errors';
import { cat, zeros } from '../generated/ops';
import { tensor } from '../creation';
import { enableGrad, noGrad } from '../autograd';
import { pin, scope } from '../memory';
import { Tensor } from '../tensor';
import { Optimizer, type OptimizerStateDict, type ParamsLike } from './optimizer';

export interface LBFGSOptions {
  lr?: number;
  /** Iterations per `step()` (default 20). */
  maxIter?: number;
  /** Closure evaluations per `step()` (default maxIter * 5 / 4). */
  maxEval?: number | null;
  toleranceGrad?: number;
  toleranceChange?: number;
  /** Curvature pairs kept (default 100). */
  historySize?: number;
  lineSearchFn?: 'strong_wolfe' | null;
}

// ---- scalars as PyTorch holds them -----------------------------------------------------------

/** A scalar: a Python float (`t` false) or a 0-d float32 tensor's value (`t` true). */
interface Sc {
  readonly v: number;
  readonly t: boolean;
}
const f32 = Math.fround;
const num = (v: number): Sc => ({ v, t: false });
const ten = (v: number): Sc => ({ v: f32(v), t: true });
type ScLike = Sc | number;
const sc = (x: ScLike): Sc => (typeof x === 'number' ? num(x) : x);
// A float meeting a float32 tensor is cast to float32 and the op runs in float32 (wrapped scalars).
function op(a: ScLike, b: ScLike, f: (x: number, y: number) => number): Sc {
  const [x, y] = [sc(a), sc(b)];
  return x.t || y.t ? ten(f(f32(x.v), f32(y.v))) : num(f(x.v, y.v));
}
const add = (a: ScLike, b: ScLike): Sc => op(a, b, (x, y) => x + y);
const sub = (a: ScLike, b: ScLike): Sc => op(a, b, (x, y) => x - y);
const mul = (a: ScLike, b: ScLike): Sc => op(a, b, (x, y) => x * y);
const div = (a: ScLike, b: ScLike): Sc => op(a, b, (x, y) => x / y);
const abs = (a: Sc): Sc => ({ v: Math.abs(a.v), t: a.t });
const neg = (a: Sc): Sc => ({ v: -a.v, t: a.t });
function cmp(a: ScLike, b: ScLike): [number, number] {
  const [x, y] = [sc(a), sc(b)];
  return x.t || y.t ? [f32(x.v), f32(y.v)] : [x.v, y.v];
}
const lt = (a: ScLike, b: ScLike): boolean => ((x, y) => x < y)(...cmp(a, b));
const le = (a: ScLike, b: ScLike): boolean => ((x, y) => x <= y)(...cmp(a, b));
const gt = (a: ScLike, b: ScLike): boolean => lt(b, a);
const ge = (a: ScLike, b: ScLike): boolean => le(b, a);
// Python's min/max return one of their arguments: the first unless a later one is smaller/larger.
const min2 = (a: Sc, b: Sc): Sc => (lt(b, a) ? b : a);
const max2 = (a: Sc, b: Sc): Sc => (gt(b, a) ? b : a);
/** A tensor op's scalar result (`.dot()`, `.max()`), as PyTorch's 0-d float32 tensor. */
const item = (t: Tensor): Sc => ({ v: t.item<number>(), t: true });

function cubicInterpolate(x1: Sc, f1: Sc, g1: Sc, x2: Sc, f2: Sc, g2: Sc, bounds?: [Sc, Sc]): Sc {
  const [lo, hi] = bounds ?? (le(x1, x2) ? [x1, x2] : [x2, x1]);
  const d1 = sub(add(g1, g2), div(mul(3, sub(f1, f2)), sub(x1, x2)));
  const d2Square = sub(mul(d1, d1), mul(g1, g2));
  if (ge(d2Square, 0)) {
    const d2 = d2Square.t ? ten(Math.sqrt(d2Square.v)) : num(Math.sqrt(d2Square.v));
    const minPos = le(x1, x2)
      ? sub(x2, mul(sub(x2, x1), div(sub(add(g2, d2), d1), add(sub(g2, g1), mul(2, d2)))))
      : sub(x1, mul(sub(x1, x2), div(sub(add(g1, d2), d1), add(sub(g1, g2), mul(2, d2)))));
    return min2(max2(minPos, lo), hi);
  }
  return div(add(lo, hi), 2);
}

type Evaluate = (x: Tensor[], t: Sc, d: Tensor) => [Sc, Tensor];

/** PyTorch's _strong_wolfe: returns [loss, flat gradient, step, evaluations]. */
function strongWolfe(evaluate: Evaluate, x: Tensor[], t0: Sc, d: Tensor, f: Sc, g0: Tensor, gtd: Sc, c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25): [Sc, Tensor, Sc, number] {
  let t = t0;
  const dNorm = item(d.abs().max());
  const g = g0.clone();
  let [fNew, gNew] = evaluate(x, t, d);
  let evals = 1;
  let gtdNew = item(gNew.dot(d));
  let [tPrev, fPrev, gPrev, gtdPrev] = [num(0), f, g, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: Sc[] = [];
  let bracketF: Sc[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: Sc[] = [];
  while (lsIter < maxLs) {
    if (gt(fNew, add(f, mul(mul(c1, t), gtd))) || (lsIter > 1 && ge(fNew, fPrev))) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    if (le(abs(gtdNew), mul(neg(num(c2)), gtd))) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (ge(gtdNew, 0)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew.clone()], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = add(t, mul(0.01, sub(t, tPrev)));
    const maxStep = mul(t, 10);
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew.clone(), gtdNew];
    [fNew, gNew] = evaluate(x, t, d);
    evals += 1;
    gtdNew = item(gNew.dot(d));
    lsIter += 1;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[num(0), t], [f, fNew], [g, gNew]];

  let insufProgress = false;
  let [low, high] = le(bracketF[0], bracketF[bracketF.length - 1]) ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (lt(mul(abs(sub(bracket[1], bracket[0])), dNorm), toleranceChange)) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const bMax = max2(bracket[0], bracket[1]);
    const bMin = min2(bracket[0], bracket[1]);
    const eps = mul(0.1, sub(bMax, bMin));
    if (lt(min2(sub(bMax, t), sub(t, bMin)), eps)) {
      if (insufProgress || ge(t, bMax) || le(t, bMin)) {
        t = lt(abs(sub(t, bMax)), abs(sub(t, bMin))) ? sub(bMax, eps) : add(bMin, eps);
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = evaluate(x, t, d);
    evals += 1;
    gtdNew = item(gNew.dot(d));
    lsIter += 1;
    if (gt(fNew, add(f, mul(mul(c1, t), gtd))) || ge(fNew, bracketF[low])) {
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew.clone(), gtdNew];
      [low, high] = le(bracketF[0], bracketF[1]) ? [0, 1] : [1, 0];
    } else {
      if (le(abs(gtdNew), mul(neg(num(c2)), gtd))) {
        done = true;
      } else if (ge(mul(gtdNew, sub(bracket[high], bracket[low])), 0)) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew.clone(), gtdNew];
    }
  }
  return [bracketF[low], bracketG[low], bracket[low], evals];
}

// ---- the optimizer -------------------------------------------------------------------------------

/** What LBFGS carries from one `step()` to the next (PyTorch's state keys, camelCased). */
interface LbfgsState {
  funcEvals: number;
  nIter: number;
  d: Tensor | null;
  t: Sc | null;
  oldDirs: Tensor[];
  oldStps: Tensor[];
  ro: Sc[];
  hDiag: Sc;
  prevFlatGrad: Tensor | null;
  prevLoss: number | null;
  al: (Sc | null)[] | null;
}

export class LBFGS extends Optimizer {
  private readonly params: Tensor[];
  private s: LbfgsState | null = null;

  constructor(params: ParamsLike, options: LBFGSOptions = {}) {
    const maxIter = options.maxIter ?? 20;
    const o = {
      lr: 1, maxIter, maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null,
      ...options,
    };
    if (o.maxEval === null) o.maxEval = Math.floor((maxIter * 5) / 4);
    if (o.lineSearchFn !== null && o.lineSearchFn !== 'strong_wolfe') throw new ValueError("only 'strong_wolfe' is supported");
    super(params, o);
    if (this.paramGroups.length !== 1) throw new ValueError("LBFGS doesn't support per-parameter options (parameter groups)");
    this.params = this.paramGroups[0].params;
    const devices = new Set(this.params.map((p) => String(p.device)));
    if (devices.size > 1) throw new ValueError('LBFGS: all parameters must be on one device');
  }

  private flatGrad(): Tensor {
    return cat(this.params.map((p) => (p.grad === null ? zeros([p.numel()], { dtype: p.dtype, device: p.device }) : p.grad.reshape(-1))));
  }

  private addGrad(step: Sc, update: Tensor): void {
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      p.add_(update.slice(0, offset, offset + n).viewAs(p), { alpha: step.v });
      offset += n;
    }
  }

  /**
   * Runs up to `maxIter` iterations. `closure` clears the gradients, computes the loss, calls
   * `backward()` and returns the loss (it runs with gradients on). Returns the first loss.
   */
  step<L extends number | Tensor>(closure?: () => L): L {
    if (typeof closure !== 'function') throw new TorchTypeError('LBFGS.step() needs a closure that re-evaluates the model and returns the loss');
    const g = this.paramGroups[0];
    const lr = g.lr as number;
    const maxIter = g.maxIter as number;
    const maxEval = g.maxEval as number;
    const tolGrad = g.toleranceGrad as number;
    const tolChange = g.toleranceChange as number;
    const historySize = g.historySize as number;
    const lineSearch = g.lineSearchFn as string | null;
    if (lineSearch !== null && lineSearch !== 'strong_wolfe') throw new TorchError("only 'strong_wolfe' is supported");
    const evaluate = (): [L, number] => {
      const out = enableGrad(closure as () => L);
      const v = out instanceof Tensor ? Number(out.item()) : Number(out);
      return [out, v];
    };
    const before = this.stateTensors();
    const st: LbfgsState = this.s ?? { funcEvals: 0, nIter: 0, d: null, t: null, oldDirs: [], oldStps: [], ro: [], hDiag: num(1), prevFlatGrad: null, prevLoss: null, al: null };
    const [origLoss, result] = scope(() =>
      noGrad((): [L, LbfgsState] => {
        const [orig, first] = evaluate();
        let loss = num(first);
        let currentEvals = 1;
        st.funcEvals += 1;
        let flatGrad = this.flatGrad();
        if (le(item(flatGrad.abs().max()), tolGrad)) return [orig, st];
        let { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad } = st;
        let prevLoss: Sc | null = st.prevLoss === null ? null : num(st.prevLoss);
        let optCond = false;
        let nIter = 0;
        while (nIter < maxIter) {
          nIter += 1;
          st.nIter += 1;
          if (st.nIter === 1) {
            d = flatGrad.neg();
            oldDirs = [];
            oldStps = [];
            ro = [];
            hDiag = num(1);
          } else {
            const y = flatGrad.sub(prevFlatGrad!);
            const s = d!.mul(t!.v);
            const ys = item(y.dot(s));
            if (gt(ys, 1e-10)) {
              if (oldDirs.length === historySize) {
                oldDirs = oldDirs.slice(1);
                oldStps = oldStps.slice(1);
                ro = ro.slice(1);
              }
              oldDirs = [...oldDirs, y];
              oldStps = [...oldStps, s];
              ro = [...ro, div(1, ys)];
              hDiag = div(ys, item(y.dot(y)));
            }
            st.al ??= new Array<Sc | null>(historySize).fill(null);
            const al = st.al;
            const q = flatGrad.neg();
            for (let i = oldDirs.length - 1; i >= 0; i--) {
              al[i] = mul(item(oldStps[i].dot(q)), ro[i]);
              q.add_(oldDirs[i], { alpha: -al[i]!.v });
            }
            const r = q.mul(hDiag.v);
            for (let i = 0; i < oldDirs.length; i++) {
              const be = mul(item(oldDirs[i].dot(r)), ro[i]);
              r.add_(oldStps[i], { alpha: sub(al[i]!, be).v });
            }
            d = r;
          }
          if (prevFlatGrad === null) prevFlatGrad = flatGrad.clone();
          else prevFlatGrad.copy_(flatGrad);
          prevLoss = loss;
          t = st.nIter === 1 ? mul(min2(num(1), div(1, item(flatGrad.abs().sum()))), lr) : num(lr);
          const gtd = item(flatGrad.dot(d!));
          if (gt(gtd, -tolChange)) break;
          let lsEvals = 0;
          if (lineSearch !== null) {
            const x0 = this.params.map((p) => p.clone());
            const directional: Evaluate = (x, step, dir) => {
              this.addGrad(step, dir);
              const [, v] = evaluate();
              const fg = this.flatGrad();
              this.params.forEach((p, i) => p.copy_(x[i]));
              return [num(v), fg];
            };
            [loss, flatGrad, t, lsEvals] = strongWolfe(directional, x0, t, d!, loss, flatGrad, gtd);
            this.addGrad(t, d!);
            optCond = le(item(flatGrad.abs().max()), tolGrad);
          } else {
            this.addGrad(t, d!);
            if (nIter !== maxIter) {
              loss = num(evaluate()[1]);
              flatGrad = this.flatGrad();
              optCond = le(item(flatGrad.abs().max()), tolGrad);
              lsEvals = 1;
            }
          }
          currentEvals += lsEvals;
          st.funcEvals += lsEvals;
          if (nIter === maxIter || currentEvals >= maxEval || optCond) break;
          if (le(item(d!.mul(t.v).abs().max()), tolChange)) break;
          if (lt(abs(sub(loss, prevLoss)), tolChange)) break;
        }
        const next: LbfgsState = { ...st, d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss: prevLoss === null ? null : prevLoss.v };
        // What the next step needs outlives this scope; everything else made here is freed.
        for (const x of [next.d, next.prevFlatGrad, ...next.oldDirs, ...next.oldStps]) if (x !== null) pin(x);
        return [orig, next];
      }),
    );
    this.s = result;
    const now = new Set(this.stateTensors());
    for (const x of before) if (!now.has(x)) x.dispose(); // dropped from the history this step
    return origLoss;
  }

  private stateTensors(): Tensor[] {
    const s = this.s;
    if (s === null) return [];
    return [s.d, s.prevFlatGrad, ...s.oldDirs, ...s.oldStps].filter((x): x is Tensor => x !== null);
  }

  /** PyTorch's layout: the state sits under the first parameter's index, 0-d tensors where PyTorch has them. */
  stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    const s = this.s;
    if (s === null) return sd;
    const scalar = (x: Sc): Tensor | number => (x.t ? tensor(x.v, { dtype: 'float32' }) : x.v);
    const state: Record<string, unknown> = {
      func_evals: s.funcEvals, n_iter: s.nIter, d: s.d, t: s.t === null ? null : scalar(s.t), old_dirs: s.oldDirs, old_stps: s.oldStps,
      ro: s.ro.map(scalar), H_diag: scalar(s.hDiag), prev_flat_grad: s.prevFlatGrad, prev_loss: s.prevLoss,
    };
    if (s.al !== null) state.al = s.al.map((x) => (x === null ? null : scalar(x)));
    return { state: new Map([[0, state as Record<string, Tensor | number>]]), param_groups: sd.param_groups };
  }

  /** Loads ours or Python's LBFGS state dict. */
  loadStateDict(sd: OptimizerStateDict): void {
    const entries = sd.state instanceof Map ? [...sd.state] : Object.entries(sd.state);
    super.loadStateDict({ state: new Map(), param_groups: sd.param_groups });
    for (const x of this.stateTensors()) x.dispose();
    this.s = null;
    if (entries.length === 0) return;
    const raw = entries[0][1] as Record<string, unknown>;
    const p = this.params[0];
    const vec = (x: unknown): Tensor | null => (x instanceof Tensor ? pin(noGrad(() => x.to({ dtype: p.dtype, device: p.device, copy: true }))) : null);
    const scalar = (x: unknown): Sc => (x instanceof Tensor ? ten(Number(x.item())) : num(Number(x)));
    const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
    this.s = {
      funcEvals: Number(raw.func_evals ?? 0), nIter: Number(raw.n_iter ?? 0), d: vec(raw.d), t: raw.t === undefined || raw.t === null ? null : scalar(raw.t),
      oldDirs: list(raw.old_dirs).map((x) => vec(x)!), oldStps: list(raw.old_stps).map((x) => vec(x)!), ro: list(raw.ro).map(scalar),
      hDiag: raw.H_diag === undefined ? num(1) : scalar(raw.H_diag), prevFlatGrad: vec(raw.prev_flat_grad),
      prevLoss: raw.prev_loss === undefined || raw.prev_loss === null ? null : Number(raw.prev_loss),
      al: raw.al === undefined ? null : list(raw.al).map((x) => (x === null || x === undefined ? null : scalar(x))),
    };
  }

  dispose(): void {
    for (const x of this.stateTensors()) x.dispose();
    this.s = null;
    super.dispose();
  }

  protected updateGroup(): void {
    throw new TorchError('LBFGS updates in step(closure)');
  }
}
