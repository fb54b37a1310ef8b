#!/usr/bin/env bash
# Compile cost of the generated crate, at one or more revisions of this repository:
#
#   scripts/bench/compile_cost.sh [REV ...]        (default: HEAD; e.g. `fcbdac5 HEAD`)
#
# For each revision it extracts a scratch copy under target/compile-cost/<rev> (`git archive`),
# builds the dependencies (kept from an earlier run), then prints, one `rev measure value` line each:
# - `clean_release_s`: REPEATS clean release builds of `tcapi` alone (`cargo clean -p tcapi`
#   between them; the dependencies stay built);
# - `spec_edit_rebuild_s`: a one-line doc change of CertificateOrderSubmit in
#   specs/services/ssl.yaml, `cargo xtask codegen`, then the release rebuild of `tcapi`;
# - `lines_per_action`: generated lines in generated/src/ssl/ per action, the
#   generated tests left out.
# Wall-clock seconds; nothing here asserts a time. Settings: REPEATS (default 3).
set -euo pipefail

repeats=${REPEATS:-3}
root=$(git rev-parse --show-toplevel)
out=$root/target/compile-cost
TIMEFORMAT=%R

seconds() {
    # The wall-clock seconds of a quiet command, on stdout.
    { time "$@" >/dev/null 2>&1; } 2>&1
}

for rev in "${@:-HEAD}"; do
    sha=$(git -C "$root" rev-parse --short "$rev")
    dir=$out/$sha
    # A fresh copy of the sources; an earlier run's target/ stays, so dependencies are not rebuilt.
    mkdir -p "$dir"
    find "$dir" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
    git -C "$root" archive "$sha" | tar -x -C "$dir"
    cd "$dir"
    cargo build -q --release -p tcapi
    cargo build -q --release -p xtask
    for _ in $(seq "$repeats"); do
        cargo clean -q --release -p tcapi
        echo "$sha clean_release_s $(seconds cargo build --release -p tcapi)"
    done
    sed -i '/^  CertificateOrderSubmit:$/,/^    doc:/ s/^\(    doc: .*\)\.$/\1, edited./' specs/services/ssl.yaml
    grep -q '^    doc: .*, edited\.$' specs/services/ssl.yaml || { echo "the spec edit did not apply" >&2; exit 1; }
    target/release/xtask codegen >/dev/null
    echo "$sha spec_edit_rebuild_s $(seconds cargo build --release -p tcapi)"
    actions=$(grep -c '^impl ::tcapi_runtime::Action for ' generated/src/ssl/*.rs | awk -F: '{n += $2} END {print n}')
    lines=$(find generated/src/ssl -name '*.rs' ! -name tests.rs -exec cat {} + | wc -l)
    echo "$sha lines_per_action $((lines / actions))"
    cd "$root"
done
