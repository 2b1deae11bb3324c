// A short tour: create tensors, compute, print as PyTorch prints, and free memory with scopes.
// Run: npm run demo
const torch = require('..');

console.log(`torchnode ${torch.version.torchnode} on LibTorch ${torch.version.libtorch}`);
const c = torch.config();
console.log(`BLAS: ${c.blas.name}, threads: ${c.numThreads}, CUDA: ${c.cuda.available}\n`);

torch.manualSeed(0);
const result = torch.scope(() => {
  const x = torch.randn(4, 3);
  const w = torch.tensor([[0.5, -1], [2, 0.25], [-0.75, 1]]);
  console.log('x =', x.toString());
  const y = x.matmul(w).relu();
  console.log('relu(x @ w) =', y.toString());
  console.log('column means =', y.mean(0).toString());
  const [values, indices] = y.max(1);
  console.log('row max =', values.toString(), 'at', indices.toString());
  return y.sum(); // only the returned tensor survives the scope
});
console.log('sum =', result.item());
console.log('\na big tensor prints summarized, as in PyTorch:');
console.log(torch.scope(() => torch.arange(10000).reshape(100, 100).toString()));
result.dispose();
console.log('\nlive tensors:', torch.memory());
