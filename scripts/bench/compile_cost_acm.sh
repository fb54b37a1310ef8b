#!/usr/bin/env bash
# Compile cost per operation of tcapi, side by side with the AWS SDK for Rust's `aws-sdk-acm`
# (AWS Certificate Manager), in one run:
#
#   scripts/bench/compile_cost_acm.sh              (ROUNDS=3: about 5 minutes on 2 cores, 20 the first time)
#
# Each side's crate is built alone, its dependencies already built:
# - the peer: a scratch cargo project (never committed) that depends on `aws-sdk-acm` at the
#   pinned ACM_VERSION with its default features; `cargo clean -p aws-sdk-acm`, then
#   `cargo check -p aws-sdk-acm` / `cargo build --release -p aws-sdk-acm`;
# - ours: this working tree's `tcapi` with `--no-default-features --features $TCAPI_FEATURES`;
#   `cargo clean -p tcapi` (tcapi-runtime and the rest stay built), then the same two commands.
# Every timed command must compile exactly that one crate: the script stops otherwise.
# The rounds alternate the sides (which one goes first flips every round); the table shows the
# median over ROUNDS of each crate's build time, that time divided by its number of operations,
# and the ratio tcapi / aws-sdk-acm, for the wall time and for the CPU time (user + system, less
# sensitive than the wall time to other work on a shared machine; raw.tsv also keeps the load
# average before every build).
#
# Operations: for aws-sdk-acm, the directories under src/operation/ of the downloaded source
# (found from `cargo metadata`), checked against the client's fluent builders (src/client/*.rs);
# for tcapi, the actions of each enabled service in specs/services/<service>.yaml, checked
# against the `pub static *_INFO: ActionInfo` items generated for it.
#
# Both sides use `-j $JOBS` and the same release profile (this workspace's: opt-level 3,
# `debug = "line-tables-only"`, the scratch project's manifest mirrors it) and CARGO_INCREMENTAL=0
# for checks and release builds alike. Cargo never builds a registry (or git) dependency such as
# the peer incrementally, but by default it would build tcapi, a member of this workspace,
# incrementally: writing that cache costs tcapi's check about a quarter more, and the two sides
# would not be built the same way.
# The network is needed once, to fetch the peer's dependencies (`cargo fetch`); later runs are
# offline. Work files, the scratch project, both target directories and the raw numbers
# (raw.tsv, table.md, env.txt, one cargo log per timed build) go to
# ${CARGO_TARGET_DIR:-target}/compile-cost-acm/.
#
# Settings (environment): ROUNDS (3), JOBS (2), ACM_VERSION (1.126.0), TCAPI_FEATURES (ssl, a
# comma-separated list of service features). Seconds; nothing here asserts a time.
set -euo pipefail

rounds=${ROUNDS:-3}
jobs=${JOBS:-2}
acm_version=${ACM_VERSION:-1.126.0}
features=${TCAPI_FEATURES:-ssl}
root=$(git rev-parse --show-toplevel)
base=${CARGO_TARGET_DIR:-$root/target}
out=$base/compile-cost-acm
peer=$out/peer
peer_target=$out/peer-target
tcapi_target=$out/tcapi-target
logs=$out/logs
TIMEFORMAT="%3R %3U %3S"

