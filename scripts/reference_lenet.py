#!/usr/bin/python3
"""Train the LeNet of docs/training.md in PyTorch and mrampim side by side.

mrampim (fp32, ieee rounding, fast mode unless --mode says otherwise) writes
its setup with --export-setup: the initial weights, the training and test
samples (indices into the IDX files) and their order in every epoch. This
script trains the same network in PyTorch (float32, plain SGD, mean
cross-entropy) from that setup, then prints both runs epoch by epoch and
checks them:
  - the first epoch's mean training loss within --first-loss-tolerance (1%),
  - every later epoch's within --later-loss-tolerance (5%: rounding
    differences between the two grow as training goes on),
  - the final test accuracy within --accuracy-points (1 point).
It also times one training epoch of each on this machine (mrampim's own
wall time from its report; PyTorch's here, with --threads threads) and
prints the ratio: the benchmark of docs/performance.md.

Exit status: 0 the runs agree, 1 they do not, 2 bad input or a failed run.
Results: <out>/reference.json (both runs, the checks and the timings).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def read_idx(path, dims):
    """An IDX file of unsigned bytes with `dims` dimensions, checked as mrampim checks it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if len(raw) < 4 + 4 * dims or raw[0:3] != b"\x00\x00\x08" or raw[3] != dims:
        fail(f"{path}: not an IDX file of {dims} dimension(s) of unsigned bytes")
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    body = raw[4 + 4 * dims:]
    if len(body) != int(np.prod(shape)):
        fail(f"{path}: the header says {np.prod(shape)} bytes of data, the file has {len(body)}")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


