#!/bin/sh
# run_fuzzer.sh FUZZER SEED_DIR RUNS [libFuzzer options...]
#
# One repeatable fuzzing session, as a test: RUNS inputs mutated from a
# fixed seed, starting from the checked-in seeds in SEED_DIR.  The inputs
# it finds go to a scratch directory deleted afterwards (SEED_DIR is only
# read).  A crash, leak, sanitizer report or failed check fails the test
# and leaves the input as <fuzzer>-crash-* (or -leak-*, -timeout-*) in the
# current directory: replay it with `FUZZER FILE`.
set -eu
fuzzer=$1 seeds=$2 runs=$3
shift 3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$fuzzer" -runs="$runs" -seed=1 -timeout=30 -max_total_time=300 \
  -artifact_prefix="$PWD/$(basename "$fuzzer")-" "$@" "$scratch" "$seeds"
