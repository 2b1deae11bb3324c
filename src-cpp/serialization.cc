#include "serialization.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dispatch.h"
#include "errors.h"
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

}  // namespace

Napi::Value ZipOpen(const Napi::CallbackInfo& info) {
  auto r = std::make_unique<Reader>();
  if (info[0].IsString()) {
    r->zip = std::make_unique<PyTorchStreamReader>(info[0].As<Napi::String>().Utf8Value());
  } else if (info[0].IsTypedArray()) {
    auto bytes = info[0].As<Napi::Uint8Array>();
    // The reader keeps its own copy: the JS buffer may move or be freed while records are read.
    auto adapter = std::make_shared<BufferAdapter>(bytes.Data(), bytes.ByteLength());
    r->zip = std::make_unique<PyTorchStreamReader>(std::shared_ptr<caffe2::serialize::ReadAdapterInterface>(adapter));
  } else {
    throw JsError(ErrorKind::Type, "expected a path or a Uint8Array");
  }
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
  auto owner = std::make_shared<at::DataPtr>(std::move(std::get<0>(rec)));
  void* data = owner->get();
  at::Tensor t = at::from_blob(
      data, {static_cast<int64_t>(bytes / item)}, [owner](void*) mutable { owner.reset(); },
      at::TensorOptions().dtype(dtype));
  return Napi::Number::New(info.Env(), handles.Add(std::move(t)));
}

Napi::Value ZipClose(const Napi::CallbackInfo& info) {
  if (info[0].IsExternal()) info[0].As<Napi::External<Reader>>().Data()->zip.reset();
  return info.Env().Undefined();
}

Napi::Value ZipWrite(const Napi::CallbackInfo& info, HandleTable& handles) {
  Napi::Array names = info[1].As<Napi::Array>();
  Napi::Array payloads = info[2].As<Napi::Array>();
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
  for (uint32_t i = 0; i < names.Length(); ++i) {
    std::string name = NameArg(names.Get(i));
    Napi::Value p = payloads.Get(i);
    if (p.IsTypedArray()) {
      auto bytes = p.As<Napi::Uint8Array>();
      zip->writeRecord(name, bytes.Data(), bytes.ByteLength());
    } else {
      const at::Tensor& t = TensorArg(p, handles, "save", "tensor");
      if (!t.device().is_cpu() || !t.is_contiguous()) throw JsError(ErrorKind::Value, "save: record tensors must be contiguous CPU tensors");
      zip->writeRecord(name, t.data_ptr(), t.numel() * t.element_size());
    }
  }
  zip->writeEndOfFile();
  zip.reset();
  if (info[0].IsString()) return info.Env().Undefined();
  return Napi::Buffer<char>::Copy(info.Env(), out.data(), out.size());
}

namespace {

// torch.load's reading, off the main thread: every record of the archive (data.pkl as bytes, each
// storage as a uint8 tensor that JS then views as its dtype).
class ReadAllWorker : public Napi::AsyncWorker {
 public:
  ReadAllWorker(Napi::Env env, std::string path, std::vector<uint8_t> bytes, bool fromBytes, HandleTable& handles,
                const ErrorClasses& errors)
      : Napi::AsyncWorker(env), path_(std::move(path)), bytes_(std::move(bytes)), fromBytes_(fromBytes),
        handles_(handles), errors_(errors), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      std::unique_ptr<PyTorchStreamReader> zip;
      if (fromBytes_) {
        auto adapter = std::make_shared<BufferAdapter>(bytes_.data(), bytes_.size());
        zip = std::make_unique<PyTorchStreamReader>(std::shared_ptr<caffe2::serialize::ReadAdapterInterface>(adapter));
      } else {
        zip = std::make_unique<PyTorchStreamReader>(path_);
      }
      for (const auto& name : zip->getAllRecords()) {
        auto rec = zip->getRecord(name);
        auto owner = std::make_shared<at::DataPtr>(std::move(std::get<0>(rec)));
        at::Tensor t = at::from_blob(owner->get(), {static_cast<int64_t>(std::get<1>(rec))},
                                     [owner](void*) mutable { owner.reset(); }, at::TensorOptions().dtype(at::kByte));
        records_.emplace_back(name, std::move(t));
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (error_) return RejectWith(env, deferred_, errors_, error_);
    Napi::Array out = Napi::Array::New(env, records_.size());
    for (size_t i = 0; i < records_.size(); ++i) {
      Napi::Array kv = Napi::Array::New(env, 2);
      kv.Set(0u, records_[i].first);
      kv.Set(1u, Napi::Number::New(env, handles_.Add(std::move(records_[i].second))));
      out.Set(static_cast<uint32_t>(i), kv);
    }
    deferred_.Resolve(out);
  }

