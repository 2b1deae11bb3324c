/** torch.utils.data */
export { Dataset, IterableDataset, TensorDataset, Subset, ConcatDataset, ChainDataset, randomSplit } from './dataset';
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler } from './sampler';
export type { Sampler, Sized, RandomSamplerOptions } from './sampler';
export { DataLoader } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
export { defaultCollate } from './collate';
export { fromModule } from './worker_source';
export type { WorkerSource } from './worker_source';
export { getWorkerInfo } from './worker_info';
export type { WorkerInfo } from './worker_info';
