#!/usr/bin/env bash
# Builds and runs the C++ unit tests (test/native/, doctest from Debian's doctest-dev) with plain
# CMake and ctest, in build-native-tests/. Exit code: ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f /usr/include/doctest/doctest.h ]; then
  echo "doctest is missing: apt-get install doctest-dev" >&2
  exit 1
fi
cmake -S test/native -B build-native-tests -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-native-tests -j "$(nproc)"
ctest --test-dir build-native-tests --output-on-failure
