// The one exception boundary: every native entry point runs inside Guard(), which turns
// c10's error family (and our own argument errors) into the JS error classes that
// src-ts/errors.ts defines and hands over at start-up.
#pragma once
#include <napi.h>

#include <exception>
#include <stdexcept>
#include <string>

namespace torchnode {

// Kinds line up with the constructors passed to init() from src-ts/errors.ts.
enum class ErrorKind { Torch = 0, Index, Value, Type, NotImplemented, OutOfMemory, Count };

// Thrown by our own code when a JS argument does not fit (becomes the JS class for `kind`).
class JsError : public std::runtime_error {
 public:
  JsError(ErrorKind kind, const std::string& msg, const char* code = nullptr)
      : std::runtime_error(msg), kind(kind), code(code) {}
  ErrorKind kind;
  const char* code;
};

struct ErrorClasses {
  Napi::FunctionReference ctors[static_cast<int>(ErrorKind::Count)];
};

// Throws the pending C++ exception (call only inside a catch block) as a JS error.
void RethrowAsJs(Napi::Env env, const ErrorClasses& classes);

// Rejects a promise with the JS error `e` maps to (for async workers, on the main thread).
void RejectWith(Napi::Env env, Napi::Promise::Deferred& deferred, const ErrorClasses& classes, std::exception_ptr e);

template <typename F>
inline Napi::Value Guard(Napi::Env env, const ErrorClasses& classes, F&& fn) {
  try {
    return fn();
  } catch (...) {
    try {
      RethrowAsJs(env, classes);
    } catch (...) {
      // Making the JS error failed: the environment is shutting down (a terminated worker), and
      // there is no caller left to tell. Letting this escape would abort the process.
    }
    return Napi::Value();
  }
}

}  // namespace torchnode
