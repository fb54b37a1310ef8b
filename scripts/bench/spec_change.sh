#!/usr/bin/env bash
# What a one-line spec change costs to rebuild, and what it rebuilds:
#
#   scripts/bench/spec_change.sh [REV]        (default: HEAD)
#
# It extracts REV into a scratch copy (`git archive`, under
# ${CARGO_TARGET_DIR:-target}/spec-change/src, with its own target directory beside it, kept
# between runs so the dependencies stay built) and builds `tcapi`, its dependencies and xtask.
# Then, for each of ROUNDS rounds:
# 1. before the edit: `cargo check`, `cargo build` and `cargo build --release` of `-p tcapi`,
#    which must compile nothing (the no-op times);
# 2. the edit: a word appended to the `doc:` of CertificateOrderSubmit in
#    specs/curation/ssl.yaml (the curated doc wins over the imported one, and is what a person
#    edits), then `cargo xtask codegen` (timed), and the generated files it
#    changed;
# 3. after the edit: the same three builds; from their `-v` output, the crates cargo compiled,
#    which must be `tcapi` and nothing else (the script stops otherwise), and the number of
#    units it found fresh;
# 4. for scale: `cargo clean -p tcapi` and the same three builds again, the crate from nothing
#    with its dependencies built.
# Release builds run with CARGO_INCREMENTAL=0; `check` and `build` with cargo's default for the
# dev profile (incremental), as a developer's do. Offline once the dependencies are fetched.
# The table (median over the rounds, every round in brackets), the raw numbers and cargo's logs
# go to ${CARGO_TARGET_DIR:-target}/spec-change/.
#
# Settings (environment): ROUNDS (3), JOBS (2). Wall and CPU (user + system) seconds, with the
# load average before each command in raw.tsv; nothing here asserts a time.
set -euo pipefail

rounds=${ROUNDS:-3}
jobs=${JOBS:-2}
rev=${1:-HEAD}
root=$(git rev-parse --show-toplevel)
base=${CARGO_TARGET_DIR:-$root/target}
out=$base/spec-change
src=$out/src
target=$out/target
logs=$out/logs
TIMEFORMAT="%3R %3U %3S"

die() { echo "spec_change: $*" >&2; exit 1; }
note() { echo "== $*" >&2; }

[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, not '$rounds'"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive integer, not '$jobs'"
command -v python3 >/dev/null || die "python3 is needed for the table"
sha=$(git -C "$root" rev-parse --short "$rev^{commit}") || die "no such revision: $rev"

# A fresh copy of the sources; the target directory of an earlier run stays.
rm -rf "$src" "$logs"
mkdir -p "$src" "$logs" "$target"
git -C "$root" archive "$sha" | tar -x -C "$src"
cd "$src"
export CARGO_TARGET_DIR=$target
spec=specs/services/ssl.yaml
# What a person edits: the curation, whose doc wins over the machine spec's.
curation=specs/curation/ssl.yaml

if ! cargo fetch --offline --locked -q 2>/dev/null; then
    note "fetching the dependencies (network, once)"
    cargo fetch --locked || die "cargo fetch failed"
fi

build() { # mode [cargo options...]: runs the build of tcapi in that mode
    local mode=$1
    shift
    case $mode in
        check) cargo check --offline --locked -j "$jobs" -p tcapi "$@" ;;
        dev) cargo build --offline --locked -j "$jobs" -p tcapi "$@" ;;
        release) CARGO_INCREMENTAL=0 cargo build --offline --locked -j "$jobs" --release -p tcapi "$@" ;;
    esac
}
modes=(check dev release)

note "building tcapi ($sha), its dependencies and xtask (long the first time)"
for mode in "${modes[@]}"; do build "$mode" -q; done
cargo build --offline --locked -j "$jobs" -q -p xtask
cargo --offline xtask codegen --check >/dev/null || die "\`cargo xtask codegen --check\` fails on the unedited copy of $sha"

# The crates that a cargo log shows compiled, sorted, space-separated.
compiled() { sed -n 's/^ *\(Compiling\|Checking\) \([^ ]*\) .*/\2/p' "$1" | sort | tr '\n' ' ' | sed 's/ $//'; }

timed() { # phase mode round expected: times one build, checks what it compiled
    local phase=$1 mode=$2 round=$3 expected=$4 log load secs got fresh
    log=$logs/$phase-$mode-$round.log
    load=$(cut -d' ' -f1 /proc/loadavg)
    secs=$({ time build "$mode" -v >"$log" 2>&1; } 2>&1) || die "$phase $mode build failed: see $log"
    read -r wall cpu <<<"$(cpu_of "$secs")"
    got=$(compiled "$log")
    fresh=$(grep -c '^ *Fresh ' "$log" || true)
    [ "$got" = "$expected" ] || die "$phase $mode: expected to compile '${expected:-nothing}', cargo compiled '${got:-nothing}' (see $log)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$phase" "$mode" "$wall" "$cpu" "$load" "${got:--}" "$fresh" >>"$out/raw.tsv"
    note "round $round: $phase, $mode: ${wall} s wall, ${cpu} s CPU, compiled: ${got:-nothing}, fresh: $fresh units"
}

