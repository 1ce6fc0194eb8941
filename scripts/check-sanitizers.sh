#!/usr/bin/env bash
# The addon under AddressSanitizer and UndefinedBehaviorSanitizer: builds it into build-sanitize/ (build/
# keeps the normal addon that every other test loads) and runs the suites that drive the native code
# (conformance, gradient checks, CSV, model files) on it. Any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build-sanitize
start=$SECONDS

echo "-- building the ASan+UBSan addon into $out/build (cmake-js, offline)"
# -O: node-gyp-build resolves NNTRAIN_PREBUILD=<dir> like a package root, so the addon must end up in
# <dir>/build/Release/nntrain.node. CMakeLists.txt adds -fno-sanitize-recover=all: UBSan reports abort.
npx cmake-js compile -O "$out/build" --CDNNTRAIN_SANITIZE=address,undefined
addon=$out/build/Release/nntrain.node
# a build without the instrumentation would run the suites and prove nothing; UBSan's handlers must be
# the non-recovering (_abort) ones
symbols=$(nm -D --undefined-only "$addon")
for symbol in '__asan_report_load4$' '__ubsan_handle_.*_abort$'; do
  if ! grep -q "$symbol" <<<"$symbols"; then
    echo "$addon is not instrumented as expected (no symbol matching $symbol)" >&2
    exit 1
  fi
done

# Node is not built with ASan, so its runtime must be the first library loaded (libubsan may come later).
libasan=$(g++ -print-file-name=libasan.so)
if [ ! -e "$libasan" ]; then
  echo "GCC's ASan runtime is missing (libasan8, a dependency of g++-12)" >&2
  exit 1
fi

# ASan reports go to files as well as failing the process: vitest may hide a worker's stderr when it dies,
# and a file left behind is a report nobody can miss.
reports=$(mktemp -d /tmp/nntrain-sanitizers.XXXXXX)
results=$reports/vitest.json
# detect_leaks=0: Node and V8 free little at exit by design, so LeakSanitizer would report them.
# allow_user_segv_handler=1: V8 installs its own SIGSEGV handler (WebAssembly bounds checks; vite
# parses modules with WebAssembly) and must keep it. A report ends the process (halt_on_error, the
# default for ASan; UBSan's checks are built non-recoverable) with exit code 1.
export ASAN_OPTIONS="detect_leaks=0:allow_user_segv_handler=1:halt_on_error=1:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export NNTRAIN_PREBUILD=$PWD/$out

echo "-- conformance, gradient checks, CSV and model-file tests under ASan+UBSan"
# LD_PRELOAD and the options reach vitest's forked workers and the children some tests start.
# vitest.sanitizers.config.ts checks in each worker that the mapped nntrain.node is $addon.
status=0
LD_PRELOAD=$libasan npx vitest run --config vitest.sanitizers.config.ts \
  --reporter=default --reporter=json --outputFile.json="$results" \
  test/backend/conformance test/helpers/reference test/native test/data/csv test/io/model-file 2>&1 | tee "$reports/output" || status=$?

if compgen -G "$reports/asan.*" >/dev/null; then
  echo "sanitizer reports:" >&2
  cat "$reports"/asan.* >&2
  exit 1
fi
# UBSan (GCC 12's libubsan beside a preloaded libasan) prints its reports to stderr despite log_path
if grep -qE 'runtime error:|ERROR: AddressSanitizer|SUMMARY: [A-Za-z]+Sanitizer' "$reports/output"; then
  echo "sanitizer reports in the test output (above)" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "the tests failed under the sanitizers (exit code $status)" >&2
  exit "$status"
fi
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (r.numPassedTests === 0) throw new Error("no test passed under the sanitizers");
  console.log(`${r.numPassedTests} tests passed (${r.numPendingTests} skipped) in ${r.testResults.length} files under ASan+UBSan, no report`);
' "$results"
rm -rf "$reports"
echo "sanitizer check: $((SECONDS - start)) s"
