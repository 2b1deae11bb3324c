/** Datasets (torchvision's names): MNIST and Fashion-MNIST from IDX files. */
export { MNIST, FashionMNIST } from './mnist';
export type { MNISTOptions } from './mnist';