# "real user sys" (bash's time) -> "real user+sys"
cpu_of() { awk '{printf "%s %.3f", $1, $2 + $3}' <<<"$1"; }

snapshot() { find generated -type f -exec md5sum {} + | sort -k2; }

printf 'round\tphase\tmode\twall_s\tcpu_s\tload1_before\tcompiled\tfresh_units\n' >"$out/raw.tsv"
: >"$out/changed-files.txt"
for round in $(seq "$rounds"); do
    for mode in "${modes[@]}"; do timed noop "$mode" "$round" ""; done

    before=$(snapshot)
    # A plain one-line `doc:`, with or without a final period.
    sed -i "/^  CertificateOrderSubmit:\$/,/^    doc:/ s/^\\(    doc: [^|>].*[^.]\\)\\.\\{0,1\\}\$/\\1, edited $round./" "$curation"
    grep -q "^    doc: .*, edited $round\\.\$" "$curation" || die "the spec edit of round $round did not apply"
    load=$(cut -d' ' -f1 /proc/loadavg)
    secs=$({ time cargo --offline xtask codegen >"$logs/codegen-$round.log" 2>&1; } 2>&1) ||
        die "cargo xtask codegen failed: see $logs/codegen-$round.log"
    read -r secs cpu <<<"$(cpu_of "$secs")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" codegen - "$secs" "$cpu" "$load" - - >>"$out/raw.tsv"
    changed=$({ diff <(echo "$before") <(snapshot) || true; } | sed -n 's/^> [0-9a-f]*  //p' | tr '\n' ' ' | sed 's/ $//')
    [ -n "$changed" ] || die "round $round: the spec edit changed no generated file"
    echo "round $round: $changed" >>"$out/changed-files.txt"
    note "round $round: codegen ${secs} s, changed: $changed"

    for mode in "${modes[@]}"; do timed edit "$mode" "$round" tcapi; done

    cargo clean -q -p tcapi
    cargo clean -q --release -p tcapi
    rm -rf "$target"/debug/incremental/tcapi-*
    for mode in "${modes[@]}"; do timed clean "$mode" "$round" tcapi; done
done

actions=$(awk '/^actions:[[:space:]]*$/ {inside = 1; next} /^[^[:space:]#]/ {inside = 0}
    inside && /^  [A-Za-z0-9_]+:[[:space:]]*$/ {n++} END {print n + 0}' "$spec")
python3 - "$out/raw.tsv" "$sha" "$rounds" "$jobs" "$out/changed-files.txt" "$actions" >"$out/table.md" <<'EOF'
import csv, statistics, sys
raw, sha, rounds, jobs, changed, actions = sys.argv[1:]
times, cpu, compiled, fresh, loads = {}, {}, {}, {}, []
with open(raw) as f:
    for row in csv.DictReader(f, delimiter="\t"):
        times.setdefault((row["phase"], row["mode"]), []).append(float(row["wall_s"]))
        cpu.setdefault((row["phase"], row["mode"]), []).append(float(row["cpu_s"]))
        loads.append(float(row["load1_before"]))
        compiled.setdefault((row["phase"], row["mode"]), set()).add(row["compiled"])
        fresh.setdefault((row["phase"], row["mode"]), set()).add(row["fresh_units"])
def cell(phase, mode, table=times):
    t = table[(phase, mode)]
    return f"{statistics.median(t):.1f} s ({', '.join(f'{x:.1f}' for x in t)})"
files = sorted({name for line in open(changed) for name in line.split(":", 1)[1].split()})
print(f"`tcapi` at {sha} (ssl, {actions} actions), `-j {jobs}`, median of {rounds} rounds (every round in brackets). "
      f"The edit: one word appended to CertificateOrderSubmit's `doc:` in specs/curation/ssl.yaml; "
      f"`cargo xtask codegen` {cell('codegen', '-')} rewrote {', '.join(files)}.")
print()
print("| build of `-p tcapi` | before the edit (no-op) | after the edit: wall | after the edit: CPU "
      "| crates recompiled after the edit | clean build of `tcapi` alone: wall | clean: CPU |")
print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
labels = {"check": "`cargo check`", "dev": "`cargo build`", "release": "`cargo build --release`"}
for mode, label in labels.items():
    print(f"| {label} | {cell('noop', mode)} | {cell('edit', mode)} | {cell('edit', mode, cpu)} | "
          f"{', '.join(sorted(compiled[('edit', mode)]))} (fresh: {', '.join(sorted(fresh[('edit', mode)]))} units) | {cell('clean', mode)} | {cell('clean', mode, cpu)} |")
print()
print(f"CPU = user + system time. Load average (1 min) before the timed commands: {min(loads):.2f} to {max(loads):.2f}.")
EOF
cat "$out/table.md"
echo
echo "raw numbers and cargo's logs: $out/"
