// Old glibc symbol versions for the portable prebuilds (binding.gyp, variable nntrain_portable=1).
//
// A prebuild is linked on a new glibc but must load on glibc 2.28 (RHEL 8, Ubuntu 20.04, Debian
// 11). The linker binds each glibc function to its newest version: pthread_create@GLIBC_2.34
// (libpthread merged into libc), exp/log/pow@GLIBC_2.29 (new implementations, same results, no
// SVID errno wrapper), and the static libstdc++ reads __libc_single_threaded@GLIBC_2.32. The
// portable link passes --wrap=<symbol> for each, so every reference (ours and libstdc++'s) lands on
// a __wrap_ function here that calls the same function's oldest version, which every glibc since
// the architecture's first still exports. scripts/prebuild.mjs checks the result with readelf.
#if defined(NNTRAIN_PORTABLE_GLIBC)

#include <pthread.h>

#if !defined(__GLIBC__)
#error "portable prebuilds link against glibc"
#elif defined(__x86_64__)
#define NNTRAIN_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define NNTRAIN_GLIBC_BASE "GLIBC_2.17"
#else
#error "portable prebuilds are built for x86_64 and aarch64 only"
#endif

// oldest_<name> is <name>@<the architecture's first glibc version>
#define NNTRAIN_OLDEST(name) __asm__(".symver oldest_" #name "," #name "@" NNTRAIN_GLIBC_BASE)

extern "C" {
double oldest_exp(double);
double oldest_log(double);
double oldest_pow(double, double);
int oldest_pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
int oldest_pthread_join(pthread_t, void**);
int oldest_pthread_mutex_trylock(pthread_mutex_t*);
NNTRAIN_OLDEST(exp);
NNTRAIN_OLDEST(log);
NNTRAIN_OLDEST(pow);
NNTRAIN_OLDEST(pthread_create);
NNTRAIN_OLDEST(pthread_join);
NNTRAIN_OLDEST(pthread_mutex_trylock);

__attribute__((visibility("hidden"))) double __wrap_exp(double x) {
  return oldest_exp(x);
}
__attribute__((visibility("hidden"))) double __wrap_log(double x) {
  return oldest_log(x);
}
__attribute__((visibility("hidden"))) double __wrap_pow(double x, double y) {
  return oldest_pow(x, y);
}
__attribute__((visibility("hidden"))) int __wrap_pthread_create(pthread_t* thread,
                                                                const pthread_attr_t* attr,
                                                                void* (*start)(void*), void* arg) {
  return oldest_pthread_create(thread, attr, start, arg);
}
__attribute__((visibility("hidden"))) int __wrap_pthread_join(pthread_t thread, void** result) {
  return oldest_pthread_join(thread, result);
}
__attribute__((visibility("hidden"))) int __wrap_pthread_mutex_trylock(pthread_mutex_t* mutex) {
  return oldest_pthread_mutex_trylock(mutex);
}

// libstdc++ skips atomic reference counts while this reads nonzero (no second thread yet). Node
// always runs threads, where glibc's own copy reads 0 too, so a constant 0 behaves the same.
__attribute__((visibility("hidden"))) char __wrap___libc_single_threaded = 0;
}

#endif  // NNTRAIN_PORTABLE_GLIBC
