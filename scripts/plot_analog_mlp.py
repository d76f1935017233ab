#!/usr/bin/python3
"""Figures of `mrampim --workload analog-mlp --report F` (docs/analog-mlp.md):
F's stem + .neuron.png (the neuron's transfer curve, with the logistic of
the same centre slope) and .designs.png (latency, energy per inference,
power and area of each design, log scale; a design without a figure is left
out of that panel).

usage: plot_analog_mlp.py REPORT.json     exit 2 on a missing or malformed report"""
import json
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) == 2 else 2
    path = sys.argv[1]
    try:
        with open(path) as f:
            r = json.load(f)
        curve = r["neuron_transfer_V"]
        designs = r["designs"]
        neuron = designs["analog"]["neuron"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"error: {path}: not an analog-mlp report ({e})", file=sys.stderr)
        return 2
    stem = os.path.splitext(path)[0]

    v_in = [p[0] for p in curve]
    v_out = [p[1] for p in curve]
    vdd = max(abs(v) for v in v_in)
    s = neuron["logistic_scale_V"]
    fig, ax = plt.subplots(figsize=(5, 3.6))
    ax.plot(v_in, v_out, label="neuron circuit (KCL solved)")
    ax.plot(v_in, [-vdd + 2 * vdd / (1 + math.exp(v / s)) for v in v_in], "--",
            label=f"logistic, same centre slope (s = {s * 1e3:.0f} mV)")
    ax.set_xlabel("input V_x (V)")
    ax.set_ylabel("output (V)")
    ax.set_title(f"two-MTJ neuron, ratio {neuron['resistance_ratio']:.2f}, slope {neuron['centre_slope']:.2f}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(stem + ".neuron.png", dpi=120)
    plt.close(fig)

    metrics = [("latency_ns", "latency per inference (ns)"), ("energy_pJ", "energy per inference (pJ)"),
               ("power_mW", "power (mW)"), ("area_mm2", "area (mm^2)")]
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    for ax, (key, title) in zip(axes, metrics):
        names = [n for n, d in designs.items() if isinstance(d.get(key), (int, float)) and d[key] > 0]
        ax.bar(names, [designs[n][key] for n in names], color="tab:blue")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.suptitle(f"{r.get('network', '')}: tile {100 * r['accuracy_tile']:.1f}%, "
                 f"ideal {100 * r['accuracy_ideal']:.1f}% (cpu: {designs['cpu'].get('stands_in_for', '')})",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(stem + ".designs.png", dpi=120)
    plt.close(fig)
    print(stem + ".neuron.png")
    print(stem + ".designs.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
