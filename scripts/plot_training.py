#!/usr/bin/python3
"""Draw a training run's loss curve and the paper's Figure 6 bars as PNG.

Input: the JSON report of `mrampim --workload train --report FILE`, with
--compare for the bars (two technologies). Optionally the reference.json of
scripts/reference_lenet.py adds PyTorch's loss curve.

Output (into --out):
  training_loss.png   mean training loss per epoch, and test accuracy, per run
  training_costs.png  area, latency and energy of each technology normalised
                      to the first run (SOT-MRAM), published-formula costs
                      beside counted ones, with the paper's ratios marked
                      (Figure 6 of the paper: FloatPIM / SOT-MRAM 2.5x area,
                      1.8x latency, 3.3x energy)
Exit status: 0 drawn, 2 bad input.
"""

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")


def plot_loss(runs, reference, out):
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for run in runs:
        epochs = range(1, len(run["epoch_loss"]) + 1)
        label = f"{run['tech']} ({run['mode']})"
        ax_loss.plot(epochs, run["epoch_loss"], marker="o", label=label)
        ax_acc.plot(epochs, [100 * a for a in run["test_accuracy"]], marker="o", label=label)
    if reference is not None:
        t = reference["torch"]
        epochs = range(1, len(t["epoch_loss"]) + 1)
        ax_loss.plot(epochs, t["epoch_loss"], marker="x", linestyle="--", label=f"PyTorch {t['torch']}")
        ax_acc.plot(epochs, [100 * a for a in t["test_accuracy"]], marker="x", linestyle="--",
                    label=f"PyTorch {t['torch']}")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean training loss (cross-entropy)")
    ax_loss.set_yscale("log")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("test accuracy (%)")
    ax_acc.axhline(97.08, color="grey", linewidth=0.8, linestyle=":", label="paper: 97.08%")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    r = runs[0]
    fig.suptitle(f"LeNet ({r['parameters']} parameters) on {r['dataset']}: {r['format']} {r['rounding']}, "
                 f"batch {r['batch']}, lr {r['learning_rate']}")
    fig.tight_layout()
    path = out / "training_loss.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_costs(report, out):
    runs, comp = report["runs"], report["comparison"]
    ours, base = runs[0]["tech"], runs[1]["tech"]
    metrics = ["area", "latency", "energy"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.25
    xs = range(len(metrics))
    series = [(f"{ours}", [1.0] * 3, "#4c72b0"),
              (f"{base}, published formulas", [comp[m]["published"] or 0 for m in metrics], "#dd8452"),
              (f"{base}, counted", [comp[m]["counted"] for m in metrics], "#c44e52")]
    for k, (label, values, colour) in enumerate(series):
        pos = [x + (k - 1) * width for x in xs]
        bars = ax.bar(pos, values, width, label=label, color=colour)
        for b, v in zip(bars, values):
            ax.annotate(f"{v:.2f}x", (b.get_x() + b.get_width() / 2, v), ha="center", va="bottom", fontsize=8)
    for x, m in zip(xs, metrics):
        ax.plot([x - 0.5 * width, x + 0.5 * width], [comp[m]["paper"]] * 2, color="black", linewidth=2)
    ax.plot([], [], color="black", linewidth=2, label="paper (Figure 6)")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(["area\n(published: cells;\ncounted: um^2)", "latency", "energy"])
    ax.set_ylabel(f"normalised to {ours}")
    ax.set_title(f"LeNet training cost, {base} / {ours}")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "training_costs.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", type=Path, help="mrampim --workload train --report FILE (a --compare run for the bars)")
    ap.add_argument("--reference", type=Path, help="reference.json of scripts/reference_lenet.py (adds PyTorch)")
    ap.add_argument("--out", type=Path, default=Path("."), help="directory of the PNG files")
    args = ap.parse_args()
    report = load(args.report)
    if not isinstance(report, dict) or not report.get("runs") or report["runs"][0].get("workload") != "train":
        fail(f"{args.report}: not the report of a training run (mrampim --workload train --report)")
    reference = load(args.reference) if args.reference else None
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"loss curve: {plot_loss(report['runs'], reference, args.out)}")
    if "comparison" in report:
        print(f"cost bars: {plot_costs(report, args.out)}")
    else:
        print("no cost bars: the report has one technology (run mrampim with --compare reram-floatpim)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
