#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest.
#
#   test/run.sh           the default tier (what CI runs): unit, simulation and
#                         integration tests with real processes on loopback,
#                         and a short run of each fuzz target
#   test/run.sh --long    also the long tier: an ASan/UBSan build of everything,
#                         10-minute fuzz runs and many simulation seeds
#   test/run.sh -R REGEX  only the tests whose names match REGEX
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
long=0
filter=()
while [ $# -gt 0 ]; do
  case "$1" in
    --long) long=1 ;;
    -R) filter=(-R "$2"); shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test/run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

"$root/examples/install-deps.sh"

debug_info=-g0  # the sanitizer build sets -g1 (see build_and_test)

build_and_test() {  # DIR CMAKE_ARGS... -- CTEST_ARGS...
  local dir=$1; shift
  local cmake_args=() ctest_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  ctest_args=("$@")
  # -O1 instead of -O2 -g: compiles in half the time (codec.cc 31 s -> 16.5 s
  # on the CI kind of VM), the tests take as long, and CI has 20 minutes on 2
  # cores. No debug info (a failed check names its file and line without it),
  # but line tables (-g1) in the sanitizer build, so that its reports say where.
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 $debug_info -DNDEBUG" "${cmake_args[@]}" >/dev/null
  cmake --build "$dir" -j2
  ctest --test-dir "$dir" --output-on-failure --timeout 600 -j2 "${ctest_args[@]}"
}

# The libFuzzer targets (test/fuzz): a clang build with ASan/UBSan and coverage,
# of the libraries and the targets only.
fuzz_build_and_test() {  # CTEST_ARGS...
  local dir=$root/build/fuzz
  cmake -S "$root" -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Fuzz \
    -DBUCKET_FUZZ=ON >/dev/null
  cmake --build "$dir" -j2 --target fuzz_targets
  ctest --test-dir "$dir" --output-on-failure -j2 "$@"
}

if [ $long -eq 0 ]; then
  build_and_test "$root/build/test" -- -LE long "${filter[@]}"
  fuzz_build_and_test -LE long "${filter[@]}"
else
  build_and_test "$root/build/test" -- "${filter[@]}"
  # UBSan's reports stop the process, so that one fails its test; the tests'
  # node processes inherit this too.
  (export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
   debug_info=-g1 build_and_test "$root/build/asan" -DBUCKET_SANITIZE=ON -- -LE long "${filter[@]}")
  fuzz_build_and_test "${filter[@]}"
fi
echo "test/run.sh: all tests passed"
