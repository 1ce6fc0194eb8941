// Registers the per-op kernel entries (binding/kernels.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace nntrain::binding {

void export_kernels(Napi::Env env, Napi::Object exports);

}  // namespace nntrain::binding
