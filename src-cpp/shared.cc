#include "shared.h"

#include <ATen/ATen.h>

#include <mutex>
#include <unordered_map>

#include "dispatch.h"
#include "errors.h"
#include "handles.h"

namespace torchnode {

namespace {

struct Parked {
  std::mutex mu;
  std::unordered_map<int64_t, at::Tensor> tensors;
  int64_t next = 1;
};

// Process-wide on purpose (every worker's environment reaches it); never destroyed, so a worker
// exiting late cannot touch a dead map.
Parked& parked() {
  static Parked* p = new Parked();
  return *p;
}

int64_t TicketArg(const Napi::Value& v) {
  if (!v.IsNumber()) throw JsError(ErrorKind::Type, "a shared-tensor ticket must be a number");
  return v.As<Napi::Number>().Int64Value();
}

}  // namespace

Napi::Value ShareTensor(const Napi::CallbackInfo& info, HandleTable& handles) {
  at::Tensor t = TensorArg(info[0], handles, "share", "self");
  if (t.requires_grad()) t = t.detach();  // the autograd graph belongs to the sending thread
  Parked& p = parked();
  std::lock_guard<std::mutex> lock(p.mu);
  int64_t ticket = p.next++;
  p.tensors.emplace(ticket, std::move(t));
  return Napi::Number::New(info.Env(), static_cast<double>(ticket));
}

Napi::Value ClaimTensor(const Napi::CallbackInfo& info, HandleTable& handles) {
  int64_t ticket = TicketArg(info[0]);
  at::Tensor t;
  {
    Parked& p = parked();
    std::lock_guard<std::mutex> lock(p.mu);
    auto it = p.tensors.find(ticket);
    if (it == p.tensors.end()) {
      throw JsError(ErrorKind::Value, "shared tensor " + std::to_string(ticket) + " was already claimed or released");
    }
    t = std::move(it->second);
    p.tensors.erase(it);
  }
  return Napi::Number::New(info.Env(), handles.Add(std::move(t)));
}

Napi::Value ReleaseShared(const Napi::CallbackInfo& info) {
  int64_t ticket = TicketArg(info[0]);
  Parked& p = parked();
  std::lock_guard<std::mutex> lock(p.mu);
  return Napi::Boolean::New(info.Env(), p.tensors.erase(ticket) > 0);
}

Napi::Value SharedCount(const Napi::CallbackInfo& info) {
  Parked& p = parked();
  std::lock_guard<std::mutex> lock(p.mu);
  return Napi::Number::New(info.Env(), static_cast<double>(p.tensors.size()));
}

}  // namespace torchnode
