# node-gyp build of the nntrain addon (`npm install` -> node-gyp-build -> node-gyp rebuild).
# Sources, defines and compile flags live in native/sources.gypi, which CMakeLists.txt reads too, so the
# two builds compile the same files with the same flags (scripts/check-build-sources.mjs verifies it).
# NNTRAIN_PORTABLE=1 (set by scripts/prebuild.mjs) makes the portable Linux prebuild: libstdc++ linked
# in, glibc symbols bound to versions that glibc 2.28 has (native/portable/glibc_compat.cc).
{
  'variables': {
    'nntrain_portable%': '<!(node -p "process.env.NNTRAIN_PORTABLE === \'1\' ? 1 : 0")',
  },
  'targets': [
    {
      'target_name': 'nntrain',
      'includes': ['native/sources.gypi'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # node-gyp's common.gypi turns C++ exceptions and RTTI off and picks gnu++17; nntrain uses
      # NAPI_CPP_EXCEPTIONS and the standard set in sources.gypi
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17'],
      'xcode_settings': {
        'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
        'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
        'CLANG_CXX_LANGUAGE_STANDARD': 'c++20',
        'MACOSX_DEPLOYMENT_TARGET': '11.0',
        'OTHER_CPLUSPLUSFLAGS': ['-O3', '-Wall', '-Wextra', '-Wno-unused-parameter'],
      },
      'conditions': [
        ['OS=="linux" and nntrain_portable==1', {
          'defines': ['NNTRAIN_PORTABLE_GLIBC'],
          'ldflags': [
            # libgcc_s stays shared: every glibc system has it, and its unwinder must match glibc's
            '-static-libstdc++',
            '-Wl,--version-script=<(module_root_dir)/native/portable/exports.map',
            '-Wl,--gc-sections',
            '-Wl,--wrap=exp,--wrap=log,--wrap=pow',
            '-Wl,--wrap=pthread_create,--wrap=pthread_join,--wrap=pthread_mutex_trylock',
            '-Wl,--wrap=__libc_single_threaded',
            # before glibc 2.34 the pthread functions live in libpthread.so.0
            '-Wl,--no-as-needed,-l:libpthread.so.0,--as-needed',
          ],
        }],
      ],
      'msvs_settings': {
        'VCCLCompilerTool': {
          'ExceptionHandling': 1,
          'AdditionalOptions': ['/std:c++20', '/O2'],
        },
      },
    },
  ],
}
