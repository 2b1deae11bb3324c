// Module init and the native surface. All state lives in one Addon per Node environment
// (main thread or worker), so the addon loads in any number of worker_threads at once.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <napi.h>
#include <torch/csrc/autograd/function.h>
#include <torch/utils.h>

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include "autograd.h"
#include "complex_dot.h"
#include "cuda_api.h"
#include "dispatch.h"
#include "errors.h"
#include "handles.h"
#include "indexing.h"
#include "info.h"
#include "jit.h"
#include "trace.h"
#include "js_autograd.h"
#include "serialization.h"
#include "shared.h"
#include "tensor_data.h"

namespace torchnode {

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    try {
      CheckRuntimeVersion();
    } catch (const std::exception& e) {
      // A plain Error at require() time: the JS error classes are not handed over yet.
      throw Napi::Error::New(env, e.what());
    }
    SetDefaultThreads();
    CorrectComplexDot();
    DefineAddon(exports, {
        InstanceMethod<&Addon::SetErrorClasses>("init"),
        InstanceMethod<&Addon::OpId>("opId"),
        InstanceMethod<&Addon::OpSchema>("opSchema"),
        InstanceMethod<&Addon::OpUnsupported>("opUnsupported"),
        InstanceMethod<&Addon::Call>("call"),
        InstanceMethod<&Addon::FromTypedArray>("fromTypedArray"),
        InstanceMethod<&Addon::ToArrayBuffer>("toArrayBuffer"),
        InstanceMethod<&Addon::ViewArrayBuffer>("viewArrayBuffer"),
        InstanceMethod<&Addon::ToArrayBufferAsync>("toArrayBufferAsync"),
        InstanceMethod<&Addon::Item>("item"),
        InstanceMethod<&Addon::Dtype>("dtype"),
        InstanceMethod<&Addon::Shape>("shape"),
        InstanceMethod<&Addon::Strides>("strides"),
        InstanceMethod<&Addon::Device>("device"),
        InstanceMethod<&Addon::RequiresGrad>("requiresGrad"),
        InstanceMethod<&Addon::SetRequiresGrad>("setRequiresGrad"),
        InstanceMethod<&Addon::GradFn>("gradFn"),
        InstanceMethod<&Addon::Numel>("numel"),
        InstanceMethod<&Addon::Dim>("dim"),
        InstanceMethod<&Addon::Free>("free"),
        InstanceMethod<&Addon::FreeMany>("freeMany"),
        InstanceMethod<&Addon::Memory>("memory"),
        InstanceMethod<&Addon::Track>("track"),
        InstanceMethod<&Addon::Version>("version"),
        InstanceMethod<&Addon::Config>("config"),
        InstanceMethod<&Addon::ManualSeed>("manualSeed"),
        InstanceMethod<&Addon::SetNumThreads>("setNumThreads"),
        InstanceMethod<&Addon::SetThreadNumThreads>("setThreadNumThreads"),
        InstanceMethod<&Addon::SetNumInteropThreads>("setNumInteropThreads"),
        InstanceMethod<&Addon::OpNames>("opNames"),
        InstanceMethod<&Addon::BackwardM>("backward"),
        InstanceMethod<&Addon::GradM>("autogradGrad"),
        InstanceMethod<&Addon::GetGrad>("grad"),
        InstanceMethod<&Addon::SetGrad>("setGrad"),
        InstanceMethod<&Addon::GradEnabled>("gradEnabled"),
        InstanceMethod<&Addon::SetData>("setData"),
        InstanceMethod<&Addon::Index>("index"),
        InstanceMethod<&Addon::IndexPut>("indexPut"),
        InstanceMethod<&Addon::GeneratorNew>("generatorNew"),
        InstanceMethod<&Addon::GeneratorFree>("generatorFree"),
        InstanceMethod<&Addon::GeneratorManualSeed>("generatorManualSeed"),
        InstanceMethod<&Addon::GeneratorSeed>("generatorSeed"),
        InstanceMethod<&Addon::GeneratorInitialSeed>("generatorInitialSeed"),
        InstanceMethod<&Addon::GeneratorGetState>("generatorGetState"),
        InstanceMethod<&Addon::GeneratorSetState>("generatorSetState"),
        InstanceMethod<&Addon::AutogradInitM>("autogradInit"),
        InstanceMethod<&Addon::AutogradStashM>("autogradStash"),
        InstanceMethod<&Addon::FunctionApplyM>("functionApply"),
        InstanceMethod<&Addon::RegisterHookM>("registerHook"),
        InstanceMethod<&Addon::RemoveHookM>("removeHook"),
        InstanceMethod<&Addon::AutogradReleasedM>("autogradReleased"),
        InstanceMethod<&Addon::JitInitM>("jitInit"),
        InstanceMethod<&Addon::JitLoadM>("jitLoad"),
        InstanceMethod<&Addon::JitLoadAsyncM>("jitLoadAsync"),
        InstanceMethod<&Addon::JitCallM>("jitCall"),
        InstanceMethod<&Addon::JitCallAsyncM>("jitCallAsync"),
        InstanceMethod<&Addon::JitMethodsM>("jitMethods"),
        InstanceMethod<&Addon::JitNamedM>("jitNamed"),
        InstanceMethod<&Addon::JitAttrM>("jitAttr"),
        InstanceMethod<&Addon::JitSetAttrM>("jitSetAttr"),
        InstanceMethod<&Addon::JitAttrNamesM>("jitAttrNames"),
        InstanceMethod<&Addon::JitTrainM>("jitTrain"),
        InstanceMethod<&Addon::JitToM>("jitTo"),
        InstanceMethod<&Addon::JitSaveM>("jitSave"),
        InstanceMethod<&Addon::JitFreezeM>("jitFreeze"),
        InstanceMethod<&Addon::JitOptimizeForInferenceM>("jitOptimizeForInference"),
        InstanceMethod<&Addon::JitCompileM>("jitCompile"),
        InstanceMethod<&Addon::JitDisposeM>("jitDispose"),
        InstanceMethod<&Addon::JitTypeNameM>("jitTypeName"),
        InstanceMethod<&Addon::JitTraceM>("jitTrace"),
        InstanceMethod<&Addon::ShareTensorM>("shareTensor"),
        InstanceMethod<&Addon::ClaimTensorM>("claimTensor"),
        InstanceMethod<&Addon::ReleaseSharedM>("releaseShared"),
        InstanceMethod<&Addon::SharedCountM>("sharedCount"),
        InstanceMethod<&Addon::ZipOpenM>("zipOpen"),
        InstanceMethod<&Addon::ZipRecordsM>("zipRecords"),
        InstanceMethod<&Addon::ZipRecordBytesM>("zipRecordBytes"),
        InstanceMethod<&Addon::ZipRecordTensorM>("zipRecordTensor"),
        InstanceMethod<&Addon::ZipCloseM>("zipClose"),
        InstanceMethod<&Addon::ZipWriteM>("zipWrite"),
        InstanceMethod<&Addon::ZipReadAllAsyncM>("zipReadAllAsync"),
        InstanceMethod<&Addon::ZipWriteAsyncM>("zipWriteAsync"),
        InstanceMethod<&Addon::StorageInfoM>("storageInfo"),
        InstanceMethod<&Addon::Plain<&CudaCurrentDevice>>("cudaCurrentDevice"),
        InstanceMethod<&Addon::Plain<&CudaSetDevice>>("cudaSetDevice"),
        InstanceMethod<&Addon::Plain<&CudaDeviceProperties>>("cudaDeviceProperties"),
        InstanceMethod<&Addon::Plain<&CudaSynchronize>>("cudaSynchronize"),
        InstanceMethod<&Addon::Plain<&CudaManualSeed>>("cudaManualSeed"),
        InstanceMethod<&Addon::Plain<&CudaMemoryStats>>("cudaMemoryStats"),
        InstanceMethod<&Addon::Plain<&CudaResetPeakStats>>("cudaResetPeakStats"),
        InstanceMethod<&Addon::Plain<&CudaEmptyCache>>("cudaEmptyCache"),
        InstanceMethod<&Addon::Plain<&CudaStreamNew>>("cudaStreamNew"),
        InstanceMethod<&Addon::Plain<&CudaStreamCurrent>>("cudaStreamCurrent"),
        InstanceMethod<&Addon::Plain<&CudaStreamDefault>>("cudaStreamDefault"),
        InstanceMethod<&Addon::Plain<&CudaStreamSet>>("cudaStreamSet"),
        InstanceMethod<&Addon::Plain<&CudaStreamInfo>>("cudaStreamInfo"),
        InstanceMethod<&Addon::Plain<&CudaStreamSynchronize>>("cudaStreamSynchronize"),
        InstanceMethod<&Addon::Plain<&CudaStreamQuery>>("cudaStreamQuery"),
        InstanceMethod<&Addon::Plain<&CudaEventNew>>("cudaEventNew"),
        InstanceMethod<&Addon::Plain<&CudaEventRecord>>("cudaEventRecord"),
        InstanceMethod<&Addon::Plain<&CudaEventWait>>("cudaEventWait"),
        InstanceMethod<&Addon::Plain<&CudaEventSynchronize>>("cudaEventSynchronize"),
        InstanceMethod<&Addon::Plain<&CudaEventQuery>>("cudaEventQuery"),
        InstanceMethod<&Addon::Plain<&CudaEventElapsed>>("cudaEventElapsed"),
        InstanceMethod<&Addon::Plain<&CudaKernelCompile>>("cudaKernelCompile"),
        InstanceMethod<&Addon::WithHandles<&CudaKernelLaunch>>("cudaKernelLaunch"),
        InstanceMethod<&Addon::Plain<&AutocastSet>>("autocastSet"),
    });
  }

 private:
  HandleTable handles_;
  ErrorClasses errors_;
  OpRegistry ops_;
  JsAutograd js_;
  JitContext jit_;

  template <typename F>
  Napi::Value Run(const Napi::CallbackInfo& info, F&& fn) {
    return Guard(info.Env(), errors_, std::forward<F>(fn));
  }

  // Entry points that need no addon state, or only the handle table, inside the one error guard.
  template <Napi::Value (*F)(const Napi::CallbackInfo&)>
  Napi::Value Plain(const Napi::CallbackInfo& info) {
    return Run(info, [&] { return F(info); });
  }
  template <Napi::Value (*F)(const Napi::CallbackInfo&, HandleTable&)>
  Napi::Value WithHandles(const Napi::CallbackInfo& info) {
    return Run(info, [&] { return F(info, handles_); });
  }

  const at::Tensor& Tensor(const Napi::CallbackInfo& info, size_t i, const char* op) {
    return TensorArg(info[i], handles_, op, "self");
  }

  // LibTorch's intra-op pool is process-wide: the first environment sets it once. Debian's
  // build otherwise reports 1 thread unless OMP_NUM_THREADS is set.
  static void SetDefaultThreads() {
    static std::once_flag once;
    std::call_once(once, [] {
      const char* env = std::getenv("TORCHNODE_NUM_THREADS");
      if (env != nullptr && std::atoi(env) > 0) {
        at::set_num_threads(std::atoi(env));
      } else if (std::getenv("OMP_NUM_THREADS") == nullptr) {
        unsigned n = std::thread::hardware_concurrency();
        if (n > 0) at::set_num_threads(static_cast<int>(n));
      }
    });
  }

  // init([TorchError, IndexError, ValueError, TypeError, NotImplementedError, OutOfMemoryError])
  Napi::Value SetErrorClasses(const Napi::CallbackInfo& info) {
    Napi::Array ctors = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < static_cast<uint32_t>(ErrorKind::Count); ++i) {
      errors_.ctors[i] = Napi::Persistent(ctors.Get(i).As<Napi::Function>());
    }
    return info.Env().Undefined();
  }

  Napi::Value AutogradInitM(const Napi::CallbackInfo& info) {
    return Run(info, [&] {
      AutogradInit(info, js_, handles_);
      return info.Env().Undefined();
    });
  }
  Napi::Value AutogradStashM(const Napi::CallbackInfo& info) {
    return Run(info, [&] {
      AutogradStash(info, js_);
      return info.Env().Undefined();
    });
  }
  Napi::Value FunctionApplyM(const Napi::CallbackInfo& info) { return Run(info, [&] { return FunctionApply(info, js_); }); }
  Napi::Value RegisterHookM(const Napi::CallbackInfo& info) { return Run(info, [&] { return RegisterHook(info, js_); }); }
  Napi::Value RemoveHookM(const Napi::CallbackInfo& info) {
    return Run(info, [&] {
      RemoveHook(info, js_);
      return info.Env().Undefined();
    });
  }
  Napi::Value AutogradReleasedM(const Napi::CallbackInfo& info) { return Run(info, [&] { return AutogradReleased(info, js_); }); }

  Napi::Value JitInitM(const Napi::CallbackInfo& info) {
    return Run(info, [&] {
      JitInit(info, jit_, handles_, errors_);
      return info.Env().Undefined();
    });
  }
  Napi::Value JitLoadM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitLoad(info, jit_); }); }
  Napi::Value JitLoadAsyncM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitLoadAsync(info, jit_); }); }
  Napi::Value JitCallM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitCall(info, jit_); }); }
  Napi::Value JitCallAsyncM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitCallAsync(info, jit_); }); }
  Napi::Value JitMethodsM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitMethods(info, jit_); }); }
  Napi::Value JitNamedM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitNamed(info, jit_); }); }
  Napi::Value JitAttrM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitAttr(info, jit_); }); }
  Napi::Value JitSetAttrM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitSetAttr(info, jit_); }); }
  Napi::Value JitAttrNamesM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitAttrNames(info, jit_); }); }
  Napi::Value JitTrainM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitTrain(info, jit_); }); }
  Napi::Value JitToM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitTo(info, jit_); }); }
  Napi::Value JitSaveM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitSave(info, jit_); }); }
  Napi::Value JitFreezeM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitFreeze(info, jit_); }); }
  Napi::Value JitOptimizeForInferenceM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitOptimizeForInference(info, jit_); }); }
  Napi::Value JitCompileM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitCompile(info, jit_); }); }
  Napi::Value JitTypeNameM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitTypeName(info, jit_); }); }
  Napi::Value JitDisposeM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitDispose(info, jit_); }); }
  Napi::Value JitTraceM(const Napi::CallbackInfo& info) { return Run(info, [&] { return JitTrace(info, jit_); }); }

  Napi::Value ShareTensorM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ShareTensor(info, handles_); }); }
  Napi::Value ClaimTensorM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ClaimTensor(info, handles_); }); }
  Napi::Value ReleaseSharedM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ReleaseShared(info); }); }
  Napi::Value SharedCountM(const Napi::CallbackInfo& info) { return Run(info, [&] { return SharedCount(info); }); }

  Napi::Value ZipOpenM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ZipOpen(info); }); }
  Napi::Value ZipRecordsM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ZipRecords(info); }); }
  Napi::Value ZipRecordBytesM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ZipRecordBytes(info); }); }
  Napi::Value ZipRecordTensorM(const Napi::CallbackInfo& info) {
    return Run(info, [&] { return ZipRecordTensor(info, handles_); });
  }
  Napi::Value ZipCloseM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ZipClose(info); }); }
  Napi::Value ZipWriteM(const Napi::CallbackInfo& info) { return Run(info, [&] { return ZipWrite(info, handles_); }); }
  Napi::Value ZipReadAllAsyncM(const Napi::CallbackInfo& info) {
    return Run(info, [&] { return ZipReadAllAsync(info, handles_, errors_); });
  }
  Napi::Value ZipWriteAsyncM(const Napi::CallbackInfo& info) {
    return Run(info, [&] { return ZipWriteAsync(info, handles_, errors_); });
  }
  Napi::Value StorageInfoM(const Napi::CallbackInfo& info) { return Run(info, [&] { return StorageInfo(info, handles_); }); }

  Napi::Value OpId(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      return Napi::Number::New(info.Env(), ops_.Lookup(info[0].As<Napi::String>().Utf8Value(),
                                                       info[1].As<Napi::String>().Utf8Value()));
    });
  }

  Napi::Value OpSchema(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      std::ostringstream s;
      s << ops_.Get(info[0].As<Napi::Number>().Int32Value()).handle.schema();
      return Napi::String::New(info.Env(), s.str());
    });
  }

  // Names of the arguments of op `id` that the generic path cannot convert (for tests).
  Napi::Value OpUnsupported(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      const OpEntry& op = ops_.Get(info[0].As<Napi::Number>().Int32Value());
      Napi::Array a = Napi::Array::New(info.Env());
      for (const auto& arg : op.args) {
        if (arg.kind == ArgKind::Unsupported) a.Set(a.Length(), arg.name);
      }
      return a;
    });
  }

  // The hot path: call(opId, ...args in schema order).
  Napi::Value Call(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      return ops_.Call(info, 1, info[0].As<Napi::Number>().Int32Value(), handles_);
    });
  }

  // fromTypedArray(data, shape, srcDtypeCode, dstDtypeCode) -> handle
  Napi::Value FromTypedArray(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      Napi::Array shapeArr = info[1].As<Napi::Array>();
      std::vector<int64_t> shape(shapeArr.Length());
      for (uint32_t i = 0; i < shape.size(); ++i) shape[i] = shapeArr.Get(i).As<Napi::Number>().Int64Value();
      auto src = static_cast<at::ScalarType>(info[2].As<Napi::Number>().Int32Value());
      auto dst = static_cast<at::ScalarType>(info[3].As<Napi::Number>().Int32Value());
      at::Tensor t = TensorFromTypedArray(info[0].As<Napi::TypedArray>(), shape, src, dst);
      return Napi::Number::New(info.Env(), handles_.Add(std::move(t)));
    });
  }

  Napi::Value ToArrayBuffer(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return CopyToArrayBuffer(info.Env(), Tensor(info, 0, "toTypedArray")); });
  }

  Napi::Value ToArrayBufferAsync(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return CopyToArrayBufferAsync(info.Env(), Tensor(info, 0, "data"), errors_); });
  }

  Napi::Value ViewArrayBuffer(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return ViewAsArrayBuffer(info.Env(), Tensor(info, 0, "toTypedArray")); });
  }

  Napi::Value Item(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return ScalarToJs(info.Env(), Tensor(info, 0, "item").item()); });
  }

  Napi::Value Dtype(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      return Napi::Number::New(info.Env(), static_cast<int>(Tensor(info, 0, "dtype").scalar_type()));
    });
  }

  Napi::Value Shape(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      auto sizes = Tensor(info, 0, "shape").sizes();
      Napi::Array a = Napi::Array::New(info.Env(), sizes.size());
      for (size_t i = 0; i < sizes.size(); ++i) a.Set(static_cast<uint32_t>(i), static_cast<double>(sizes[i]));
      return a;
    });
  }

  Napi::Value Strides(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      auto strides = Tensor(info, 0, "stride").strides();
      Napi::Array a = Napi::Array::New(info.Env(), strides.size());
      for (size_t i = 0; i < strides.size(); ++i) a.Set(static_cast<uint32_t>(i), static_cast<double>(strides[i]));
      return a;
    });
  }

  Napi::Value Device(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return Napi::String::New(info.Env(), Tensor(info, 0, "device").device().str()); });
  }

  Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      return Napi::Boolean::New(info.Env(), Tensor(info, 0, "requiresGrad").requires_grad());
    });
  }

  Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Tensor t = Tensor(info, 0, "requiresGrad_");
      t.set_requires_grad(info[1].As<Napi::Boolean>().Value());
      return info.Env().Undefined();
    });
  }

  // The autograd node's short name as Python prints it (`AddBackward0`), or null.
  Napi::Value GradFn(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      const auto& fn = Tensor(info, 0, "grad_fn").grad_fn();
      if (!fn) return info.Env().Null();
      std::string js = JsFunctionName(*fn);
      if (!js.empty()) return Napi::String::New(info.Env(), js);
      std::string name = fn->name();
      auto pos = name.rfind("::");
      return Napi::String::New(info.Env(), pos == std::string::npos ? name : name.substr(pos + 2));
    });
  }

  Napi::Value Numel(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return Napi::Number::New(info.Env(), static_cast<double>(Tensor(info, 0, "numel").numel())); });
  }

  Napi::Value Dim(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return Napi::Number::New(info.Env(), static_cast<double>(Tensor(info, 0, "dim").dim())); });
  }

  Napi::Value Free(const Napi::CallbackInfo& info) {
    int64_t external = 0;
    bool freed = handles_.Free(info[0].As<Napi::Number>().Int64Value(), &external);
    AdjustExternal(info.Env(), -external);
    return Napi::Boolean::New(info.Env(), freed);
  }

  // Batch free for scopes: one boundary crossing for every tensor a scope made.
  Napi::Value FreeMany(const Napi::CallbackInfo& info) {
    Napi::Int32Array hs = info[0].As<Napi::Int32Array>();
    const size_t n = info.Length() > 1 ? info[1].As<Napi::Number>().Uint32Value() : hs.ElementLength();
    int64_t external = 0;
    for (size_t i = 0; i < n && i < hs.ElementLength(); ++i) {
      int64_t e = 0;
      handles_.Free(hs[i], &e);
      external += e;
    }
    AdjustExternal(info.Env(), -external);
    return info.Env().Undefined();
  }

  // track(h): the GC now owns this tensor (it left every scope); report its bytes to V8.
  Napi::Value Track(const Napi::CallbackInfo& info) {
    AdjustExternal(info.Env(), handles_.TrackExternal(info[0].As<Napi::Number>().Int64Value()));
    return info.Env().Undefined();
  }

  static void AdjustExternal(Napi::Env env, int64_t delta) {
    if (delta == 0) return;
    int64_t result = 0;
    napi_adjust_external_memory(env, delta, &result);
  }

  Napi::Value Memory(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("tensors", static_cast<double>(handles_.Live()));
    const HandleTable::Bytes bytes = handles_.StorageBytes();
    o.Set("bytes", static_cast<double>(bytes.cpu));
    o.Set("cudaBytes", static_cast<double>(bytes.cuda));
    o.Set("gcBytes", static_cast<double>(handles_.ExternalBytes()));
    return o;
  }

  Napi::Value Version(const Napi::CallbackInfo& info) { return VersionInfo(info.Env()); }

  Napi::Value Config(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return ConfigInfo(info.Env()); });
  }

  Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      uint64_t seed;
      if (info[0].IsBigInt()) {
        bool lossless = true;
        seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
      } else {
        // Python wraps negative seeds to uint64 as well.
        seed = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
      }
      torch::manual_seed(seed);
      return info.Env().Undefined();
    });
  }

  Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      if (info.Length() > 0) at::set_num_threads(info[0].As<Napi::Number>().Int32Value());
      return Napi::Number::New(info.Env(), at::get_num_threads());
    });
  }

  // setThreadNumThreads(n) -> bool: intra-op threads for the calling thread only (a DataLoader
  // worker takes 1, as Python's worker processes do). at::set_num_threads would also move the
  // process-wide count that every thread adopts on its first parallel op (libuv threads running
  // forwardAsync, the next worker); OpenMP's own setting is per thread. False where LibTorch's
  // pool is not OpenMP.
  Napi::Value SetThreadNumThreads(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      int n = info[0].As<Napi::Number>().Int32Value();
      // Both lazy per-thread initialisations (LibTorch's, and the inline copy parallel_for has in
      // this addon) run now, so neither resets the count later on this thread's first parallel op.
      at::get_num_threads();
      at::internal::lazy_init_num_threads();
      auto set = OmpSetNumThreads();
      if (set != nullptr) set(n);
      return Napi::Boolean::New(info.Env(), set != nullptr);
    });
  }

  // OpenMP's omp_set_num_threads as LibTorch links it: looked up through LibTorch's own library,
  // whose dependencies (libgomp, or the copy a PyTorch wheel bundles) are not in the global scope.
  static void (*OmpSetNumThreads())(int) {
    static void (*fn)(int) = []() -> void (*)(int) {
      Dl_info where;
      if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &where) == 0 || where.dli_fname == nullptr) return nullptr;
      void* lib = dlopen(where.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
      if (lib == nullptr) return nullptr;
      auto f = reinterpret_cast<void (*)(int)>(dlsym(lib, "omp_set_num_threads"));
      dlclose(lib);  // NOLOAD only took a reference; the addon's link keeps the library loaded
      return f;
    }();
    return fn;
  }

  Napi::Value SetNumInteropThreads(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      if (info.Length() > 0) at::set_num_interop_threads(info[0].As<Napi::Number>().Int32Value());
      return Napi::Number::New(info.Env(), at::get_num_interop_threads());
    });
  }
  // index(h, spec) -> handle: Python's t[...]
  Napi::Value Index(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Tensor r = IndexGet(Tensor(info, 0, "index"), info[1].As<Napi::Float64Array>(),
                              info[2].As<Napi::Number>().Uint32Value(), handles_);
      return Napi::Number::New(info.Env(), handles_.Add(std::move(r)));
    });
  }

  // indexPut(h, spec, value): Python's t[...] = value, in place
  Napi::Value IndexPut(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Tensor self = Tensor(info, 0, "indexPut_");
      torchnode::IndexPut(self, info[1].As<Napi::Float64Array>(), info[2].As<Napi::Number>().Uint32Value(), info[3],
                          handles_);
      return info.Env().Undefined();
    });
  }

  // ---- autograd ---------------------------------------------------------------------------

  Napi::Value BackwardM(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      Backward(info, handles_);
      return info.Env().Undefined();
    });
  }

  Napi::Value GradM(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value { return Grad(info, handles_); });
  }

  // grad(h) -> a new handle sharing t.grad, or null
  Napi::Value GetGrad(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      const at::Tensor& g = Tensor(info, 0, "grad").grad();
      if (!g.defined()) return info.Env().Null();
      return Napi::Number::New(info.Env(), handles_.Add(g));
    });
  }

  // setGrad(h, gradHandle | null)
  Napi::Value SetGrad(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      const at::Tensor& t = Tensor(info, 0, "grad");
      if (info[1].IsNull() || info[1].IsUndefined()) {
        t.mutable_grad().reset();
      } else {
        const at::Tensor& g = TensorArg(info[1], handles_, "grad", "value");
        if (g.sizes() != t.sizes()) {
          throw JsError(ErrorKind::Torch, "assigned grad has data of a different size");
        }
        if (g.scalar_type() != t.scalar_type()) {
          throw JsError(ErrorKind::Torch, "assigned grad has data of a different type");
        }
        t.mutable_grad() = g;
      }
      return info.Env().Undefined();
    });
  }

  // setData(h, src): t.data = src (the tensor object keeps its identity and autograd metadata)
  Napi::Value SetData(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Tensor t = Tensor(info, 0, "setData");
      t.set_data(TensorArg(info[1], handles_, "setData", "data"));
      return info.Env().Undefined();
    });
  }

  // gradEnabled(set?) -> the mode before the call (thread-local, as in Python)
  Napi::Value GradEnabled(const Napi::CallbackInfo& info) {
    bool before = at::GradMode::is_enabled();
    if (info.Length() > 0 && info[0].IsBoolean()) at::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), before);
  }

  Napi::Value OpNames(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      auto names = OpRegistry::AllOpNames();
      Napi::Array a = Napi::Array::New(info.Env(), names.size());
      for (size_t i = 0; i < names.size(); ++i) a.Set(static_cast<uint32_t>(i), names[i]);
      return a;
    });
  }

  // ---- torch.Generator ----------------------------------------------------------------------

  static uint64_t SeedOf(const Napi::Value& v) {
    if (v.IsBigInt()) {
      bool lossless = true;
      return v.As<Napi::BigInt>().Uint64Value(&lossless);
    }
    // Python wraps negative seeds to uint64 as well.
    return static_cast<uint64_t>(v.As<Napi::Number>().Int64Value());
  }

  static Napi::Value Uint64ToJs(Napi::Env env, uint64_t x) {
    if (x <= 9007199254740991ull) return Napi::Number::New(env, static_cast<double>(x));
    return Napi::BigInt::New(env, x);
  }

  const at::Generator& Gen(const Napi::CallbackInfo& info) {
    const at::Generator* g = handles_.GetGenerator(info[0].As<Napi::Number>().Int32Value());
    if (g == nullptr) throw JsError(ErrorKind::Torch, "Generator: used after dispose()", "ERR_GENERATOR_DISPOSED");
    return *g;
  }

  // generatorNew(device, isDefault): a new generator, or the device's default one (shared state).
  Napi::Value GeneratorNew(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      c10::Device device(info[0].As<Napi::String>().Utf8Value());
      const bool isDefault = info[1].As<Napi::Boolean>().Value();
      at::Generator g;
      if (isDefault) {
        g = at::globalContext().defaultGenerator(device);
      } else if (device.is_cpu()) {
        g = at::detail::createCPUGenerator();
      } else {
        throw JsError(ErrorKind::NotImplemented,
                      "torch.Generator: new generators on " + device.str() + " are not supported by this build");
      }
      return Napi::Number::New(info.Env(), handles_.AddGenerator(std::move(g)));
    });
  }

  Napi::Value GeneratorFree(const Napi::CallbackInfo& info) {
    handles_.FreeGenerator(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  }

  Napi::Value GeneratorManualSeed(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Generator g = Gen(info);
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_current_seed(SeedOf(info[1]));
      return info.Env().Undefined();
    });
  }

  // Seeds from a non-deterministic source and returns the seed (Python's Generator.seed()).
  Napi::Value GeneratorSeed(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Generator g = Gen(info);
      std::lock_guard<std::mutex> lock(g.mutex());
      return Uint64ToJs(info.Env(), g.seed());
    });
  }

  Napi::Value GeneratorInitialSeed(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Generator g = Gen(info);
      std::lock_guard<std::mutex> lock(g.mutex());
      return Uint64ToJs(info.Env(), g.current_seed());
    });
  }

  Napi::Value GeneratorGetState(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Generator g = Gen(info);
      std::lock_guard<std::mutex> lock(g.mutex());
      return Napi::Number::New(info.Env(), handles_.Add(g.get_state()));
    });
  }

  Napi::Value GeneratorSetState(const Napi::CallbackInfo& info) {
    return Run(info, [&]() -> Napi::Value {
      at::Generator g = Gen(info);
      const at::Tensor& state = TensorArg(info[1], handles_, "Generator.setState", "newState");
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_state(state);
      return info.Env().Undefined();
    });
  }
};

}  // namespace torchnode

// NODE_API_ADDON pastes the class name into an identifier, so it needs an unqualified name.
using TorchnodeAddon = torchnode::Addon;
NODE_API_ADDON(TorchnodeAddon)
