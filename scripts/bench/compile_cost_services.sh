#!/usr/bin/env bash
# Compile cost of each shipped service alone (issue 14):
#
#   scripts/bench/compile_cost_services.sh            (every feature of generated/Cargo.toml)
#   SERVICES="ssl cvm" scripts/bench/compile_cost_services.sh
#
# For each service it builds `tcapi` with `--no-default-features --features <service>`, its
# dependencies (tcapi-runtime and the rest) already built: `cargo clean -p tcapi`, then a timed
# `cargo check`, `cargo clean -p tcapi` again, then a timed `cargo build --release`, both with
# CARGO_INCREMENTAL=0 so no earlier build's cache helps. It checks from cargo's output that only
# tcapi was compiled, so a service's time is that service's and the crate's own files, nothing
# else. It prints a Markdown table: actions (the spec's), generated lines (without the tests),
# wall and CPU seconds (user + system) of each build, and CPU milliseconds per action.
#
# Settings (environment): SERVICES (all features), JOBS (2); CARGO_TARGET_DIR, when set, holds
# the builds (else target/). The raw rows are kept in <target>/compile-cost-services/raw.tsv.
# Seconds; nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
jobs=${JOBS:-2}
target=${CARGO_TARGET_DIR:-$root/target}
out=$target/compile-cost-services
mkdir -p "$out"
TIMEFORMAT="%3R %3U %3S"
die() { echo "compile_cost_services: $*" >&2; exit 1; }

if [ -n "${SERVICES:-}" ]; then
    read -r -a services <<<"$SERVICES"
else
    # The service features: every feature but `default` and `mock`.
    mapfile -t services < <(awk '/^\[features\]/ {inside = 1; next} /^\[/ {inside = 0}
        inside && /^[a-z0-9_]+ = / && $1 != "default" && $1 != "mock" {print $1}' generated/Cargo.toml)
fi
[ "${#services[@]}" -gt 0 ] || die "no services to build"

actions_of() { # The keys two spaces in under the spec's top-level `actions:` mapping.
    awk '/^actions:[[:space:]]*$/ {inside = 1; next} /^[^[:space:]#]/ {inside = 0}
        inside && /^  [A-Za-z0-9_]+:[[:space:]]*$/ {n++} END {print n + 0}' "specs/services/$1.yaml"
}

timed() { # mode service -> "wall cpu"
    local mode=$1 service=$2 log=$out/$1-$2.log secs wall user sys compiled
    local args=(--offline -j "$jobs" -p tcapi --no-default-features --features "$service")
    if [ "$mode" = check ]; then
        cargo clean -q -p tcapi
        secs=$({ time CARGO_INCREMENTAL=0 cargo check "${args[@]}" >"$log" 2>&1; } 2>&1) ||
            die "cargo check of $service failed: see $log"
    else
        cargo clean -q --release -p tcapi
        secs=$({ time CARGO_INCREMENTAL=0 cargo build --release "${args[@]}" >"$log" 2>&1; } 2>&1) ||
            die "release build of $service failed: see $log"
    fi
    compiled=$(sed -n 's/^ *\(Compiling\|Checking\) \([^ ]*\) .*/\2/p' "$log" | sort | tr '\n' ' ')
    [ "$compiled" = "tcapi " ] || die "$mode $service: expected only tcapi to be compiled, got: ${compiled:-nothing} (see $log)"
    read -r wall user sys <<<"$secs"
    echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.3f", u + s}')"
}

echo "== building the dependencies once (check and release)" >&2
# Without incremental compilation, as the timed builds: the setting is part of the workspace
# crates' fingerprints, so a warm-up with it would leave them to be rebuilt by the first timing.
CARGO_INCREMENTAL=0 cargo check -q --offline -p tcapi --no-default-features --features "${services[0]}"
CARGO_INCREMENTAL=0 cargo build -q --offline --release -p tcapi --no-default-features --features "${services[0]}"

printf 'service\tactions\tlines\tcheck_wall\tcheck_cpu\trelease_wall\trelease_cpu\n' >"$out/raw.tsv"
echo "| service | actions | generated lines | \`cargo check\`: wall | CPU | CPU per action | \`cargo build --release\`: wall | CPU | CPU per action |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for service in "${services[@]}"; do
    [ -f "specs/services/$service.yaml" ] || die "no specs/services/$service.yaml"
    actions=$(actions_of "$service")
    lines=$(find "generated/src/$service" -name '*.rs' ! -name tests.rs -exec cat {} + | wc -l)
    # Assigned first, so that a failed build stops the script (`set -e`).
    check=$(timed check "$service")
    release=$(timed release "$service")
    read -r check_wall check_cpu <<<"$check"
    read -r release_wall release_cpu <<<"$release"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$service" "$actions" "$lines" "$check_wall" "$check_cpu" \
        "$release_wall" "$release_cpu" >>"$out/raw.tsv"
    awk -v s="$service" -v a="$actions" -v l="$lines" -v cw="$check_wall" -v cc="$check_cpu" \
        -v rw="$release_wall" -v rc="$release_cpu" 'BEGIN {
        printf "| %s | %d | %d | %.1f s | %.1f s | %.0f ms | %.1f s | %.1f s | %.0f ms |\n",
            s, a, l, cw, cc, 1000 * cc / a, rw, rc, 1000 * rc / a }'
done
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); raw rows in $out/raw.tsv)"
