// Build and runtime facts: LibTorch version (built against vs loaded), BLAS, threads.
#pragma once
#include <napi.h>

#include <string>

namespace torchnode {

// The LibTorch version these sources were compiled against ("1.13.0").
const char* BuiltAgainstVersion();
// The version of the LibTorch actually loaded, read from its own build settings.
std::string RuntimeLibTorchVersion();
// Throws (as a plain JS Error at load) when the loaded LibTorch differs in major.minor.
void CheckRuntimeVersion();

Napi::Object VersionInfo(Napi::Env env);
Napi::Object ConfigInfo(Napi::Env env);

}  // namespace torchnode
