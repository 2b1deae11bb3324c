// The zip container of PyTorch's `torch.save` files, through LibTorch's own reader and writer
// (caffe2::serialize::PyTorchStreamReader/Writer): the same record layout, 64-byte alignment and
// version record Python's torch.save produces. The pickle inside is read and written in
// TypeScript (src-ts/serialization/pickle.ts); only bytes and tensors cross here.
#pragma once
#include <napi.h>

namespace torchnode {

class HandleTable;

// zipOpen(path | Uint8Array) -> reader (an External; zipClose frees it early, GC otherwise)
Napi::Value ZipOpen(const Napi::CallbackInfo& info);
// zipRecords(reader) -> names without the archive prefix ('data.pkl', 'data/0', 'version', ...)
Napi::Value ZipRecords(const Napi::CallbackInfo& info);
// zipRecordBytes(reader, name) -> Buffer (a copy)
Napi::Value ZipRecordBytes(const Napi::CallbackInfo& info);
// zipRecordTensor(reader, name, dtypeCode) -> handle of a 1-D CPU tensor over the record's bytes
// (no copy: the tensor owns the buffer the reader filled)
Napi::Value ZipRecordTensor(const Napi::CallbackInfo& info, HandleTable& handles);
Napi::Value ZipClose(const Napi::CallbackInfo& info);
// zipWrite(path | null, names[], payloads[]) -> undefined (file) or Buffer (null path). A payload
// is a Uint8Array or a tensor handle (a contiguous CPU tensor, written as its bytes).
Napi::Value ZipWrite(const Napi::CallbackInfo& info, HandleTable& handles);
struct ErrorClasses;
// zipReadAllAsync(path | Uint8Array) -> Promise<[name, uint8 tensor handle][]>: every record, read on libuv's pool
Napi::Value ZipReadAllAsync(const Napi::CallbackInfo& info, HandleTable& handles, const ErrorClasses& errors);
// zipWriteAsync(path, names[], payloads[]) -> Promise<void>: zipWrite to a file, on libuv's pool
Napi::Value ZipWriteAsync(const Napi::CallbackInfo& info, HandleTable& handles, const ErrorClasses& errors);
// storageInfo(handle) -> [storage key, storage bytes, storage offset (elements)]: tensors with the
// same key share memory, so a file can keep them shared (views stay views).
Napi::Value StorageInfo(const Napi::CallbackInfo& info, HandleTable& handles);

}  // namespace torchnode
