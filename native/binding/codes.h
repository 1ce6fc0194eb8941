// codes(): the numbering the TypeScript side mirrors, read from the C++ constants themselves, so
// the loader (src/backend/shared-codes.ts) can refuse a binary whose numbers differ from its own.
#pragma once

#include <napi.h>

namespace nntrain::binding {

// codes() -> { Activation: { linear: 0, ... }, ..., PLAN_HEADER: 24, ... }, keyed by the names of
// the TypeScript constants. Takes no arguments (extra ones are ignored, as by info()).
Napi::Value Codes(const Napi::CallbackInfo& info);

}  // namespace nntrain::binding
