#!/usr/bin/python3
"""The host CPU's time for one inference of the binarized MLP, batch 1, in
PyTorch: the stand-in for the analog-MLP paper's GPU baseline
(docs/analog-mlp.md). Reads the weight file mrampim writes
(--save-analog-weights; training/binarized_mlp.hpp) and prints one JSON
object: the median latency per inference over repeated single-image calls,
the calls timed, the threads torch used and its version. (Its accuracy is
the ideal network's: the same function; mrampim reports that.)

usage: analog_mlp_cpu.py WEIGHTS.json [--repeat R]
Exit 2 on bad input (a missing or malformed weight file)."""
import argparse
import json
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("weights")
    ap.add_argument("--repeat", type=int, default=2000, help="single-image inferences timed (default 2000)")
    a = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"error": f"torch not importable: {e}"}))
        return 3
    try:
        with open(a.weights) as f:
            w = json.load(f)
        n_in, n_h, n_out = int(w["inputs"]), int(w["hidden"]), int(w["outputs"])
        w1 = torch.tensor(w["w1"], dtype=torch.float32).reshape(n_in + 1, n_h)
        w2 = torch.tensor(w["w2"], dtype=torch.float32).reshape(n_h + 1, n_out)
        s1, s2 = float(w["scale1"]), float(w["scale2"])
    except (OSError, KeyError, ValueError, RuntimeError) as e:
        print(f"error: weight file {a.weights!r}: {e}", file=sys.stderr)
        return 2
    if a.repeat < 1:
        print("error: --repeat must be at least 1", file=sys.stderr)
        return 2

    def net(x):  # the network of training/binarized_mlp.hpp
        z1 = s1 * (x @ w1[:n_in] + w1[n_in])
        h = -torch.tanh(z1 / 2)
        z2 = s2 * (h @ w2[:n_h] + w2[n_h])
        return torch.argmax(torch.sigmoid(-z2), dim=1)

    x = (torch.rand(1, n_in) > 0.8).float()  # the time does not depend on the values
    times = []
    with torch.no_grad():
        for _ in range(50):
            net(x)
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            net(x)
            times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({"latency_ns": times[len(times) // 2] * 1e9, "repeat": a.repeat,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
