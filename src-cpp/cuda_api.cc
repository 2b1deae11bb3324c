#include "cuda_api.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstring>
#include <mutex>

#include "cuda/runtime.h"
#include "errors.h"

namespace torchnode {

namespace {

thread_local c10::optional<c10::Stream> tls_stream;

int IntArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// Streams, events and kernels cross to JS as Externals; JS wraps them in its own classes.
Napi::Value WrapStream(Napi::Env env, const c10::Stream& s) {
  return Napi::External<c10::Stream>::New(env, new c10::Stream(s), [](Napi::Env, c10::Stream* p) { delete p; });
}

const c10::Stream& StreamArg(const Napi::Value& v) {
  if (!v.IsExternal()) throw JsError(ErrorKind::Type, "expected a torch.cuda.Stream");
  return *v.As<Napi::External<c10::Stream>>().Data();
}

template <typename T>
Napi::Value WrapShared(Napi::Env env, std::shared_ptr<T> p) {
  return Napi::External<std::shared_ptr<T>>::New(env, new std::shared_ptr<T>(std::move(p)),
                                                   [](Napi::Env, std::shared_ptr<T>* q) { delete q; });
}

template <typename T>
T& SharedArg(const Napi::Value& v, const char* what) {
  if (!v.IsExternal()) throw JsError(ErrorKind::Type, std::string("expected a ") + what);
  return **v.As<Napi::External<std::shared_ptr<T>>>().Data();
}

uint32_t Dim3(const Napi::Array& a, uint32_t i, const char* what) {
  if (i >= a.Length()) return 1;
  const Napi::Value v = a.Get(i);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 1 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    throw JsError(ErrorKind::Value, std::string("launch(): ") + what + " sizes must be positive integers");
  }
  return static_cast<uint32_t>(d);
}

template <typename T>
cuda::KernelArg ScalarBytes(T value) {
  cuda::KernelArg a;
  a.bytes.resize(sizeof(T));
  std::memcpy(a.bytes.data(), &value, sizeof(T));
  return a;
}

// One launch argument: kind 'tensor' (a handle) or a C scalar type, checked by the TS layer
// against the kernel's signature when it has one.
cuda::KernelArg LaunchArg(const std::string& kind, const Napi::Value& v, HandleTable& handles, int device,
                          size_t index) {
  const std::string arg = "argument " + std::to_string(index);
  if (kind == "tensor") {
    const at::Tensor* t = v.IsNumber() ? handles.Get(v.As<Napi::Number>().Int64Value()) : nullptr;
    if (t == nullptr) throw JsError(ErrorKind::Torch, "launch(): " + arg + " is a tensor that was disposed", "ERR_TENSOR_DISPOSED");
    if (!t->is_cuda() || t->get_device() != device) {
      throw JsError(ErrorKind::Value, "launch(): " + arg + " is on " + t->device().str() + ", the kernel is on cuda:" +
                                          std::to_string(device));
    }
    if (!t->is_contiguous()) {
      throw JsError(ErrorKind::Value, "launch(): " + arg + " is not contiguous (call .contiguous() first)");
    }
    return ScalarBytes<void*>(t->data_ptr());
  }
  if (kind == "int64" || kind == "uint64") {
    bool lossless = true;
    const int64_t x = v.IsBigInt() ? v.As<Napi::BigInt>().Int64Value(&lossless) : v.As<Napi::Number>().Int64Value();
    return ScalarBytes<int64_t>(x);
  }
  if (kind == "float64") return ScalarBytes<double>(v.As<Napi::Number>().DoubleValue());
  if (kind == "float32") return ScalarBytes<float>(v.As<Napi::Number>().FloatValue());
  if (kind == "int32") return ScalarBytes<int32_t>(v.As<Napi::Number>().Int32Value());
  if (kind == "uint32") return ScalarBytes<uint32_t>(v.As<Napi::Number>().Uint32Value());
  if (kind == "int16") return ScalarBytes<int16_t>(static_cast<int16_t>(v.As<Napi::Number>().Int32Value()));
  if (kind == "int8") return ScalarBytes<int8_t>(static_cast<int8_t>(v.As<Napi::Number>().Int32Value()));
  if (kind == "uint8") return ScalarBytes<uint8_t>(static_cast<uint8_t>(v.As<Napi::Number>().Uint32Value()));
  if (kind == "bool") return ScalarBytes<bool>(v.ToBoolean().Value());
  throw JsError(ErrorKind::Type, "launch(): " + arg + " has unknown kind '" + kind + "'");
}

Napi::Object Props(Napi::Env env, const cuda::DeviceProperties& p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", p.name);
  o.Set("major", p.major);
  o.Set("minor", p.minor);
  o.Set("totalMemory", static_cast<double>(p.totalMemory));
  o.Set("multiProcessorCount", p.multiProcessorCount);
  o.Set("maxThreadsPerBlock", p.maxThreadsPerBlock);
  o.Set("sharedMemoryPerBlock", static_cast<double>(p.sharedMemoryPerBlock));
  o.Set("warpSize", p.warpSize);
  o.Set("uuid", p.uuid);
  return o;
}

}  // namespace

