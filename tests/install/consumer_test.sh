#!/usr/bin/env bash
# Installs a build tree into a fresh prefix and builds a small platform
# against it twice: with find_package(mrampim CONFIG) and with plain g++ and
# pkg-config mrampim. Runs both; fails if anything does.
# Usage: consumer_test.sh BUILD_DIR SOURCE_DIR [LIBDIR [INCLUDEDIR]]
# (LIBDIR, INCLUDEDIR: the build's CMAKE_INSTALL_LIBDIR and _INCLUDEDIR,
# relative to the prefix; lib and include by default.)
set -euo pipefail
build="$(cd "$1" && pwd)"
source_dir="$(cd "$2" && pwd)"
libdir="${3:-lib}"
includedir="${4:-include}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

echo "== cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; exit 1; }
for file in "$libdir/libmrampim.a" "$libdir/cmake/mrampim/mrampimConfig.cmake" \
            "$libdir/cmake/mrampim/mrampimConfigVersion.cmake" "$libdir/cmake/mrampim/mrampimTargets.cmake" \
            "$libdir/pkgconfig/mrampim.pc"; do
  if [ ! -f "$prefix/$file" ]; then
    echo "not installed: $file"
    exit 1
  fi
done
# Every header of the library is installed, in its folder.
missing=0
while IFS= read -r header; do
  if [ ! -f "$prefix/$includedir/mrampim/$header" ]; then
    echo "not installed: modules/$header"
    missing=1
  fi
done < <(cd "$source_dir/modules" && find . \( -name '*.hpp' -o -name '*.h' \) | sed 's|^\./||')
[ "$missing" = 0 ]
# The C driver, as source for firmware, compiles as C11 against the installed register map.
for file in mrampim_driver.h mrampim_driver.c; do
  if [ ! -f "$prefix/share/mrampim/driver/$file" ]; then
    echo "not installed: share/mrampim/driver/$file"
    exit 1
  fi
done
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$prefix/$includedir/mrampim" \
   -c "$prefix/share/mrampim/driver/mrampim_driver.c" -o "$tmp/mrampim_driver.o"

# An installed package must not point back into the tree it was built from.
if grep -rnF -e "$source_dir" -e "$build" "$prefix/$libdir/cmake" "$prefix/$libdir/pkgconfig"; then
  echo "the installed package names the source or build tree (above)"
  exit 1
fi

export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
echo "== find_package(mrampim CONFIG) consumer"
cmake -S "$here/consumer" -B "$tmp/consumer-build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/configure.log" ||
  { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/consumer-build"
"$tmp/consumer-build/consumer"

echo "== g++ with pkg-config mrampim"
flags="$(PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig" pkg-config --cflags --libs mrampim)"
echo "pkg-config --cflags --libs mrampim: $flags"
# shellcheck disable=SC2086  # the flags are words
g++ -std=c++17 -O1 "$here/consumer/consumer.cpp" -o "$tmp/consumer-pc" $flags
"$tmp/consumer-pc"
echo "== the installed package works both ways"
