#include "serialization.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dispatch.h"
#include "errors.h"
#include "promise_worker.h"
#include "handles.h"

namespace torchnode {

using caffe2::serialize::PyTorchStreamReader;
using caffe2::serialize::PyTorchStreamWriter;

namespace {

struct Reader {
  std::unique_ptr<PyTorchStreamReader> zip;
};

Reader& ReaderArg(const Napi::Value& v) {
  if (!v.IsExternal()) throw JsError(ErrorKind::Type, "expected a zip reader");
  Reader* r = v.As<Napi::External<Reader>>().Data();
  if (!r->zip) throw JsError(ErrorKind::Value, "the archive is already closed");
  return *r;
}

std::string NameArg(const Napi::Value& v) {
  if (!v.IsString()) throw JsError(ErrorKind::Type, "record name must be a string");
  return v.As<Napi::String>().Utf8Value();
}

// An in-memory archive. Reads are bounds-checked: a corrupt central directory can point past the
// end, and LibTorch's own MemoryReadAdapter would then read out of bounds.
class BufferAdapter : public caffe2::serialize::ReadAdapterInterface {
 public:
  BufferAdapter(const uint8_t* data, size_t n) : mem_(data, data + n) {}
  size_t size() const override { return mem_.size(); }
  size_t read(uint64_t pos, void* buf, size_t n, const char* what) const override {
    if (pos >= mem_.size()) return 0;
    size_t k = std::min<uint64_t>(n, mem_.size() - pos);
    std::memcpy(buf, mem_.data() + pos, k);
    return k;
  }

