#!/usr/bin/env bash
# dev.sh — set up a Debian 12 machine for gust, build it, and run it or test it.
#
#   ./dev.sh run    install what is missing, build, run the main job on the embedded default
#   ./dev.sh test   install what is missing, build plain, ASan+UBSan and TSan, run the suites;
#                   then the libFuzzer targets (clang, build-fuzz), a fixed number of runs each;
#                   every stage runs even if one fails, then a summary names the failed ones
#   ./dev.sh build  install what is missing and build (build/)
#
# Packages come from Debian only; they are installed only when missing.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(gcc make cmake pkg-config libglib2.0-dev libjansson-dev libyaml-dev libyajl-dev librdkafka-dev librocksdb-dev python3
  thrift-compiler libthrift-c-glib-dev python3-thrift # Storm's Nimbus Thrift interface (compat/thrift)
  clang libclang-rt-14-dev # clang + libclang-rt: the libFuzzer targets of fuzz/
  libzip-dev # topology jars: gust submit writes them, Nimbus checks them, the supervisor extracts their resources/
  libzookeeper-mt-dev zookeeper # ZooKeeper's C client; its server (Java) for the cluster tests and dev-cluster
  default-jdk-headless libslf4j-java libthrift-java libdropwizard-metrics-java # Storm's Java API and the JVM component host (java/)
  libsoup-3.0-dev libjs-dygraphs # the UI server (ui/) and its charts
  prometheus chromium            # tests of the UI: promtool check metrics, headless Chromium
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# build DIR [cmake args...]
build() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null &&
    cmake --build "$dir" -j"$(nproc)"
}

run_tests() {
  local dir=$1; shift
  ctest --test-dir "$dir" --output-on-failure -j2 "$@"
}

# stage NAME COMMAND...: run one stage of the suite, record its result and
# duration, and carry on whatever happened (the summary says which failed).
stage_names=()
stage_results=()
stage() {
  local name=$1; shift
  local start=$SECONDS result=passed
  echo "== $name" >&2
  "$@" || result=FAILED
  stage_names+=("$name")
  stage_results+=("$result after $((SECONDS - start)) s")
}

plain_stage() { build build && run_tests build; }
asan_stage() {
  build build-asan -DGUST_SANITIZE=address &&
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_tests build-asan -LE nosan
}
tsan_stage() {
  build build-tsan -DGUST_SANITIZE=thread && TSAN_OPTIONS=halt_on_error=1 run_tests build-tsan -L tsan
}
fuzz_stage() { build build-fuzz -DCMAKE_C_COMPILER=clang -DGUST_FUZZ=ON && run_tests build-fuzz -L fuzz; }

# All the stages run even when one fails; the exit status is non-zero if any failed.
test_all() {
  stage "plain build: whole suite" plain_stage
  stage "ASan+UBSan build: whole suite" asan_stage
  stage "TSan build: the tests labelled tsan (engine, runtime, state, multilang)" tsan_stage
  stage "fuzz: the libFuzzer targets of fuzz/, from their seed corpora" fuzz_stage
  local i failed=0
  echo "== summary" >&2
  for i in "${!stage_names[@]}"; do
    echo "  ${stage_names[$i]}: ${stage_results[$i]}" >&2
    [[ ${stage_results[$i]} == passed* ]] || failed=1
  done
  if ((failed)); then
    echo "dev.sh test: FAILED" >&2
    return 1
  fi
  echo "dev.sh test: all stages passed" >&2
}

cmd=${1:-}
case "$cmd" in
  build)
    install_missing
    build build
    ;;
  run)
    install_missing
    build build
    shift
    # The main job: the Python WordCount (multilang) from its Flux file.
    exec build/tools/gust local examples/flux/shell/python_wordcount.yaml --duration 10 "$@"
    ;;
  test)
    install_missing
    test_all
    ;;
  *)
    echo "usage: ./dev.sh run|test|build" >&2
    exit 2
    ;;
esac
