#!/usr/bin/python3
"""Draws the approximate-writes study's figures from its JSON report.

Usage: /usr/bin/python3 scripts/plot_approx_study.py REPORT.json

Writes REPORT.ber_vs_pulse.png (error rate against pulse duration, closed
form and Monte Carlo) and REPORT.ber_vs_energy.png (error rate against write
energy per bit over the safe pulse's, by duration and by amplitude, at each
cell variation) beside the report. docs/approximate-writes.md explains them.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    path = argv[1]
    try:
        with open(path) as f:
            report = json.load(f)
        curves, energy = report["ber_vs_pulse"], report["ber_vs_energy"]
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {path}: not an approx-study report ({e})", file=sys.stderr)
        return 2
    base = os.path.splitext(path)[0]

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for c in curves:
        xs = [p["pulse_ns"] for p in c["points"]]
        ys = [p["ber"] for p in c["points"]]
        line, = ax.semilogy(xs, ys, label=f"I = {c['current_over_critical']:g} I_c0")
        mc = [p for p in c["points"] if "monte_carlo" in p]
        ax.errorbar([p["pulse_ns"] for p in mc], [p["monte_carlo"]["ber"] for p in mc],
                    yerr=[3 * p["monte_carlo"]["standard_error"] for p in mc], fmt="o", ms=3,
                    color=line.get_color())
    ax.set_xscale("log")
    ax.set_xlabel("pulse duration (ns)")
    ax.set_ylabel("write error rate")
    ax.set_title(f"{report.get('technology', '')}: closed form (lines), Monte Carlo (dots, 3 s.e.)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(base + ".ber_vs_pulse.png", dpi=120)

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for n, e in enumerate(energy):
        sigma = e["variation_sigma"]
        for mod, style in (("duration", "-"), ("amplitude", "--")):
            pts = e[mod]
            ax.semilogy([p["energy_over_reference"] for p in pts], [p["ber"] for p in pts], style, color=f"C{n}",
                        label=f"{mod}, sigma {sigma:g}")
    ax.set_xlabel("write energy per bit / safe pulse's")
    ax.set_ylabel("mean write error rate over cells")
    ax.set_title("error rate against programming energy")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(base + ".ber_vs_energy.png", dpi=120)
    print(base + ".ber_vs_pulse.png")
    print(base + ".ber_vs_energy.png")

    for key in ("mlp", "lenet"):
        plot_training(report.get("training", {}).get(key), base + f".training_{key}.png")
    return 0


def plot_training(mlp, path):
    """Test accuracy against programming energy over the safe writes'."""
    if mlp:
        fig, ax = plt.subplots(figsize=(6, 4.2))
        by_bits = {}
        for p in mlp["grid"]:
            by_bits.setdefault(p["approximate_bits"], []).append(p)
        for bits, pts in sorted(by_bits.items(), reverse=True):
            ax.errorbar([1 - p["programming_energy_saving"] for p in pts], [100 * p["accuracy"] for p in pts],
                        yerr=[p.get("accuracy_spread_points", 0) for p in pts], fmt="o-", ms=3,
                        label=f"low {bits} bits approximate")
        ax.axhline(100 * mlp["baseline_accuracy"], color="k", lw=0.8, label="error-free")
        ax.axhline(100 * mlp["baseline_accuracy"] - 1, color="k", lw=0.8, ls=":", label="1 point below")
        op = mlp.get("operating_point")
        if op:
            ax.plot([1 - op["programming_energy_saving"]], [100 * op["accuracy"]], "r*", ms=12,
                    label=f"chosen: {100 * op['programming_energy_saving']:.0f}% saved")
        ax.set_xlabel("programming energy / safe writes'")
        ax.set_ylabel("test accuracy (%)")
        ax.set_title(f"{mlp['network']}, {mlp['seeds']} seeds")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        print(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
