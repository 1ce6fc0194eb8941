// Module init only: one NntrainAddon per JS environment (context-aware, so the addon loads in the
// main thread and in any number of worker_threads at once).
#include "binding/addon.h"

using nntrain::binding::NntrainAddon;  // the macro pastes the name into identifiers: no "::"

NODE_API_ADDON(NntrainAddon)
