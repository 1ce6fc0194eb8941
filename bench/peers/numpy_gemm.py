# OpenBLAS sgemm GFLOP/s through numpy (Debian python3-numpy + libopenblas0-pthread), same shapes as
# bench/cases/gemm-shapes.ts: `python3 numpy_gemm.py '<json {shapes, minSeconds}>'`; threads from
# OPENBLAS_NUM_THREADS (set by the runner). Transposes are views, so numpy passes them to sgemm as flags.
# Prints one `@@bench <json>` line; {"installed": false} when numpy is absent.
import json
import sys
import time

try:
    import numpy as np
except ImportError:
    print("@@bench " + json.dumps({"installed": False}))
    sys.exit(0)


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")  # numpy >= 1.25
        return str(cfg["Build Dependencies"]["blas"]["name"])
    except Exception:
        import numpy.core._multiarray_umath as m  # noqa: F401  (1.24: inspect the linked library)
        try:
            with open("/proc/self/maps") as f:
                libs = {line.split()[-1] for line in f if "blas" in line.lower()}
            return ",".join(sorted(l.rsplit("/", 1)[-1] for l in libs)) or "unknown"
        except OSError:
            return "unknown"


def on_cache_line(values):
    """A copy of `values` whose data starts on a 64-byte line, like nntrain's operands (and torch's)."""
    buf = np.empty(values.nbytes + 64, np.uint8)
    start = -buf.ctypes.data % 64
    out = buf[start:start + values.nbytes].view(values.dtype).reshape(values.shape)
    out[...] = values
    return out


def main():
    p = json.loads(sys.argv[1])
    rng = np.random.default_rng(5)
    out = []
    for s in p["shapes"]:
        m, n, k = s["m"], s["n"], s["k"]
        a = on_cache_line(rng.uniform(-1, 1, (k, m) if s["tA"] else (m, k)).astype(np.float32))
        b = on_cache_line(rng.uniform(-1, 1, (n, k) if s["tB"] else (k, n)).astype(np.float32))
        A = a.T if s["tA"] else a
        B = b.T if s["tB"] else b
        c = on_cache_line(np.empty((m, n), np.float32))
        np.matmul(A, B, out=c)
        ref = A[-1].astype(np.float64) @ B.astype(np.float64)  # correctness before timing (last row)
        if not np.allclose(c[-1], ref, rtol=1e-3, atol=1e-3 * np.sqrt(k)):
            raise SystemExit(f"numpy gemm mismatch on {s['label']}")
        times = []
        start = time.perf_counter()
        while len(times) < 3 or time.perf_counter() - start < p["minSeconds"]:
            t0 = time.perf_counter()
            np.matmul(A, B, out=c)
            times.append(time.perf_counter() - t0)
        times.sort()
        out.append(2 * m * n * k / times[len(times) // 2] / 1e9)
    print("@@bench " + json.dumps({"installed": True, "numpy": np.__version__, "blas": blas_name(), "gflops": out}))


main()