 private:
  std::vector<uint8_t> mem_;
};

// Where an archive comes from, taken on the main thread: a path, or a copy of the JS bytes (the
// JS buffer may move or be freed while records are read, possibly on another thread).
struct Source {
  std::string path;
  std::shared_ptr<BufferAdapter> bytes;
};

Source SourceArg(const Napi::Value& v) {
  Source s;
  if (v.IsString()) {
    s.path = v.As<Napi::String>().Utf8Value();
  } else if (v.IsTypedArray()) {
    auto b = v.As<Napi::Uint8Array>();
    s.bytes = std::make_shared<BufferAdapter>(b.Data(), b.ByteLength());
  } else {
    throw JsError(ErrorKind::Type, "expected a path or a Uint8Array");
  }
  return s;
}

std::unique_ptr<PyTorchStreamReader> Open(const Source& s) {
  if (s.bytes) return std::make_unique<PyTorchStreamReader>(std::shared_ptr<caffe2::serialize::ReadAdapterInterface>(s.bytes));
  return std::make_unique<PyTorchStreamReader>(s.path);
}

// A 1-D tensor over a record's buffer, no copy: the tensor owns the memory the reader filled.
at::Tensor RecordTensor(std::tuple<at::DataPtr, size_t> rec, int64_t count, at::ScalarType dtype) {
  auto owner = std::make_shared<at::DataPtr>(std::move(std::get<0>(rec)));
  return at::from_blob(owner->get(), {count}, [owner](void*) mutable { owner.reset(); }, at::TensorOptions().dtype(dtype));
}

// What a record is written from, taken on the main thread: the bytes copied or the tensor referenced,
// so nothing JS frees or changes afterwards reaches the writer.
struct Payload {
  std::string name;
  std::string bytes;
  at::Tensor tensor;
};

std::vector<Payload> PayloadsArg(const Napi::Value& namesV, const Napi::Value& payloadsV, HandleTable& handles) {
  Napi::Array names = namesV.As<Napi::Array>();
  Napi::Array payloads = payloadsV.As<Napi::Array>();
  std::vector<Payload> out;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    Payload p;
    p.name = NameArg(names.Get(i));
    Napi::Value v = payloads.Get(i);
    if (v.IsTypedArray()) {
      auto b = v.As<Napi::Uint8Array>();
      p.bytes.assign(reinterpret_cast<const char*>(b.Data()), b.ByteLength());
    } else {
      p.tensor = TensorArg(v, handles, "save", "tensor");
      if (!p.tensor.device().is_cpu() || !p.tensor.is_contiguous()) {
        throw JsError(ErrorKind::Value, "save: record tensors must be contiguous CPU tensors");
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

void WriteAll(PyTorchStreamWriter& zip, const std::vector<Payload>& payloads) {
  for (const auto& p : payloads) {
    if (p.tensor.defined()) zip.writeRecord(p.name, p.tensor.data_ptr(), p.tensor.numel() * p.tensor.element_size());
    else zip.writeRecord(p.name, p.bytes.data(), p.bytes.size());
  }
  zip.writeEndOfFile();
}

}  // namespace

Napi::Value ZipOpen(const Napi::CallbackInfo& info) {
  auto r = std::make_unique<Reader>();
  r->zip = Open(SourceArg(info[0]));
  return Napi::External<Reader>::New(info.Env(), r.release(), [](Napi::Env, Reader* p) { delete p; });
}

Napi::Value ZipRecords(const Napi::CallbackInfo& info) {
  auto names = ReaderArg(info[0]).zip->getAllRecords();
  Napi::Array a = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) a.Set(static_cast<uint32_t>(i), names[i]);
  return a;
}

Napi::Value ZipRecordBytes(const Napi::CallbackInfo& info) {
  auto& zip = *ReaderArg(info[0]).zip;
  std::string name = NameArg(info[1]);
  if (!zip.hasRecord(name)) throw JsError(ErrorKind::Value, "the archive has no record '" + name + "'");
  auto rec = zip.getRecord(name);
  return Napi::Buffer<char>::Copy(info.Env(), static_cast<const char*>(std::get<0>(rec).get()), std::get<1>(rec));
}

Napi::Value ZipRecordTensor(const Napi::CallbackInfo& info, HandleTable& handles) {
  auto& zip = *ReaderArg(info[0]).zip;
  std::string name = NameArg(info[1]);
  auto dtype = static_cast<at::ScalarType>(info[2].As<Napi::Number>().Int32Value());
  if (!zip.hasRecord(name)) throw JsError(ErrorKind::Value, "the archive has no record '" + name + "'");
  auto rec = zip.getRecord(name);
  size_t bytes = std::get<1>(rec);
  size_t item = c10::elementSize(dtype);
  if (bytes % item != 0) {
    throw JsError(ErrorKind::Value, "record '" + name + "' holds " + std::to_string(bytes) +
                                        " bytes, not a whole number of " + c10::toString(dtype) + " elements");
  }
  return Napi::Number::New(info.Env(), handles.Add(RecordTensor(std::move(rec), static_cast<int64_t>(bytes / item), dtype)));
}

Napi::Value ZipClose(const Napi::CallbackInfo& info) {
  if (info[0].IsExternal()) info[0].As<Napi::External<Reader>>().Data()->zip.reset();
  return info.Env().Undefined();
}

Napi::Value ZipWrite(const Napi::CallbackInfo& info, HandleTable& handles) {
  std::vector<Payload> payloads = PayloadsArg(info[1], info[2], handles);
  std::vector<char> out;
  std::unique_ptr<PyTorchStreamWriter> zip;
  if (info[0].IsString()) {
    zip = std::make_unique<PyTorchStreamWriter>(info[0].As<Napi::String>().Utf8Value());
  } else {
    zip = std::make_unique<PyTorchStreamWriter>([&out](const void* buf, size_t n) -> size_t {
      const char* p = static_cast<const char*>(buf);
      // The writer pads with a null buffer to align records.
      if (p == nullptr) out.insert(out.end(), n, 0);
      else out.insert(out.end(), p, p + n);
      return n;
    });
  }
  WriteAll(*zip, payloads);
  zip.reset();
  if (info[0].IsString()) return info.Env().Undefined();
  return Napi::Buffer<char>::Copy(info.Env(), out.data(), out.size());
}

namespace {

// torch.load's reading, off the main thread: every record of the archive (data.pkl as bytes, each
// storage as a uint8 tensor that JS then views as its dtype).
class ReadAllWorker : public PromiseWorker {
 public:
  ReadAllWorker(Napi::Env env, Source source, HandleTable& handles, const ErrorClasses& errors)
      : PromiseWorker(env, errors), source_(std::move(source)), handles_(handles) {}

 private:
  void Work() override {
    auto zip = Open(source_);
    for (const auto& name : zip->getAllRecords()) {
      auto rec = zip->getRecord(name);
      auto size = static_cast<int64_t>(std::get<1>(rec));
      records_.emplace_back(name, RecordTensor(std::move(rec), size, at::kByte));
    }
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Array out = Napi::Array::New(env, records_.size());
    for (size_t i = 0; i < records_.size(); ++i) {
      Napi::Array kv = Napi::Array::New(env, 2);
      kv.Set(0u, records_[i].first);
      kv.Set(1u, Napi::Number::New(env, handles_.Add(std::move(records_[i].second))));
      out.Set(static_cast<uint32_t>(i), kv);
    }
    return out;
  }

  Source source_;
  HandleTable& handles_;
  std::vector<std::pair<std::string, at::Tensor>> records_;
};

// torch.save's writing, off the main thread: the payloads were taken (bytes copied, tensors
// referenced) on the main thread, so JS may free or change nothing the worker reads.
class WriteWorker : public PromiseWorker {
 public:
  WriteWorker(Napi::Env env, std::string path, std::vector<Payload> payloads, const ErrorClasses& errors)
      : PromiseWorker(env, errors), path_(std::move(path)), payloads_(std::move(payloads)) {}

 private:
  void Work() override {
    PyTorchStreamWriter zip(path_);
    WriteAll(zip, payloads_);
  }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }

  std::string path_;
  std::vector<Payload> payloads_;
};

}  // namespace

Napi::Value ZipReadAllAsync(const Napi::CallbackInfo& info, HandleTable& handles, const ErrorClasses& errors) {
  auto* w = new ReadAllWorker(info.Env(), SourceArg(info[0]), handles, errors);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value ZipWriteAsync(const Napi::CallbackInfo& info, HandleTable& handles, const ErrorClasses& errors) {
  auto* w = new WriteWorker(info.Env(), info[0].As<Napi::String>().Utf8Value(), PayloadsArg(info[1], info[2], handles), errors);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value StorageInfo(const Napi::CallbackInfo& info, HandleTable& handles) {
  const at::Tensor& t = TensorArg(info[0], handles, "save", "tensor");
  Napi::Array a = Napi::Array::New(info.Env(), 3);
  const void* key = t.has_storage() ? static_cast<const void*>(t.storage().unsafeGetStorageImpl()) : nullptr;
  a.Set(0u, static_cast<double>(reinterpret_cast<uintptr_t>(key)));
  a.Set(1u, static_cast<double>(t.has_storage() ? t.storage().nbytes() : 0));
  a.Set(2u, static_cast<double>(t.storage_offset()));
  return a;
}

}  // namespace torchnode
