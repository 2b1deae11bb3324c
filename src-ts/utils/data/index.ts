/** torch.utils.data */
export { Dataset, IterableDataset, TensorDataset, Subset, randomSplit } from './dataset';
export { SequentialSampler, RandomSampler, BatchSampler } from './sampler';
export type { Sampler } from './sampler';
export { DataLoader } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
export { defaultCollate } from './collate';
