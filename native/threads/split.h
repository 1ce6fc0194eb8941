// How parallel loops are sized and cut: pure arithmetic shared by the pool's callers and the GEMM's
// partition rules (which are tested without threads).
#pragma once

namespace nntrain {

// How many threads a parallel loop over `work` units uses: one per `per_thread` units, at least
// 1, at most the pool's. A loop costs a few microseconds to wake, claim and join whatever its
// size, so each thread must get enough work to pay for its share of that; on a many-core pool a
// mid-sized loop thus runs on some of the threads instead of all of them. Every caller's results
// are independent of the thread count, so this rule decides speed alone.
inline int threads_for(double work, double per_thread, int pool_threads) {
  const double t = work / per_thread;
  if (!(t >= 2.0) || pool_threads <= 1) return 1;
  return t >= pool_threads ? pool_threads : static_cast<int>(t);
}

// Splits [0, n) into `parts` contiguous ranges whose bounds are multiples of `align` (except n);
// part i gets [*begin, *end).
inline void split_range(long n, int parts, int i, long align, long* begin, long* end) {
  const long units = (n + align - 1) / align;
  const long b = units * i / parts * align, e = units * (i + 1) / parts * align;
  *begin = b < n ? b : n;
  *end = e < n ? e : n;
}

}  // namespace nntrain
