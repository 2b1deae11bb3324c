// The one shape of torchnode's async calls: work on libuv's pool (LibTorch only, no JS), then a
// promise settled on the main thread. An exception from either side rejects it with the JS error
// it maps to (errors.h). The work runs on the CUDA stream that was current for the caller, as
// the synchronous call would, with the caller's CUDA device current.
#pragma once
#include <c10/core/StreamGuard.h>
#include <napi.h>

#include <exception>

#include "cuda_api.h"
#include "errors.h"

namespace torchnode {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, const ErrorClasses& errors)
      : Napi::AsyncWorker(env), errors_(errors), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  // On libuv's pool.
  virtual void Work() = 0;
  // On the main thread, inside a HandleScope: the value the promise resolves with.
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute() final {
    try {
      BindCudaDevice(device_);
      c10::OptionalStreamGuard guard(stream_);
      Work();
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  void OnOK() final {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (error_) return RejectWith(env, deferred_, errors_, error_);
    try {
      deferred_.Resolve(Result(env));
    } catch (...) {
      RejectWith(env, deferred_, errors_, std::current_exception());
    }
  }

  const ErrorClasses& errors_;
  Napi::Promise::Deferred deferred_;
  c10::optional<c10::Stream> stream_ = CallerStream();
  int device_ = CallerCudaDevice();
  std::exception_ptr error_;
};

}  // namespace torchnode
