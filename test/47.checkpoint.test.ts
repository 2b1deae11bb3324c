// torch.utils.checkpoint: recomputing activations in backward gives the same gradients as keeping
// them (inputs and parameters), dropout included, through a backward that re-enters the engine.
import * as torch from '../src-ts';
const { nn } = torch;
const { checkpoint, checkpointSequential } = torch.utils.checkpoint;

function model(): torch.nn.Sequential {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Dropout(0.3), new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 2));
}

describe('torch.utils.checkpoint', () => {
  it('gradients match the plain run for inputs and parameters, dropout replayed', () => {
    const plain = model();
    const ckpt = plain.deepCopy();
    const seq = plain.deepCopy();
    torch.scope(() => {
      const x0 = torch.randn(5, 4);
      const [xa, xb, xc] = [x0.clone().requiresGrad_(), x0.clone().requiresGrad_(), x0.clone().requiresGrad_()];
      torch.manualSeed(1);
      const ya = plain.call(xa);
      ya.pow(2).sum().backward();
      torch.manualSeed(1);
      const yb = checkpoint((x: torch.Tensor) => ckpt.call(x), xb);
      expect(yb.equal(ya)).toBe(true);
      expect(yb.gradFn).not.toBeNull();
      yb.pow(2).sum().backward();
      torch.manualSeed(1);
      checkpointSequential(seq, 3, xc).pow(2).sum().backward();
      for (const [m, x] of [[ckpt, xb], [seq, xc]] as const) {
        expect(x.grad!.allclose(xa.grad!)).toBe(true);
        const got = m.namedParameters();
        plain.namedParameters().forEach(([name, p], i) => expect([name, got[i][1].grad!.allclose(p.grad!)]).toEqual([name, true]));
      }
    });
    for (const m of [plain, ckpt, seq]) m.dispose();
  });

  it('several inputs and outputs, non-tensor arguments, the random state put back after the replay', () => {
    torch.scope(() => {
      const a = torch.randn(3).requiresGrad_();
      const b = torch.randn(3).requiresGrad_();
      const [s, d] = checkpoint((x: torch.Tensor, y: torch.Tensor, k: number) => [x.mul(y).mul(k), x.sub(y).exp()], a, b, 2) as torch.Tensor[];
      torch.manualSeed(5);
      s.sum().add(d.sum()).backward();
      const after = torch.rand(2);
      torch.manualSeed(5);
      expect(after.equal(torch.rand(2))).toBe(true); // backward's replay did not move the stream
      expect(a.grad!.allclose(b.mul(2).add(a.sub(b).exp()))).toBe(true);
      expect(b.grad!.allclose(a.mul(2).sub(a.sub(b).exp()))).toBe(true);
    });
  });

  it('bad calls and the no-gradient warning', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      torch.scope(() => {
        const lin = new nn.Linear(2, 2);
        const y = checkpoint((x: torch.Tensor) => lin.call(x), torch.ones(1, 2));
        expect(warn).toHaveBeenCalledWith('None of the inputs have requires_grad=True. Gradients will be None', 'UserWarning');
        expect(y.requiresGrad).toBe(false); // as in PyTorch: nothing inside gets a gradient
        expect(() => checkpoint((x: torch.Tensor) => x, torch.ones(1).requiresGrad_(), { useReentrant: false })).toThrow(/only the reentrant form/);
        expect(() => checkpoint((() => 3) as never, torch.ones(1).requiresGrad_())).toThrow(/must return a Tensor or an array of Tensors/);
        expect(() => checkpoint(3 as never)).toThrow(/expected a function/);
        expect(() => checkpointSequential(lin, 0, torch.ones(1, 2))).toThrow(/segments must be a positive integer/);
        lin.dispose();
      });
    } finally {
      warn.mockRestore();
    }
  });
});
