# node-gyp build of the optional MPI addon, nntrain_mpi.node (native/mpi/build/Release), separate from
# the main addon so that the main addon and its prebuilds never need libmpi. Built by
# scripts/build-mpi.mjs (npm install where mpicc is on PATH, or `npm run build:mpi`). Compile and link
# flags come from the MPI compiler wrapper, so the real mpi.h and libmpi of this machine are used.
{
  'targets': [
    {
      'target_name': 'nntrain_mpi',
      'sources': ['addon.cc', 'ops.cc', 'watchdog.cc'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED', 'OMPI_SKIP_MPICXX=1'],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17'],
      'cflags_cc': ['-std=c++20', '-O2', '-fvisibility=hidden', '-Wall', '-Wextra', '-Wno-unused-parameter', '<!@(mpicc --showme:compile)'],
      'libraries': ['<!@(mpicc --showme:link)'],
      'xcode_settings': {
        'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
        'CLANG_CXX_LANGUAGE_STANDARD': 'c++20',
        'OTHER_CPLUSPLUSFLAGS': ['<!@(mpicc --showme:compile)'],
      },
    },
  ],
}
