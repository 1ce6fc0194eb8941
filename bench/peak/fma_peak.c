/* FMA peak of this machine, fp32: `fma_peak <threads> <seconds>` prints one `@@bench <json>` line (bench/lib/protocol.ts)
 * {"isa":..., "threads":T, "gflops":G}. Each thread runs 12 independent chains of packed FMAs (enough to
 * cover latency × ports on current x86 cores), and the best of AVX-512 and AVX2 is reported. Built by
 * bench/cases/peak.ts with `cc -O2 -pthread` (ISA code selected with target attributes, chosen at run time). */
#include <immintrin.h>
#include <pthread.h>
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
  return _mm512_reduce_add_ps(acc[0]);
}

struct job {
  int wide; /* 1: AVX-512 */
  long reps;
  volatile float sink;
};

static void* worker(void* p) {
  struct job* j = p;
  j->sink = j->wide ? run_avx512(j->reps) : run_avx2(j->reps);
  return NULL;
}

/* flops per rep = ITERS × CHAINS × lanes × 2 */
static double measure(int wide, int threads, double seconds) {
  const double lanes = wide ? 16 : 8;
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

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double seconds = argc > 2 ? atof(argv[2]) : 0.5;
  if (threads < 1 || threads > 256) threads = 1;
  __builtin_cpu_init();
  double g2 = measure(0, threads, seconds), g5 = 0;
  if (__builtin_cpu_supports("avx512f")) g5 = measure(1, threads, seconds);
  printf("@@bench {\"isa\":\"%s\",\"threads\":%d,\"gflops\":%.2f,\"avx2\":%.2f,\"avx512\":%.2f}\n", g5 > g2 ? "avx512" : "avx2+fma",
         threads, g5 > g2 ? g5 : g2, g2, g5);
  return 0;
}
