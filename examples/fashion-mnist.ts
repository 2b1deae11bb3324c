/**
 * Trains a small CNN on Fashion-MNIST, evaluates it on the test set and saves the weights.
 *
 *   npm run train                 (3 epochs; on a fresh Debian machine: bash scripts/setup.sh && npm run train)
 *   npm run train -- --epochs 1 --batch-size 128 --lr 0.001 --out model
 *
 * The same script, line for line, is what a PyTorch user writes: Sequential layers, Adam,
 * cross-entropy, a DataLoader over torchvision-style datasets, model.train()/model.eval(),
 * noGrad for evaluation, and the state dict saved twice under `model.state_dict()`'s keys:
 * `<out>.pt` with torch.save (Python: `model.load_state_dict(torch.load('fashion-mnist.pt'))`)
 * and `<out>.safetensors` (Python: `safetensors.torch.load_file`); then the model itself, traced
 * to TorchScript, as `<out>.torchscript.pt` (Python: `torch.jit.load`; here: the torchnode CLI).
 */
import { parseArgs } from 'util';
import { SingleBar } from 'cli-progress';
import * as torch from 'torchnode';

const { nn, optim } = torch;
const { DataLoader } = torch.utils.data;

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.002' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'fashion-mnist' },
  },
});
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);

torch.manualSeed(Number(args.seed));

const model = new nn.Sequential(
  new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2), // 16 x 14 x 14
  new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2), // 32 x 7 x 7
  new nn.Flatten(),
  new nn.Linear(32 * 7 * 7, 128), new nn.ReLU(),
  new nn.Linear(128, 10),
);
const optimizer = new optim.Adam(model.parameters(), { lr: Number(args.lr) });
// A tenth of the learning rate for the last epoch settles the weights (StepLR, as in PyTorch).
const scheduler = new optim.lrScheduler.StepLR(optimizer, Math.max(1, epochs - 1), { gamma: 0.1 });
const lossFn = new nn.CrossEntropyLoss();

const train = new torch.datasets.FashionMNIST({ train: true });
const test = new torch.datasets.FashionMNIST({ train: false });
const trainLoader = new DataLoader(train, { batchSize, shuffle: true });
const testLoader = new DataLoader(test, { batchSize: 1000 });

console.log(`torchnode ${torch.version.torchnode} on LibTorch ${torch.version.libtorch}, ${torch.getNumThreads()} threads`);
console.log(model.toString());

function evaluate(): number {
  model.eval();
  let correct = 0;
  torch.noGrad(() => {
    for (const [x, y] of testLoader) {
      torch.scope(() => {
        correct += model.call(x).argmax(1).eq(y).sum().item<number>();
      });
      x.dispose();
      y.dispose();
    }
  });
  return correct / test.length;
}

for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const bar = new SingleBar({
    format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {sps} samples/s`,
    hideCursor: true,
  });
  bar.start(trainLoader.length, 0, { loss: '-', acc: '-', sps: '-' });
  const t0 = process.hrtime.bigint();
  let seen = 0;
  let correct = 0;
  let lossSum = 0;
  for (const [x, y] of trainLoader) {
    torch.scope(() => {
      optimizer.zeroGrad();
      const logits = model.call(x);
      const loss = lossFn.call(logits, y);
      loss.backward();
      optimizer.step();
      lossSum += loss.item<number>() * x.size(0);
      correct += logits.argmax(1).eq(y).sum().item<number>();
    });
    seen += x.size(0);
    x.dispose();
    y.dispose();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    bar.increment({ loss: (lossSum / seen).toFixed(4), acc: (correct / seen).toFixed(4), sps: Math.round(seen / secs) });
  }
  bar.stop();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  scheduler.step();
  console.log(`epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, train accuracy ${(correct / seen).toFixed(4)}, ${secs.toFixed(1)} s (${Math.round(seen / secs)} samples/s)`);
}

const accuracy = evaluate();
console.log(`test accuracy: ${accuracy.toFixed(4)}`);

const sd = model.stateDict();
torch.save(sd, `${args.out}.pt`);
torch.safetensors.saveFile(sd, `${args.out}.safetensors`, { format: 'pt' });
for (const t of Object.values(sd)) t.dispose();
console.log(`weights saved to ${args.out}.pt (torch.save) and ${args.out}.safetensors, with PyTorch's state-dict keys`);

// The trained model as TorchScript, for services and the CLI (`npx torchnode bench <out>.torchscript.pt --shape 1,1,28,28`),
// and for Python's torch.jit.load.
const example = torch.zeros(1, 1, 28, 28);
const traced = torch.jit.trace(model, example);
traced.save(`${args.out}.torchscript.pt`);
traced.dispose();
example.dispose();
console.log(`model traced to ${args.out}.torchscript.pt (TorchScript: torch.jit.load in Python or Node, the torchnode CLI)`);

optimizer.dispose();
model.dispose();
train.dispose();
test.dispose();
if (accuracy < 0.9 && epochs >= 3) {
  console.error('test accuracy below 0.90');
  process.exitCode = 1;
}
