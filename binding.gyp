# node-gyp build of the nntrain addon (`npm install` -> node-gyp-build -> node-gyp rebuild).
# Sources, defines and compile flags live in native/sources.gypi, which CMakeLists.txt reads too, so the
# two builds compile the same files with the same flags (scripts/check-build-sources.mjs verifies it).
{
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
      'msvs_settings': {
        'VCCLCompilerTool': {
          'ExceptionHandling': 1,
          'AdditionalOptions': ['/std:c++20', '/O2'],
        },
      },
    },
  ],
}