die() { echo "compile_cost_acm: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, not '$rounds'"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive integer, not '$jobs'"
command -v python3 >/dev/null || die "python3 is needed to read \`cargo metadata\`"
mkdir -p "$out" "$peer/src" "$logs"
rm -f "$logs"/*.log

# --- the peer's scratch project -------------------------------------------------------------
cat >"$peer/Cargo.toml.new" <<EOF
# Scratch project of scripts/bench/compile_cost_acm.sh; not part of the repository.
[package]
name = "compile-cost-acm-peer"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
aws-sdk-acm = "=$acm_version"

# The same release profile as the tcapi workspace's.
[profile.release]
debug = "line-tables-only"

[workspace]
EOF
if ! cmp -s "$peer/Cargo.toml.new" "$peer/Cargo.toml"; then
    mv "$peer/Cargo.toml.new" "$peer/Cargo.toml"
    rm -f "$peer/Cargo.lock"
else
    rm "$peer/Cargo.toml.new"
fi
: >"$peer/src/lib.rs"

peer_cargo() { (cd "$peer" && CARGO_TARGET_DIR=$peer_target cargo "$@"); }
tcapi_cargo() { (cd "$root" && CARGO_TARGET_DIR=$tcapi_target cargo "$@"); }

# Offline when everything is already here; the network only for the first fetch.
if ! peer_cargo fetch --offline -q 2>/dev/null; then
    note "fetching aws-sdk-acm $acm_version and its dependencies (network, once)"
    peer_cargo fetch || die "cargo fetch failed for aws-sdk-acm $acm_version (is the version published?)"
fi
if ! tcapi_cargo fetch --offline --locked -q 2>/dev/null; then
    note "fetching tcapi's dependencies (network, once)"
    tcapi_cargo fetch --locked || die "cargo fetch failed for the tcapi workspace"
fi

# --- operation counts -------------------------------------------------------------------------
acm_manifest=$(peer_cargo metadata --format-version 1 --offline --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
found = [p["manifest_path"] for p in meta["packages"] if p["name"] == "aws-sdk-acm"]
print(found[0] if len(found) == 1 else "")
')
[ -n "$acm_manifest" ] || die "cargo metadata of the scratch project names no single aws-sdk-acm package"
acm_src=$(dirname "$acm_manifest")/src
[ -d "$acm_src/operation" ] || die "no src/operation/ in $acm_src: has the SDK's layout changed?"
acm_ops=$(find "$acm_src/operation" -mindepth 1 -maxdepth 1 -type d | wc -l)
acm_fluent=$(find "$acm_src/client" -mindepth 1 -maxdepth 1 -name '*.rs' ! -name 'customize.rs' | wc -l)
[ "$acm_ops" -gt 0 ] && [ "$acm_ops" -eq "$acm_fluent" ] ||
    die "aws-sdk-acm: $acm_ops operation modules but $acm_fluent fluent builders in src/client/"
acm_version_got=$(basename "$(dirname "$acm_manifest")")
[ "$acm_version_got" = "aws-sdk-acm-$acm_version" ] || die "resolved $acm_version_got, expected aws-sdk-acm-$acm_version"

tcapi_ops=0
for service in ${features//,/ }; do
    spec=$root/specs/services/$service.yaml
    [ -f "$spec" ] || die "TCAPI_FEATURES names '$service', but there is no $spec"
    # The keys two spaces in under the top-level `actions:` mapping.
    from_spec=$(awk '/^actions:[[:space:]]*$/ {inside = 1; next} /^[^[:space:]#]/ {inside = 0}
        inside && /^  [A-Za-z0-9_]+:[[:space:]]*$/ {n++} END {print n + 0}' "$spec")
    generated=$(cat "$root"/generated/src/"$service"/*.rs |
        grep -c '^pub static [A-Z0-9_]*_INFO: ::tcapi_runtime::ActionInfo' || true)
    [ "$from_spec" -gt 0 ] && [ "$from_spec" -eq "$generated" ] ||
        die "$service: $from_spec actions in the spec but $generated ActionInfo statics generated (run \`cargo xtask codegen\`?)"
    tcapi_ops=$((tcapi_ops + from_spec))
done
acm_lines=$(find "$acm_src" -name '*.rs' -exec cat {} + | wc -l)
# The crate's own files and the modules of the features built, as the build compiles them.
tcapi_dirs=()
for service in ${features//,/ }; do tcapi_dirs+=("$root/generated/src/$service"); done
tcapi_lines=$( (find "$root/generated/src" -maxdepth 1 -name '*.rs'; find "${tcapi_dirs[@]}" -name '*.rs' ! -name tests.rs) |
    xargs cat | wc -l)
note "aws-sdk-acm $acm_version: $acm_ops operations, $acm_lines lines of Rust; tcapi ($features): $tcapi_ops actions, $tcapi_lines lines (without the generated tests)"

# --- warm the dependencies ----------------------------------------------------------------------
tcapi_args=(-p tcapi --no-default-features --features "$features")
note "building both sides' dependencies once (check and release; long the first time)"
CARGO_INCREMENTAL=0 peer_cargo check --offline --locked -j "$jobs" -q -p aws-sdk-acm
CARGO_INCREMENTAL=0 peer_cargo build --offline --locked -j "$jobs" -q --release -p aws-sdk-acm
CARGO_INCREMENTAL=0 tcapi_cargo check --offline --locked -j "$jobs" -q "${tcapi_args[@]}"
CARGO_INCREMENTAL=0 tcapi_cargo build --offline --locked -j "$jobs" -q --release "${tcapi_args[@]}"

# One timed build of one crate: clean it, build it, print the seconds; the log must show that
# crate compiled and no other.
timed() { # side mode round
    local side=$1 mode=$2 round=$3 crate runner target log load secs wall user sys cpu compiled
    case $side in
        acm) crate=aws-sdk-acm runner=peer_cargo target=$peer_target ;;
        tcapi) crate=tcapi runner=tcapi_cargo target=$tcapi_target ;;
    esac
    local args=(--offline --locked -j "$jobs")
    [ "$side" = tcapi ] && args+=("${tcapi_args[@]:2}")
    log=$logs/$side-$mode-$round.log
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$mode" = check ]; then
        $runner clean -q -p "$crate"
        # Nothing of an earlier check may survive, its incremental cache included.
        rm -rf "$target"/debug/incremental/"${crate//-/_}"-*
        secs=$({ time CARGO_INCREMENTAL=0 $runner check "${args[@]}" -p "$crate" >"$log" 2>&1; } 2>&1) ||
            die "cargo check of $crate failed: see $log"
    else
        $runner clean -q --release -p "$crate"
        secs=$({ time CARGO_INCREMENTAL=0 $runner build --release "${args[@]}" -p "$crate" >"$log" 2>&1; } 2>&1) ||
            die "release build of $crate failed: see $log"
    fi
    read -r wall user sys <<<"$secs"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.3f", u + s}')
    compiled=$(sed -n 's/^ *\(Compiling\|Checking\) \([^ ]*\) .*/\2/p' "$log" | sort | tr '\n' ' ')
    [ "$compiled" = "$crate " ] || die "$side $mode: expected only $crate to be compiled, got: ${compiled:-nothing} (see $log)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$side" "$mode" "$wall" "$cpu" "$load" >>"$out/raw.tsv"
    note "round $round: $mode $crate: ${wall} s wall, ${cpu} s CPU (load average before: $load)"
}

