/* FMA peak of this machine, fp32: `fma_peak <threads> <seconds>` prints one `@@bench <json>` line (bench/lib/protocol.ts)
 * {"isa":..., "threads":T, "gflops":G, "bf16":B, "roundTripNs":R}; B, with a third argument `bf16` (the host gate's
 * probes leave it out): the same with 512-bit vdpbf16ps (AVX512_BF16, 0 without it), the bound of the bf16 GEMM.
 * Each thread runs 12 independent chains of packed FMAs (enough to cover latency × ports on current x86 cores), and
 * the best of AVX-512 and AVX2 is reported.
 * R (with 2+ threads and 2+ usable CPUs, else 0): the best of 3 timings of a cache line bounced between threads
 * pinned to the first two CPUs this process may use, in ns per round trip: how far apart the host placed them
 * (bench/lib/host-gate.ts). Built by bench/cases/peak.ts with `cc -O2 -pthread` (ISA code selected with target
 * attributes, chosen at run time). */
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
#define ITERS 100000L

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

__attribute__((target("avx2,fma"))) static float run_avx2(long reps) {
  __m256 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long r = 0; r < reps * ITERS; r++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  float s = 0, out[8];
  for (int i = 0; i < CHAINS; i++) {
    _mm256_storeu_ps(out, acc[i]);
    s += out[0];
  }
  return s;
}

__attribute__((target("avx512f"))) static float run_avx512(long reps) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long r = 0; r < reps * ITERS; r++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  /* every chain must reach the result, or the compiler drops the unused ones and the rate reads ~3x high */
  float s = 0;
  for (int i = 0; i < CHAINS; i++) s += _mm512_reduce_add_ps(acc[i]);
  return s;
}

/* vdpbf16ps: two bf16 products per fp32 lane, so 4 flops per lane per instruction */
__attribute__((target("avx512f,avx512bf16"))) static float run_bf16(long reps) {
  __m512 acc[CHAINS];
  for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i * 1e-3f);
  const __m512bh a = (__m512bh)_mm512_set1_epi32(0x3f7f3f7f), b = (__m512bh)_mm512_set1_epi32(0x33d633d6);
  for (long r = 0; r < reps * ITERS; r++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
  }
  float s = 0;
  for (int i = 0; i < CHAINS; i++) s += _mm512_reduce_add_ps(acc[i]);
  return s;
}

struct job {
  int wide; /* 1: AVX-512, 2: AVX512_BF16 vdpbf16ps */
  long reps;
  volatile float sink;
};

static void* worker(void* p) {
  struct job* j = p;
  j->sink = j->wide == 2 ? run_bf16(j->reps) : j->wide ? run_avx512(j->reps) : run_avx2(j->reps);
  return NULL;
}

/* flops per rep = ITERS × CHAINS × lanes × 2 (× 2 products per lane for vdpbf16ps) */
static double measure(int wide, int threads, double seconds) {
  const double lanes = wide == 2 ? 32 : wide ? 16 : 8;
  struct job jobs[256];
  pthread_t tid[256];
  long reps = 1;
  for (;;) { /* calibrate on one thread: find reps for ~seconds */
    jobs[0].wide = wide;
    jobs[0].reps = reps;
    double t0 = now();
    worker(&jobs[0]);
    double t = now() - t0;
    if (t > 0.05) {
      reps = (long)(reps * seconds / t) + 1;
      break;
    }
    reps *= 4;
  }
  double t0 = now();
  for (int i = 0; i < threads; i++) {
    jobs[i].wide = wide;
    jobs[i].reps = reps;
    pthread_create(&tid[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
  double t = now() - t0;
  return threads * (double)reps * ITERS * CHAINS * lanes * 2 / t / 1e9;
}

/* The ping-pong: the main thread writes odd values, the partner answers with the next even one. */
#define BOUNCES 20000L
static _Alignas(64) _Atomic long ball;
static int pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}
static void* partner(void* p) {
  if (pin_to(*(int*)p) != 0) return NULL;
  for (long i = 1; i < 2 * BOUNCES; i += 2) {
    while (atomic_load_explicit(&ball, memory_order_acquire) != i) _mm_pause();
    atomic_store_explicit(&ball, i + 1, memory_order_release);
  }
  return NULL;
}
static double round_trip_ns(void) {
  cpu_set_t allowed;
  int cpus[2], found = 0;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 0;
  for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
    if (CPU_ISSET(c, &allowed)) cpus[found++] = c;
  if (found < 2) return 0;
  double best = 0;
  for (int rep = 0; rep < 3; rep++) {
    pthread_t tid;
    atomic_store(&ball, 0);
    if (pthread_create(&tid, NULL, partner, &cpus[1]) != 0) return 0;
    pin_to(cpus[0]);
    double t0 = now();
    for (long i = 0; i < 2 * BOUNCES; i += 2) {
      atomic_store_explicit(&ball, i + 1, memory_order_release);
      while (atomic_load_explicit(&ball, memory_order_acquire) != i + 2) _mm_pause();
    }
    double ns = (now() - t0) * 1e9 / BOUNCES;
    pthread_join(tid, NULL);
    if (best == 0 || ns < best) best = ns;
  }
  return best;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double seconds = argc > 2 ? atof(argv[2]) : 0.5;
  if (threads < 1 || threads > 256) threads = 1;
  __builtin_cpu_init();
  double g2 = measure(0, threads, seconds), g5 = 0;
  if (__builtin_cpu_supports("avx512f")) g5 = measure(1, threads, seconds);
  double gb = 0; /* the bf16 peak, apart from the fp32 one ("gflops") */
  if (argc > 3 && argv[3][0] == 'b' && __builtin_cpu_supports("avx512bf16")) gb = measure(2, threads, seconds);
  double rt = threads >= 2 ? round_trip_ns() : 0;
  printf("@@bench {\"isa\":\"%s\",\"threads\":%d,\"gflops\":%.2f,\"avx2\":%.2f,\"avx512\":%.2f,\"bf16\":%.2f,\"roundTripNs\":%.0f}\n",
         g5 > g2 ? "avx512" : "avx2+fma", threads, g5 > g2 ? g5 : g2, g2, g5, gb, rt);
  return 0;
}
