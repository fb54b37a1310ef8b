#!/usr/bin/env bash
# tcapi side by side with the official Tencent Cloud Python SDK, in one run (issue 6):
#
#   scripts/bench/compare.sh
#
# 1. creates target/bench-venv (python3 -m venv) and installs the pinned SDK from PyPI;
# 2. builds runtime/benches/{compare,loopback}.rs with the bench profile (whole-program LTO, one
#    codegen unit: how a service is built for production, Cargo.toml) and `compare` once more with
#    the release profile (what `cargo build --release` gives without those settings);
# 3. times the same work on the same inputs with the same iterations on both sides, in ROUNDS
#    alternating rounds (a fresh process per side and round): one whole
#    call with the network replaced by a canned response (tcapi's with both profiles), build + sign +
#    serialize, signing alone, decoding a success and an error response (and, Rust only, the
#    request head and the crypto floor);
# 4. starts the mock server (bench build, it verifies every signature) and drives it with
#    the same number of requests and concurrency from tcapi and from the SDK (a thread pool);
# 5. prints one table with both sides and the ratios, and the targets of issues 6 and 12 as measured.
#
# Settings (environment): ITERATIONS (20000), REPEATS (5), ROUNDS (3), REQUESTS (10000),
# CONCURRENCY (8), WARMUP (500). The raw JSON lines are kept in target/bench-compare/.
#
# The SDK runs with a minimal environment (PATH, HOME, LANG): `requests` scans every environment
# variable for proxy settings on each call, so a fuller environment makes the SDK slower; the
# minimal one gives it its best case.

set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)

SDK_COMMON_VERSION=3.1.195
SDK_SSL_VERSION=3.1.145
ITERATIONS=${ITERATIONS:-20000}
REPEATS=${REPEATS:-5}
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-10000}
CONCURRENCY=${CONCURRENCY:-8}
WARMUP=${WARMUP:-500}

VENV=$ROOT/target/bench-venv
OUT=$ROOT/target/bench-compare
mkdir -p "$OUT"

# 1. The SDK, pinned.
if [ ! -x "$VENV/bin/python" ]; then
    echo "== creating $VENV" >&2
    python3 -m venv "$VENV"
fi
installed() {
    local shown
    shown=$("$VENV/bin/python" -m pip show "$1" 2>/dev/null || true)
    [[ $shown == *$'\n'"Version: $2"$'\n'* ]]
}
if ! installed tencentcloud-sdk-python-common "$SDK_COMMON_VERSION" ||
    ! installed tencentcloud-sdk-python-ssl "$SDK_SSL_VERSION"; then
    echo "== installing tencentcloud-sdk-python-common==$SDK_COMMON_VERSION tencentcloud-sdk-python-ssl==$SDK_SSL_VERSION" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "tencentcloud-sdk-python-common==$SDK_COMMON_VERSION" "tencentcloud-sdk-python-ssl==$SDK_SSL_VERSION"
fi
python_sdk() {
    env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 "$VENV/bin/python" "$ROOT/scripts/bench/python_sdk.py" "$@"
}

# 2. Ours: the bench profile, and `compare` with the release profile for a second whole-call row.
echo "== building runtime/benches/{compare,loopback}.rs (bench profile)" >&2
cargo build --profile bench -p tcapi-runtime --bench compare --bench loopback \
    --message-format=json-render-diagnostics >"$OUT/build.jsonl"
echo "== building runtime/benches/compare.rs (release profile)" >&2
cargo build --release -p tcapi-runtime --bench compare \
    --message-format=json-render-diagnostics >"$OUT/build-release.jsonl"
executable() {
    local build=${2:-$OUT/build.jsonl}
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == sys.argv[2] \
            and message.get("executable"):
        print(message["executable"])
' "$build" "$1" | tail -n 1
}
COMPARE=$(executable compare)
LOOPBACK=$(executable loopback)
COMPARE_RELEASE=$(executable compare "$OUT/build-release.jsonl")

# 3. The same work on both sides, in alternating rounds: on a shared virtual machine a whole
#    process can run markedly slower than the next one, so one process per side is not enough.
: >"$OUT/micro.jsonl"
for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round of $ROUNDS: the Python SDK ($ITERATIONS iterations x $REPEATS repeats)" >&2
    python_sdk micro --iterations "$ITERATIONS" --repeats "$REPEATS" >>"$OUT/micro.jsonl"
    echo "== round $round of $ROUNDS: tcapi ($ITERATIONS iterations x $REPEATS repeats)" >&2
    "$COMPARE" --iterations "$ITERATIONS" --repeats "$REPEATS" >>"$OUT/micro.jsonl"
    echo "== round $round of $ROUNDS: tcapi, release profile (the whole call)" >&2
    "$COMPARE_RELEASE" --only whole_call --name-suffix _release_profile --iterations "$ITERATIONS" \
        --repeats "$REPEATS" >>"$OUT/micro.jsonl"
done

# 4. Loopback, against one mock server.
echo "== starting the mock server" >&2
rm -f "$OUT/server.stdin"
mkfifo "$OUT/server.stdin"
"$LOOPBACK" serve <"$OUT/server.stdin" >"$OUT/server.out" 2>"$OUT/server.err" &
SERVER=$!
exec 3>"$OUT/server.stdin"
cleanup() {
    exec 3>&- 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -f "$OUT/server.stdin"
}
trap cleanup EXIT
ENDPOINT=
for _ in $(seq 1 100); do
    ENDPOINT=$(sed -n 's/^endpoint=//p' "$OUT/server.out")
    [ -n "$ENDPOINT" ] && break
    sleep 0.1
done
if [ -z "$ENDPOINT" ]; then
    echo "the mock server did not start:" >&2
    cat "$OUT/server.err" >&2
    exit 1
fi
echo "== loopback at $ENDPOINT: $REQUESTS requests, concurrency $CONCURRENCY, Python SDK" >&2
python_sdk load --endpoint "$ENDPOINT" --requests "$REQUESTS" --concurrency "$CONCURRENCY" \
    --warmup "$WARMUP" >"$OUT/load.jsonl"
echo "== loopback: tcapi" >&2
"$LOOPBACK" drive --endpoint "$ENDPOINT" --requests "$REQUESTS" --concurrency "$CONCURRENCY" \
    --warmup "$WARMUP" >>"$OUT/load.jsonl"
cleanup
trap - EXIT

# 5. One table.
echo
echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
    "$(rustc --version); $("$VENV/bin/python" --version);" \
    "SDK common $SDK_COMMON_VERSION, ssl $SDK_SSL_VERSION"
python3 "$ROOT/scripts/bench/report.py" "$OUT/micro.jsonl" "$OUT/load.jsonl"
