#!/bin/sh
# Builds the C driver (platforms/driver), mrampim_regs.h and the SoC's
# firmware (platforms/soc/firmware) as strict C11 with one compiler, then
# links the tiny firmware in fw_main.c.
#   build_driver.sh COMPILER OUT_DIR run|link [FLAGS...]
# run: also runs the firmware (a compiler for the machine running the test);
# link: links only (a cross compiler). A missing compiler fails the test: a
# skipped check would look like a passed one.
set -eu
cc="$1"; out="$2"; mode="$3"; shift 3
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "build_driver: compiler '$cc' not found (scripts/setup.sh installs it)" >&2
  exit 1
fi
mkdir -p "$out"
flags="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror"
includes="-I$root/modules -I$root/platforms/driver -I$root/platforms/soc/firmware"
for src in "$here/regs_c11.c" "$root/platforms/driver/mrampim_driver.c" "$here/fw_main.c" \
           "$root/platforms/soc/firmware/soc_firmware.c"; do
  obj="$out/$(basename "$src" .c).o"
  echo "$cc $flags $* -c $src"
  # shellcheck disable=SC2086  # flags are words on purpose
  "$cc" $flags "$@" $includes -c "$src" -o "$obj"
done
"$cc" "$@" "$out/regs_c11.o" "$out/mrampim_driver.o" "$out/fw_main.o" -o "$out/fw.elf"
echo "linked $out/fw.elf"
if [ "$mode" = run ]; then
  "$out/fw.elf"
  echo "firmware ran: every check held"
fi
