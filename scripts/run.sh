#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the default
# platform workload -- the fp32 MAC and a small GEMM on sot-mram-1t1r and
# reram-floatpim side by side, driven through TLM-2.0 by a host that checks
# every result -- then a short LeNet training on the platform (its waveform,
# report and power trace), the firmware-in-the-loop SoC (the C driver on a CPU
# model), the floating-point MAC testbench and the device-level testbenches. Prints the comparison table and where the VCD, reports and
# power traces are.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"

out="$root/build/out"
mkdir -p "$out"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
status=0
run() {
  echo
  echo "=== $* ==="
  "$@" || status=1
}
run "$root/build/platforms/mrampim" --out "$out"
run "$root/build/platforms/mrampim" --workload train --epochs 1 --train-samples 512 --test-samples 128 \
  --vcd "$out/train.vcd" --report "$out/train.json" --power-csv "$out/train_power.csv"
run "$root/build/platforms/mrampim-soc"
run "$root/build/testbenches/tb_fp_mac" --vcd "$out/tb_fp_mac.vcd"
run "$root/build/testbenches/tb_mtj_cell" --vcd "$out/tb_mtj_cell.vcd"
run "$root/build/testbenches/tb_full_adder" --tech sot-mram-1t1r --vcd "$out/tb_full_adder_sot-mram-1t1r.vcd"
run "$root/build/testbenches/tb_full_adder" --tech reram-floatpim --vcd "$out/tb_full_adder_reram-floatpim.vcd"

echo
echo "Platform report: $out/report.json; power traces: $out/power_*.csv"
echo "Training on the platform: $out/train.json, $out/train_power.csv"
echo "Waveforms (gtkwave $out/mrampim.vcd $root/traces/mrampim_default.gtkw for the platform,"
echo "  gtkwave $out/train.vcd $root/traces/mrampim_train.gtkw for the training):"
ls -1 "$out"/*.vcd | sed 's/^/  /'
[ $status -eq 0 ] && echo "All checks passed." || echo "A check FAILED (see above)."
exit $status