class LeNet(torch.nn.Module):
    """The layers of modules/training/lenet.hpp, named as its parameters are."""

    def __init__(self, net):
        super().__init__()
        k = net["kernel"]
        self.conv1 = torch.nn.Conv2d(1, net["conv1"], k)
        self.conv2 = torch.nn.Conv2d(net["conv1"], net["conv2"], k)
        side = ((net["image"] - k + 1) // 2 - k + 1) // 2
        sizes = [net["conv2"] * side * side] + list(net["fc"])
        self.fc = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        for i, layer in enumerate(self.fc):
            x = layer(x)
            if i + 1 < len(self.fc):
                x = F.relu(x)
        return x

    def load_mrampim(self, params):
        named = dict(self.named_parameters())
        for name, values in params.items():
            torch_name = name
            if name.startswith("fc"):  # fcN.weight -> fc.(N-1).weight
                layer, kind = name.split(".")
                torch_name = f"fc.{int(layer[2:]) - 1}.{kind}"
            p = named.get(torch_name)
            if p is None or p.numel() != len(values):
                fail(f"setup parameter '{name}' does not match the network")
            with torch.no_grad():
                p.copy_(torch.tensor(values, dtype=torch.float64).to(torch.float32).reshape(p.shape))


def images(setup, which):
    imgs = read_idx(setup["files"][f"{which}_images"], 3)
    labels = read_idx(setup["files"][f"{which}_labels"], 1)
    idx = np.asarray(setup[f"{which}_indices"], dtype=np.int64)
    # p / 255 in double, then rounded to float32: as mrampim does.
    x = torch.from_numpy(imgs[idx].astype(np.float64) / 255.0).to(torch.float32).unsqueeze(1)
    y = torch.from_numpy(labels[idx].astype(np.int64))
    return x, y


def train_torch(setup, threads):
    torch.set_num_threads(threads)
    model = LeNet(setup["network"])
    model.load_mrampim(setup["parameters"])
    x_train, y_train = images(setup, "train")
    x_test, y_test = images(setup, "test")
    lr, batch = setup["learning_rate"], setup["batch"]
    losses, accuracies, seconds = [], [], []
    for order in setup["epoch_orders"]:
        order = torch.tensor(order, dtype=torch.int64)
        t0 = time.perf_counter()
        total = 0.0
        for base in range(0, len(order), batch):
            idx = order[base:base + batch]
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            model.zero_grad(set_to_none=True)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p.add_(p.grad, alpha=-lr)
            total += loss.item() * len(idx)
        seconds.append(time.perf_counter() - t0)
        losses.append(total / len(order))
        with torch.no_grad():
            correct = sum(int((model(x_test[b:b + 256]).argmax(1) == y_test[b:b + 256]).sum())
                          for b in range(0, len(y_test), 256))
        accuracies.append(correct / len(y_test))
    return {"epoch_loss": losses, "test_accuracy": accuracies, "wall_seconds_per_epoch": seconds,
            "threads": threads, "torch": torch.__version__}


def run_mrampim(args, out):
    setup, report = out / "setup.json", out / "mrampim.json"
    cmd = [str(args.mrampim), "--workload", "train", "--format", "fp32", "--rounding", "ieee",
           "--mode", args.mode, "--energy", args.energy, "--dataset", args.dataset, "--epochs", str(args.epochs),
           "--batch", str(args.batch), "--lr", repr(args.lr), "--train-samples", str(args.train_samples),
           "--test-samples", str(args.test_samples), "--seed", str(args.seed),
           "--export-setup", str(setup), "--report", str(report)]
    if args.data_dir:
        cmd += ["--data-dir", args.data_dir]
    print("running:", " ".join(cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        fail("mrampim failed (its message is above)")
    return setup, report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mrampim", type=Path, default=ROOT / "build" / "platforms" / "mrampim",
                    help="the mrampim program (default: build/platforms/mrampim)")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--train-samples", type=int, default=8000)
    ap.add_argument("--test-samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"])
    ap.add_argument("--data-dir", help="passed to mrampim (default: its own)")
    ap.add_argument("--mode", default="fast", choices=["fast", "bit-accurate"], help="mrampim's mode")
    ap.add_argument("--energy", default="exact", choices=["exact", "declared"],
                    help="mrampim's fast-mode charges (exact: row by row; declared: an upper bound, faster)")
    ap.add_argument("--threads", type=int, default=1,
                    help="PyTorch threads (default 1: mrampim's fast mode runs on one core)")
    ap.add_argument("--setup", type=Path, help="use this exported setup and --report instead of running mrampim")
    ap.add_argument("--report", type=Path, help="mrampim's report of the run that exported --setup")
    ap.add_argument("--first-loss-tolerance", type=float, default=0.01)
    ap.add_argument("--later-loss-tolerance", type=float, default=0.05)
    ap.add_argument("--accuracy-points", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=Path("reference-out"), help="directory of the results")
    args = ap.parse_args()
    if (args.setup is None) != (args.report is None):
        fail("--setup and --report go together")
    if args.threads < 1:
        fail("--threads must be at least 1")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.setup is None:
        if not os.access(args.mrampim, os.X_OK):
            fail(f"{args.mrampim}: not built (run scripts/build.sh) or not executable")
        setup_path, report_path = run_mrampim(args, args.out)
    else:
        setup_path, report_path = args.setup, args.report
    try:
        setup = json.loads(Path(setup_path).read_text())
        runs = json.loads(Path(report_path).read_text())["runs"]
    except (OSError, ValueError, KeyError) as e:
        fail(f"cannot read the setup or report: {e}")
    if setup.get("kind") != "mrampim training setup" or setup.get("format") != "fp32":
        fail(f"{setup_path}: not an fp32 mrampim training setup")
    ours = runs[0]

    print(f"training in PyTorch {torch.__version__} ({args.threads} thread(s)) from the same setup", flush=True)
    ref = train_torch(setup, args.threads)

    print(f"\n{'epoch':>5} {'loss mrampim':>13} {'loss torch':>11} {'diff':>8} {'limit':>6}"
          f" {'acc mrampim':>12} {'acc torch':>10}")
    ok = True
    checks = []
    for e, (a, b) in enumerate(zip(ours["epoch_loss"], ref["epoch_loss"])):
        limit = args.first_loss_tolerance if e == 0 else args.later_loss_tolerance
        diff = abs(a - b) / b
        passed = diff <= limit
        ok &= passed
        checks.append({"epoch": e + 1, "loss_relative_difference": diff, "limit": limit, "passed": passed})
        print(f"{e + 1:>5} {a:>13.5f} {b:>11.5f} {100 * diff:>7.2f}% {100 * limit:>5.0f}%"
              f" {100 * ours['test_accuracy'][e]:>11.2f}% {100 * ref['test_accuracy'][e]:>9.2f}%"
              f"{'' if passed else '  <- outside'}")
    gap = 100 * abs(ours["test_accuracy"][-1] - ref["test_accuracy"][-1])
    acc_ok = gap <= args.accuracy_points
    ok &= acc_ok
    print(f"final accuracy: mrampim {100 * ours['test_accuracy'][-1]:.2f}%, PyTorch "
          f"{100 * ref['test_accuracy'][-1]:.2f}%: {gap:.2f} points apart (limit {args.accuracy_points})")

    ours_s = ours.get("wall_seconds_per_epoch", [])
    timing = None
    if ours_s:
        m, t = float(np.median(ours_s)), float(np.median(ref["wall_seconds_per_epoch"]))
        timing = {"mrampim_mode": ours["mode"], "mrampim_energy": ours["counted"]["energy_basis"],
                  "mrampim_seconds_per_epoch": m, "torch_seconds_per_epoch": t,
                  "torch_threads": args.threads, "mrampim_over_torch": m / t}
        print(f"one training epoch (median): mrampim {ours['mode']} (energy {args.energy}) {m:.2f} s, PyTorch {t:.2f} s "
              f"({args.threads} thread(s)): mrampim / PyTorch = {m / t:.2f}")

    result = {"mrampim": {k: ours[k] for k in ("tech", "mode", "epoch_loss", "test_accuracy")},
              "torch": ref, "checks": checks,
              "final_accuracy_points_apart": gap, "accuracy_within_limit": acc_ok, "timing": timing,
              "agree": bool(ok)}
    (args.out / "reference.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {args.out / 'reference.json'}")
    print("the runs agree" if ok else "the runs DO NOT agree")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