printf 'round\tside\tmode\twall_s\tcpu_s\tload1_before\n' >"$out/raw.tsv"
for round in $(seq "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order=(acm tcapi); else order=(tcapi acm); fi
    for mode in check release; do
        for side in "${order[@]}"; do timed "$side" "$mode" "$round"; done
    done
done

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "rustc: $(rustc --version)"
    echo "cargo: $(cargo --version)"
    echo "nproc: $(nproc)"
    echo "jobs: $jobs"
    echo "rounds: $rounds"
    echo "aws-sdk-acm: $acm_version (default features), $acm_ops operations, $acm_lines lines"
    echo "tcapi: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- generated runtime || echo ' (with uncommitted changes)'), features $features, $tcapi_ops actions, $tcapi_lines lines"
} >"$out/env.txt"
cp "$peer/Cargo.lock" "$out/peer-Cargo.lock"

python3 - "$out/raw.tsv" "$acm_version" "$acm_ops" "$features" "$tcapi_ops" "$rounds" "$jobs" >"$out/table.md" <<'EOF'
import csv, statistics, sys
raw, acm_version, acm_ops, features, tcapi_ops, rounds, jobs = sys.argv[1:]
ops = {"acm": int(acm_ops), "tcapi": int(tcapi_ops)}
samples = {}
with open(raw) as f:
    for row in csv.DictReader(f, delimiter="\t"):
        for measure in ("wall_s", "cpu_s"):
            samples.setdefault((row["side"], row["mode"], measure), []).append(float(row[measure]))
loads = [float(r["load1_before"]) for r in csv.DictReader(open(raw), delimiter="\t")]
print(f"aws-sdk-acm {acm_version} (default features, {ops['acm']} operations) and tcapi "
      f"`--no-default-features --features {features}` ({ops['tcapi']} actions); each crate alone, "
      f"its dependencies built; `-j {jobs}`; median of {rounds} alternating rounds, every round in "
      f"brackets. CPU = user + system time of the build.")
print()
print("| build | measure | aws-sdk-acm: crate | per operation | tcapi: crate | per action "
      "| tcapi / acm, crate | tcapi / acm, per operation |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for mode, label in (("check", "`cargo check`"), ("release", "`cargo build --release`")):
    for measure, name in (("wall_s", "wall"), ("cpu_s", "CPU")):
        cells, med = [label, name], {}
        for side in ("acm", "tcapi"):
            t = samples[(side, mode, measure)]
            med[side] = statistics.median(t)
            cells.append(f"{med[side]:.1f} s ({', '.join(f'{x:.1f}' for x in t)})")
            cells.append(f"{1000 * med[side] / ops[side]:.0f} ms")
        cells.append(f"{med['tcapi'] / med['acm']:.2f}")
        cells.append(f"{(med['tcapi'] / ops['tcapi']) / (med['acm'] / ops['acm']):.2f}")
        print("| " + " | ".join(cells) + " |")
print()
print(f"Load average (1 min) before the timed builds: {min(loads):.2f} to {max(loads):.2f}.")
EOF
cat "$out/table.md"
echo
echo "raw numbers, cargo logs and versions: $out/"
