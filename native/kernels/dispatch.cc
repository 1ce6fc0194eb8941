// The kernel dispatch table (BLIS bli_cntx_init style): every slot starts with a working portable
// kernel, ISA-specific variants override slots when the CPU has the features, and the choice is
// made once per process. NNTRAIN_KERNEL=<name> forces a variant (tests and benchmarks use it).
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "gemm/gemm.h"

namespace nntrain {
namespace {

constexpr KernelTable kRefTable = {"ref", gemm_ref};
constexpr KernelTable kSimpleTable = {"simple", gemm_simple};

KernelTable select_table() {
  const char* forced = std::getenv("NNTRAIN_KERNEL");
  if (forced == nullptr || forced[0] == '\0') return kSimpleTable;  // best portable variant for now
  if (std::strcmp(forced, "ref") == 0) return kRefTable;
  if (std::strcmp(forced, "simple") == 0) return kSimpleTable;
  throw std::invalid_argument(std::string("Unknown NNTRAIN_KERNEL '") + forced +
                              "'. Expected one of: " + kernel_names());
}

}  // namespace

const char* kernel_names() {
  return "ref, simple";
}

// A function-local static is initialized once, thread-safely, and is immutable afterwards, so addon
// instances in several worker threads share it without synchronization.
const KernelTable& kernel_table() {
  static const KernelTable table = select_table();
  return table;
}

}  // namespace nntrain