c10::optional<c10::Stream> CallerStream() { return tls_stream; }

int CallerCudaDevice() {
  if (!cuda::kBuilt || torch::cuda::device_count() == 0) return -1;
  return cuda::CurrentDevice();
}

void BindCudaDevice(int device) {
  if (device >= 0) cuda::BindThread(device);
}

Napi::Value CudaCurrentDevice(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), cuda::CurrentDevice());
}

Napi::Value CudaSetDevice(const Napi::CallbackInfo& info) {
  cuda::SetDevice(IntArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value CudaDeviceProperties(const Napi::CallbackInfo& info) {
  return Props(info.Env(), cuda::Properties(IntArg(info, 0)));
}

Napi::Value CudaSynchronize(const Napi::CallbackInfo& info) {
  cuda::Synchronize(IntArg(info, 0));
  return info.Env().Undefined();
}

// cudaManualSeed(seed: bigint, device: number): device -1 seeds every device (manualSeedAll).
Napi::Value CudaManualSeed(const Napi::CallbackInfo& info) {
  if (!cuda::kBuilt) cuda::NotBuilt();
  bool lossless = true;
  const uint64_t seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  const int device = IntArg(info, 1);
  const int count = static_cast<int>(torch::cuda::device_count());
  for (int d = device < 0 ? 0 : device; d < (device < 0 ? count : device + 1); ++d) {
    at::Generator gen = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(d)));
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
  }
  return info.Env().Undefined();
}

Napi::Value CudaMemoryStats(const Napi::CallbackInfo& info) {
  const cuda::MemoryStats s = cuda::Memory(IntArg(info, 0));
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("allocated", static_cast<double>(s.allocated));
  o.Set("reserved", static_cast<double>(s.reserved));
  o.Set("maxAllocated", static_cast<double>(s.maxAllocated));
  o.Set("maxReserved", static_cast<double>(s.maxReserved));
  return o;
}

Napi::Value CudaResetPeakStats(const Napi::CallbackInfo& info) {
  cuda::ResetPeakStats(IntArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value CudaEmptyCache(const Napi::CallbackInfo& info) {
  cuda::EmptyCache();
  return info.Env().Undefined();
}

Napi::Value CudaStreamNew(const Napi::CallbackInfo& info) {
  return WrapStream(info.Env(), cuda::NewStream(IntArg(info, 0), IntArg(info, 1)));
}

Napi::Value CudaStreamCurrent(const Napi::CallbackInfo& info) {
  return WrapStream(info.Env(), cuda::CurrentStream(IntArg(info, 0)));
}

Napi::Value CudaStreamDefault(const Napi::CallbackInfo& info) {
  return WrapStream(info.Env(), cuda::DefaultStream(IntArg(info, 0)));
}

// Makes `stream` current on its device for this thread; returns the stream it replaces.
Napi::Value CudaStreamSet(const Napi::CallbackInfo& info) {
  const c10::Stream& s = StreamArg(info[0]);
  const c10::Stream prev = cuda::CurrentStream(s.device_index());
  cuda::SetCurrentStream(s);
  // The default stream (id 0) is what a worker thread has anyway.
  tls_stream = s.id() == 0 ? c10::nullopt : c10::optional<c10::Stream>(s);
  return WrapStream(info.Env(), prev);
}

Napi::Value CudaStreamInfo(const Napi::CallbackInfo& info) {
  const c10::Stream& s = StreamArg(info[0]);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("device", static_cast<int>(s.device_index()));
  o.Set("id", Napi::BigInt::New(info.Env(), static_cast<int64_t>(s.id())));
  return o;
}

Napi::Value CudaStreamSynchronize(const Napi::CallbackInfo& info) {
  StreamArg(info[0]).synchronize();
  return info.Env().Undefined();
}

Napi::Value CudaStreamQuery(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), StreamArg(info[0]).query());
}

Napi::Value CudaEventNew(const Napi::CallbackInfo& info) {
  return WrapShared(info.Env(), cuda::NewEvent(info[0].ToBoolean(), info[1].ToBoolean(), info[2].ToBoolean()));
}

Napi::Value CudaEventRecord(const Napi::CallbackInfo& info) {
  cuda::RecordEvent(SharedArg<cuda::Event>(info[0], "torch.cuda.Event"), StreamArg(info[1]));
  return info.Env().Undefined();
}

Napi::Value CudaEventWait(const Napi::CallbackInfo& info) {
  cuda::WaitEvent(SharedArg<cuda::Event>(info[0], "torch.cuda.Event"), StreamArg(info[1]));
  return info.Env().Undefined();
}

Napi::Value CudaEventSynchronize(const Napi::CallbackInfo& info) {
  cuda::SynchronizeEvent(SharedArg<cuda::Event>(info[0], "torch.cuda.Event"));
  return info.Env().Undefined();
}

Napi::Value CudaEventQuery(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), cuda::QueryEvent(SharedArg<cuda::Event>(info[0], "torch.cuda.Event")));
}