 private:
  std::string path_;
  std::vector<uint8_t> bytes_;
  bool fromBytes_;
  HandleTable& handles_;
  const ErrorClasses& errors_;
  Napi::Promise::Deferred deferred_;
  std::vector<std::pair<std::string, at::Tensor>> records_;
  std::exception_ptr error_;
};

// torch.save's writing, off the main thread: the payloads were taken (bytes copied, tensors
// referenced) on the main thread, so JS may free or change nothing the worker reads.
class WriteWorker : public Napi::AsyncWorker {
 public:
  WriteWorker(Napi::Env env, std::string path, std::vector<std::string> names,
              std::vector<std::pair<std::string, at::Tensor>> payloads, const ErrorClasses& errors)
      : Napi::AsyncWorker(env), path_(std::move(path)), names_(std::move(names)), payloads_(std::move(payloads)),
        errors_(errors), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      PyTorchStreamWriter zip(path_);
      for (size_t i = 0; i < names_.size(); ++i) {
        const auto& p = payloads_[i];
        if (p.second.defined()) zip.writeRecord(names_[i], p.second.data_ptr(), p.second.numel() * p.second.element_size());
        else zip.writeRecord(names_[i], p.first.data(), p.first.size());
      }
      zip.writeEndOfFile();
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (error_) return RejectWith(env, deferred_, errors_, error_);
    deferred_.Resolve(env.Undefined());
  }

 private:
  std::string path_;
  std::vector<std::string> names_;
  std::vector<std::pair<std::string, at::Tensor>> payloads_;
  const ErrorClasses& errors_;
  Napi::Promise::Deferred deferred_;
  std::exception_ptr error_;
};

}  // namespace

Napi::Value ZipReadAllAsync(const Napi::CallbackInfo& info, HandleTable& handles, const ErrorClasses& errors) {
  ReadAllWorker* w;
  if (info[0].IsString()) {
    w = new ReadAllWorker(info.Env(), info[0].As<Napi::String>().Utf8Value(), {}, false, handles, errors);
  } else if (info[0].IsTypedArray()) {
    auto b = info[0].As<Napi::Uint8Array>();
    w = new ReadAllWorker(info.Env(), "", std::vector<uint8_t>(b.Data(), b.Data() + b.ByteLength()), true, handles, errors);
  } else {
    throw JsError(ErrorKind::Type, "expected a path or a Uint8Array");
  }
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value ZipWriteAsync(const Napi::CallbackInfo& info, HandleTable& handles, const ErrorClasses& errors) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Napi::Array names = info[1].As<Napi::Array>();
  Napi::Array payloads = info[2].As<Napi::Array>();
  std::vector<std::string> ns;
  std::vector<std::pair<std::string, at::Tensor>> ps;
  for (uint32_t i = 0; i < names.Length(); ++i) {
    ns.push_back(NameArg(names.Get(i)));
    Napi::Value p = payloads.Get(i);
    if (p.IsTypedArray()) {
      auto b = p.As<Napi::Uint8Array>();
      ps.emplace_back(std::string(reinterpret_cast<const char*>(b.Data()), b.ByteLength()), at::Tensor());
    } else {
      const at::Tensor& t = TensorArg(p, handles, "save", "tensor");
      if (!t.device().is_cpu() || !t.is_contiguous()) throw JsError(ErrorKind::Value, "save: record tensors must be contiguous CPU tensors");
      ps.emplace_back(std::string(), t);
    }
  }
  auto* w = new WriteWorker(info.Env(), std::move(path), std::move(ns), std::move(ps), errors);
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
