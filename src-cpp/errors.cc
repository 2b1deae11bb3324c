#include "errors.h"

#include <c10/util/Exception.h>

#include <new>

namespace torchnode {

namespace {

void ThrowJs(Napi::Env env, const ErrorClasses& classes, ErrorKind kind, const std::string& message,
             const char* backtrace, const char* code) {
  const auto& ctor = classes.ctors[static_cast<int>(kind)];
  if (ctor.IsEmpty()) {
    // Only before init(): fall back to a plain Error so nothing is lost.
    Napi::Error::New(env, message).ThrowAsJavaScriptException();
    return;
  }
  Napi::Object err = ctor.New({Napi::String::New(env, message)});
  if (backtrace != nullptr) err.Set("cppBacktrace", Napi::String::New(env, backtrace));
  if (code != nullptr) err.Set("code", Napi::String::New(env, code));
  napi_throw(env, err);
}

}  // namespace

void RethrowAsJs(Napi::Env env, const ErrorClasses& classes) {
  // A JS exception may already be pending (thrown by a napi call): leave it as it is.
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  try {
    throw;
  } catch (const Napi::Error& e) {
    if (!pending) e.ThrowAsJavaScriptException();
  } catch (const JsError& e) {
    if (!pending) ThrowJs(env, classes, e.kind, e.what(), nullptr, e.code);
  } catch (const c10::IndexError& e) {
    ThrowJs(env, classes, ErrorKind::Index, e.what_without_backtrace(), e.what(), nullptr);
  } catch (const c10::ValueError& e) {
    ThrowJs(env, classes, ErrorKind::Value, e.what_without_backtrace(), e.what(), nullptr);
  } catch (const c10::TypeError& e) {
    ThrowJs(env, classes, ErrorKind::Type, e.what_without_backtrace(), e.what(), nullptr);
  } catch (const c10::NotImplementedError& e) {
    ThrowJs(env, classes, ErrorKind::NotImplemented, e.what_without_backtrace(), e.what(), nullptr);
  } catch (const c10::OutOfMemoryError& e) {
    ThrowJs(env, classes, ErrorKind::OutOfMemory, e.what_without_backtrace(), e.what(), nullptr);
  } catch (const c10::Error& e) {
    ThrowJs(env, classes, ErrorKind::Torch, e.what_without_backtrace(), e.what(), nullptr);
  } catch (const std::bad_alloc& e) {
    ThrowJs(env, classes, ErrorKind::OutOfMemory, std::string("out of memory: ") + e.what(), nullptr, nullptr);
  } catch (const std::exception& e) {
    ThrowJs(env, classes, ErrorKind::Torch, e.what(), nullptr, nullptr);
  } catch (...) {
    ThrowJs(env, classes, ErrorKind::Torch, "unknown native error", nullptr, nullptr);
  }
}

void RejectWith(Napi::Env env, Napi::Promise::Deferred& deferred, const ErrorClasses& classes, std::exception_ptr e) {
  Napi::HandleScope scope(env);
  try {
    std::rethrow_exception(e);
  } catch (...) {
    RethrowAsJs(env, classes);
  }
  napi_value exc = nullptr;
  napi_get_and_clear_last_exception(env, &exc);
  deferred.Reject(exc != nullptr ? Napi::Value(env, exc) : Napi::Error::New(env, "unknown error").Value());
}

}  // namespace torchnode
