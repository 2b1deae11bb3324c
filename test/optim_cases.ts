/**
 * The optimizer trajectories Python recorded (test/fixtures/nn.json, make_nn_cases.py) and the
 * loop that replays one in torchnode: same model, data and seed; parameters after each step must
 * match Python's.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as torch from '../src-ts';
const { nn, optim } = torch;

export interface Enc {
  dtype: string;
  shape: number[];
  data: number[];
}
export interface OptimCase {
  name: string;
  js: string;
  /** step(closure) re-evaluates the loss itself (LBFGS). */
  closure: boolean;
  x: Enc;
  y: Enc;
  steps: Record<string, Enc>[];
  paramGroups: Record<string, unknown>[];
  stateKeys: Record<string, string[]>;
}
export interface SchedulerCase {
  name: string;
  js: string;
  optJs: string;
  metrics: number[] | null;
  lrs: number[];
  momenta: (number | null)[];
}

export const fixture: { optim: OptimCase[]; schedulers: SchedulerCase[] } = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'nn.json'), 'utf8'));

export const build = (e: Enc): torch.Tensor => torch.tensor(e.data, { dtype: e.dtype as torch.DType }).reshape(e.shape);

/**
 * Builds the case's model and the optimizer `js` makes (an expression over `optim`, `params`,
 * `model`), runs the recorded steps and throws at the first parameter that leaves Python's path.
 * Returns the model, the optimizer and the live tensor count from before the steps.
 */
export function replay(c: OptimCase, js = c.js): { model: torch.nn.Sequential; opt: torch.optim.Optimizer; before: number } {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 2));
  const opt = new Function('optim', 'params', 'model', `return ${js}`)(optim, model.parameters(), model) as torch.optim.Optimizer;
  const before = torch.memory().tensors;
  torch.scope(() => {
    const x = build(c.x);
    const y = build(c.y);
    c.steps.forEach((expected, step) => {
      torch.scope(() => {
        const evaluate = (): torch.Tensor => {
          opt.zeroGrad();
          const loss = nn.functional.mseLoss(model.call(x) as torch.Tensor, y);
          loss.backward();
          return loss;
        };
        if (c.closure) opt.step(evaluate);
        else {
          evaluate();
          opt.step();
        }
      });
      const sd = model.stateDict();
      for (const [k, e] of Object.entries(expected)) {
        const got = Array.from(sd[k].reshape(-1).toTypedArray() as Float32Array);
        e.data.forEach((v, i) => {
          if (Math.abs(got[i] - v) > 1e-6 + 1e-5 * Math.abs(v)) throw new Error(`step ${step + 1} ${k}[${i}]: expected ${v}, got ${got[i]}`);
        });
      }
    });
  });
  return { model, opt, before };
}
