# PyTorch peer (Debian python3-torch, CPU): the same MLPs, batches and optimizers as bench/cases/train.ts on
# the same Fashion-MNIST caches, data preloaded as tensors. `python3 torch_mlp.py '<json>'` with
# {mode: "speed"|"accuracy", units, batch, optimizer: "adam"|"sgdm", minSeconds, threads, epochs, cache}.
# Thread setting: torch.set_num_threads(threads); OMP_WAIT_POLICY comes from the runner's environment.
# Prints one `@@bench <json>` line; {"installed": false} when torch is absent.
import json
import math
import os
import sys
import time

try:
    import numpy as np
    import torch
except ImportError:
    print("@@bench " + json.dumps({"installed": False}))
    sys.exit(0)


def load(cache, split):
    x = np.fromfile(os.path.join(cache, f"fmnist-{split}-x.f32"), dtype="<f4").reshape(-1, 784)
    y = np.fromfile(os.path.join(cache, f"fmnist-{split}-y.u8"), dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(x.copy()), torch.from_numpy(y)


def build(units, optimizer):
    torch.manual_seed(1)
    layers, width = [], 784
    for u in units:
        layers += [torch.nn.Linear(width, u), torch.nn.ReLU()]
        width = u
    model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))  # logits; CE applies log-softmax
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return model, opt


def train(model, opt, x, y, rows, epochs, batch):
    """rows: the first `rows` samples (whole batches); returns (seconds, last batch loss)."""
    loss_fn = torch.nn.CrossEntropyLoss()
    xs, ys = x[:rows], y[:rows]
    loss = torch.tensor(float("nan"))
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(rows)
        for i in range(0, rows, batch):
            idx = perm[i : i + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[idx]), ys[idx])
            loss.backward()
            opt.step()
    return time.perf_counter() - t0, float(loss)


def main():
    p = json.loads(sys.argv[1])
    torch.set_num_threads(p["threads"])
    x, y = load(p["cache"], "train")
    model, opt = build(p["units"], p.get("optimizer", "adam"))
    b = p["batch"]
    info = {"installed": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}
    if p["mode"] == "accuracy":
        t, _ = train(model, opt, x, y, x.shape[0], p["epochs"], b)
        xt, yt = load(p["cache"], "test")
        with torch.no_grad():
            acc = float((model(xt).argmax(1) == yt).float().mean())
        print("@@bench " + json.dumps({**info, "accuracy": acc, "seconds": t}))
        return
    t1, _ = train(model, opt, x, y, b * 4, 1, b)  # warm-up: allocator, thread pools
    w_rows = min(59904, max(b * 8, round(b * 4 / t1 * p["minSeconds"] * 0.15 / b) * b))
    tw, loss = train(model, opt, x, y, w_rows, 1, b)
    if not loss < math.log(10):
        raise SystemExit(f"torch warm-up did not learn: loss {loss}")
    # timed: epochs of ~1/3 of the budget each, until >= minSeconds of steady state
    rows = min(60000 - 60000 % b, max(b, math.ceil(w_rows / tw * p["minSeconds"] / 3 / b) * b))
    t, epochs = 0.0, 0
    while t < p["minSeconds"]:
        dt, loss = train(model, opt, x, y, rows, 1, b)
        t, epochs = t + dt, epochs + 1
    print("@@bench " + json.dumps({**info, "samplesPerSec": rows * epochs / t, "samples": rows * epochs, "seconds": t}))


main()
