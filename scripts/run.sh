#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs the testbenches of the
# cell, the full adder and the floating-point MAC on the default
# technologies, and prints their counted costs and where their VCD waveforms
# are.
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
run "$root/build/testbenches/tb_mtj_cell" --vcd "$out/tb_mtj_cell.vcd"
run "$root/build/testbenches/tb_full_adder" --tech sot-mram-1t1r --vcd "$out/tb_full_adder_sot-mram-1t1r.vcd"
run "$root/build/testbenches/tb_full_adder" --tech reram-floatpim --vcd "$out/tb_full_adder_reram-floatpim.vcd"
run "$root/build/testbenches/tb_fp_mac" --vcd "$out/tb_fp_mac.vcd"

echo
echo "Waveforms (open with gtkwave):"
ls -1 "$out"/*.vcd | sed 's/^/  /'
[ $status -eq 0 ] && echo "All testbench checks passed." || echo "A testbench check FAILED (see above)."
exit $status
