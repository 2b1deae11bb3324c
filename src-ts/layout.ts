/**
 * Tensor layouts and memory formats as PyTorch names them (`torch.strided`,
 * `torch.channels_last`), with the c10 enum codes the op path passes (c10/core/Layout.h,
 * c10/core/MemoryFormat.h).
 */
export type Layout = 'strided' | 'sparse_coo' | 'sparse_csr' | 'mkldnn' | 'sparse_csc' | 'sparse_bsr' | 'sparse_bsc';
export const LAYOUT_CODE: Readonly<Record<Layout, number>> = {
  strided: 0,
  sparse_coo: 1,
  sparse_csr: 2,
  mkldnn: 3,
  sparse_csc: 4,
  sparse_bsr: 5,
  sparse_bsc: 6,
};

export type MemoryFormat = 'contiguous_format' | 'preserve_format' | 'channels_last' | 'channels_last_3d';
export const MEMORY_FORMAT_CODE: Readonly<Record<MemoryFormat, number>> = {
  contiguous_format: 0,
  preserve_format: 1,
  channels_last: 2,
  channels_last_3d: 3,
};