Napi::Value CudaEventElapsed(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), cuda::ElapsedTime(SharedArg<cuda::Event>(info[0], "torch.cuda.Event"),
                                                         SharedArg<cuda::Event>(info[1], "torch.cuda.Event")));
}

// cudaKernelCompile(source, name, options: string[], device)
Napi::Value CudaKernelCompile(const Napi::CallbackInfo& info) {
  std::vector<std::string> options;
  Napi::Array opts = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < opts.Length(); ++i) options.push_back(opts.Get(i).As<Napi::String>().Utf8Value());
  return WrapShared(info.Env(), cuda::CompileKernel(info[0].As<Napi::String>().Utf8Value(),
                                                     info[1].As<Napi::String>().Utf8Value(), options, IntArg(info, 3)));
}

// cudaKernelLaunch(kernel, grid[], block[], sharedMemBytes, stream | null, kinds[], values[])
Napi::Value CudaKernelLaunch(const Napi::CallbackInfo& info, HandleTable& handles) {
  cuda::Kernel& kernel = SharedArg<cuda::Kernel>(info[0], "compiled kernel");
  const int device = cuda::KernelDevice(kernel);
  cuda::LaunchConfig c;
  for (uint32_t i = 0; i < 3; ++i) {
    c.grid[i] = Dim3(info[1].As<Napi::Array>(), i, "grid");
    c.block[i] = Dim3(info[2].As<Napi::Array>(), i, "block");
  }
  c.sharedMemBytes = info[3].As<Napi::Number>().Uint32Value();
  const c10::Stream stream = info[4].IsExternal() ? StreamArg(info[4]) : cuda::CurrentStream(device);
  if (stream.device_index() != device) {
    throw JsError(ErrorKind::Value, "launch(): the stream is on cuda:" + std::to_string(stream.device_index()) +
                                        ", the kernel on cuda:" + std::to_string(device));
  }
  Napi::Array kinds = info[5].As<Napi::Array>(), values = info[6].As<Napi::Array>();
  std::vector<cuda::KernelArg> args;
  for (uint32_t i = 0; i < kinds.Length(); ++i) {
    args.push_back(LaunchArg(kinds.Get(i).As<Napi::String>().Utf8Value(), values.Get(i), handles, device, i));
  }
  cuda::LaunchKernel(kernel, c, stream, args);
  return info.Env().Undefined();
}

namespace {

// LibTorch's autocast state for one device type; the API changed in 2.4.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool AutocastEnabled(bool cuda) { return at::autocast::is_autocast_enabled(cuda ? c10::kCUDA : c10::kCPU); }
at::ScalarType AutocastDtype(bool cuda) { return at::autocast::get_autocast_dtype(cuda ? c10::kCUDA : c10::kCPU); }
void SetAutocastEnabled(bool cuda, bool on) { at::autocast::set_autocast_enabled(cuda ? c10::kCUDA : c10::kCPU, on); }
void SetAutocastDtype(bool cuda, at::ScalarType t) { at::autocast::set_autocast_dtype(cuda ? c10::kCUDA : c10::kCPU, t); }
#else
bool AutocastEnabled(bool cuda) { return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
at::ScalarType AutocastDtype(bool cuda) {
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void SetAutocastEnabled(bool cuda, bool on) { cuda ? at::autocast::set_enabled(on) : at::autocast::set_cpu_enabled(on); }
void SetAutocastDtype(bool cuda, at::ScalarType t) {
  cuda ? at::autocast::set_autocast_gpu_dtype(t) : at::autocast::set_autocast_cpu_dtype(t);
}
#endif

}  // namespace

// autocastSet(device, enabled | null, dtype | null): null leaves that part as it is (so
// autocastSet(device, null, null) only reads the state).
Napi::Value AutocastSet(const Napi::CallbackInfo& info) {
  const std::string device = info[0].As<Napi::String>().Utf8Value();
  const bool cuda = device == "cuda";
  if (!cuda && device != "cpu") throw JsError(ErrorKind::Value, "autocast(): device must be 'cuda' or 'cpu', got '" + device + "'");
  const bool wasEnabled = AutocastEnabled(cuda);
  const at::ScalarType wasDtype = AutocastDtype(cuda);
  const bool enabled = info[1].IsNull() ? wasEnabled : info[1].ToBoolean().Value();
  if (cuda && enabled && !at::globalContext().hasCUDA()) cuda::NotBuilt();
  if (!info[2].IsNull()) SetAutocastDtype(cuda, static_cast<at::ScalarType>(IntArg(info, 2)));
  SetAutocastEnabled(cuda, enabled);
  // As Python's autocast: casts are cached while regions nest, and dropped when the outermost ends.
  if (enabled && !wasEnabled) {
    at::autocast::increment_nesting();
  } else if (!enabled && wasEnabled) {
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  }
  Napi::Array prev = Napi::Array::New(info.Env(), 2);
  prev.Set(0u, wasEnabled);
  prev.Set(1u, static_cast<int>(wasDtype));
  return prev;
}

}  // namespace torchnode
