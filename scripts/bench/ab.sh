#!/usr/bin/env bash
# One work of the `compare` benchmark at two or more revisions, in alternating fresh processes:
#
#   scripts/bench/ab.sh REV REV...        (e.g. `fb85657 HEAD`)
#
# For each revision it extracts a scratch copy under target/ab/<rev> (`git archive`) and builds
# runtime/benches/compare.rs there with the bench profile (one target directory for all of them,
# so the dependencies are built once). It then runs the binaries one after the other, RUNS times,
# each a fresh process timing `--only WORK` with ITERATIONS x REPEATS calls, and prints for each
# revision the minimum, lower quartile, median and upper quartile of the processes' best repeats
# (ns per call).
#
# Why: on a shared virtual machine a whole process can run markedly slower than the next one
# (BENCHMARKS.md). Many short alternating processes see both revisions at both speeds; the minimum
# and the lower quartile compare them at the machine's usual speed.
#
# Settings (environment): WORK (whole_call), RUNS (20), ITERATIONS (10000), REPEATS (5);
# CARGO_TARGET_DIR, when set, holds the builds instead of target/ab/target.
# Nothing here asserts a time.
set -euo pipefail

work=${WORK:-whole_call}
runs=${RUNS:-20}
iterations=${ITERATIONS:-10000}
repeats=${REPEATS:-5}
root=$(git rev-parse --show-toplevel)
out=$root/target/ab
target=${CARGO_TARGET_DIR:-$out/target}
[ "$#" -ge 1 ] || { echo "usage: $0 REV [REV...]" >&2; exit 2; }

binaries=()
for rev in "$@"; do
    sha=$(git -C "$root" rev-parse --short "$rev")
    dir=$out/$sha
    rm -rf "$dir"
    mkdir -p "$dir"
    git -C "$root" archive "$sha" | tar -x -C "$dir"
    # `git archive` dates every file at the commit: older than another revision's build in the
    # same target directory, which cargo would then take as fresh. Dated now, each is rebuilt.
    find "$dir" -type f -exec touch {} +
    # The benchmark moved with the runtime into its own crate; older revisions have it in tcapi.
    package=tcapi-runtime
    [ -f "$dir/runtime/benches/compare.rs" ] || package=tcapi
    echo "== building the compare benchmark at $sha ($package)" >&2
    executable=$(cd "$dir" && CARGO_TARGET_DIR=$target cargo build --profile bench -p "$package" --bench compare \
        --message-format=json-render-diagnostics | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "compare" \
            and message.get("executable"):
        print(message["executable"])
' | tail -n 1)
    cp "$executable" "$out/compare-$sha"
    binaries+=("$sha")
done

echo "== $runs alternating runs of --only $work ($iterations iterations x $repeats repeats)" >&2
for _ in $(seq "$runs"); do
    for sha in "${binaries[@]}"; do
        best=$("$out/compare-$sha" --iterations "$iterations" --repeats "$repeats" --only "$work" |
            python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["min_ns"])')
        echo "$sha $best"
    done
done | python3 -c '
import collections, sys
samples = collections.defaultdict(list)
for line in sys.stdin:
    rev, value = line.split()
    samples[rev].append(float(value))
print("| revision | min | q25 | median | q75 |")
print("| --- | ---: | ---: | ---: | ---: |")
for rev, values in samples.items():
    values.sort()
    n = len(values)
    print(f"| {rev} | {values[0]:.0f} | {values[n // 4]:.0f} | {values[n // 2]:.0f} | {values[3 * n // 4]:.0f} |")
'
