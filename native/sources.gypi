# The one list of native sources and compile flags, shared by both build files:
#   binding.gyp includes this file (paths here are relative to native/, as gyp resolves them);
#   CMakeLists.txt parses the 'sources', 'defines' and 'cflags_cc' lists out of it.
# scripts/check-build-sources.mjs checks that every native/**/*.cc is listed and that CMake's parse
# of this file matches gyp's. Keep one entry per line, single-quoted.
{
  'sources': [
    'addon.cc',
    'binding/addon.cc',
    'binding/args.cc',
    'binding/kernels.cc',
    'binding/plan_decode.cc',
    'binding/plan_workers.cc',
    'binding/plan_wrap.cc',
    'kernels/act/activation.cc',
    'kernels/dense.cc',
    'kernels/dispatch.cc',
    'kernels/gemm/blocking.cc',
    'kernels/gemm/gemm.cc',
    'kernels/gemm/pack.cc',
    'kernels/gemm/pack_avx2.cc',
    'kernels/gemm/ukr_avx2_6x16.cc',
    'kernels/gemm/ukr_avx512_12x32.cc',
    'kernels/gemm/ukr_ref.cc',
    'kernels/loss/fused.cc',
    'kernels/loss/loss.cc',
    'kernels/loss/stats.cc',
    'kernels/optim/clip.cc',
    'kernels/optim/optim.cc',
    'kernels/ref/gemm_ref.cc',
    'train/plan.cc',
    'train/plan_desc.cc',
    'train/run.cc',
    'threads/pool.cc',
  ],
  'defines': [
    'NAPI_VERSION=8',
    'NAPI_CPP_EXCEPTIONS',
    'NODE_ADDON_API_DISABLE_DEPRECATED',
  ],
  # No -ffast-math (it breaks NaN checks and GELU backward), no -march=native (the binary must run on
  # any x86-64: ISA-specific code goes in functions marked __attribute__((target(...)))).
  'cflags_cc': [
    '-std=c++20',
    '-O3',
    '-fexceptions',
    '-fno-omit-frame-pointer',
    '-fvisibility=hidden',
    '-fvisibility-inlines-hidden',
    '-Wall',
    '-Wextra',
    '-Wno-unused-parameter',
  ],
}
