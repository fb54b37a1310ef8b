#!/usr/bin/env python3
"""Prints the table of scripts/bench/compare.sh from the JSON lines both sides wrote.

  report.py MICRO_JSONL [LOAD_JSONL]

Ratios are Python's time (or Rust's throughput) divided by the other side's: above 1, tcapi is
faster. The issue-6 targets are printed with the measured value and whether it is met; they are
measured here, never asserted.
"""

import json
import sys

WORKS = [
    ("whole_call", "one whole call, network replaced by a canned response"),
    ("whole_call_adapter", "  same, Python stubbed at the transport adapter"),
    ("whole_call_release_profile", "  same, tcapi built with the default release profile (no whole-program LTO)"),
    ("whole_call_block_on", "  same, tcapi entering the tokio runtime for each call"),
    ("whole_call_temporary", "  same, tcapi with temporary keys and a token, kept by CachedCredentials"),
    ("build_sign_serialize", "build + serialize + sign a request"),
    ("request_head", "the request head from the kept template, then dropped (http::Request, 8 headers)"),
    ("sign", "signing alone (body bytes -> Authorization)"),
    ("sign_key_derived", "  same, first call of the day: signing key derived"),
    ("decode_success", "decode a success response"),
    ("decode_error", "decode an error response"),
    ("crypto_floor", "crypto floor: 2 SHA-256 + 4 HMAC-SHA256"),
    ("crypto_floor_cached_key", "  per request with the key kept: 2 SHA-256 + 1 HMAC-SHA256"),
]


def read(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def aggregate(rows):
    """One row per (side, work) over the rounds: the median of the rounds' medians, the minimum
    of their minimums, and the rounds' medians in order."""
    grouped = {}
    for row in rows:
        grouped.setdefault((row["side"], row["work"]), []).append(row)
    by = {}
    for key, group in grouped.items():
        medians = [row["median_ns"] for row in group]
        by[key] = dict(
            group[0],
            median_ns=sorted(medians)[len(medians) // 2],
            min_ns=min(row["min_ns"] for row in group),
            rounds=medians,
        )
    return by


def us(ns):
    return "%.2f" % (ns / 1000.0)


def main():
    micro = read(sys.argv[1])
    load = read(sys.argv[2]) if len(sys.argv) > 2 else []
    by = aggregate(micro)
    iterations = next((row["iterations"] for row in micro), 0)
    repeats = next((row["repeats"] for row in micro), 0)
    rounds = max((len(row["rounds"]) for row in by.values()), default=0)

    print()
    print(
        "Per call: median over %d rounds of each round's median of %d repeats of %d calls"
        " (microseconds; the minimum of all in parentheses)" % (rounds, repeats, iterations)
    )
    print()
    print("| work | Python SDK (us) | tcapi (us) | Python / tcapi |")
    print("| --- | ---: | ---: | ---: |")
    for work, label in WORKS:
        python = by.get(("python", work))
        rust = by.get(("rust", work))
        if rust is None and work == "whole_call_adapter":
            rust = by.get(("rust", "whole_call"))
        if python is None and work in ("whole_call_release_profile", "whole_call_block_on", "whole_call_temporary"):
            python = by.get(("python", "whole_call"))
        if python is None and work == "sign_key_derived":
            # The SDK derives the key for every request: its one signing time compares with both rows.
            python = by.get(("python", "sign"))
        if python is None and rust is None:
            continue
        python_text = "%s (%s)" % (us(python["median_ns"]), us(python["min_ns"])) if python else "-"
        rust_text = "%s (%s)" % (us(rust["median_ns"]), us(rust["min_ns"])) if rust else "-"
        ratio = "%.0fx" % (python["median_ns"] / rust["median_ns"]) if python and rust else "-"
        print("| %s | %s | %s | %s |" % (label, python_text, rust_text, ratio))

    if load:
        sides = {row["side"]: row for row in load}
        python, rust = sides.get("python"), sides.get("rust")
        print()
        first = rust or python
        print(
            "Loopback against the mock server (bench profile), %d requests, concurrency %d, rate limit off"
            % (first["requests"], first["concurrency"])
        )
        print()
        print("| | Python SDK | tcapi | tcapi / Python |")
        print("| --- | ---: | ---: | ---: |")
        if python and rust:
            print(
                "| requests per second | %.0f | %.0f | %.1fx |"
                % (python["rps"], rust["rps"], rust["rps"] / python["rps"])
            )
            print(
                "| p50 latency (ms) | %.3f | %.3f | %.1fx lower |"
                % (python["p50_ms"], rust["p50_ms"], python["p50_ms"] / rust["p50_ms"])
            )
            print(
                "| p99 latency (ms) | %.3f | %.3f | %.1fx lower |"
                % (python["p99_ms"], rust["p99_ms"], python["p99_ms"] / rust["p99_ms"])
            )
            print("| errors | %d | %d | |" % (python["errors"], rust["errors"]))

    print()
    print("Targets of issues 6 and 12 (measured in this run):")
    python_call = by.get(("python", "whole_call"))
    for work, label in (
        ("whole_call", "whole call >= 150x faster than the Python SDK in every round"),
        ("whole_call_release_profile", "the same with tcapi built with the default release profile"),
    ):
        rust_call = by.get(("rust", work))
        if python_call and rust_call:
            ratio = python_call["median_ns"] / rust_call["median_ns"]
            per_round = [p / r for p, r in zip(python_call["rounds"], rust_call["rounds"])]
            met = ratio >= 150 and all(r >= 150 for r in per_round)
            print(
                "- %s: %.0fx -> %s (rounds: %s)"
                % (label, ratio, "met" if met else "NOT met", ", ".join("%.0fx" % r for r in per_round))
            )
    build, floor = by.get(("rust", "build_sign_serialize")), by.get(("rust", "crypto_floor"))
    if build and floor:
        ratio = build["median_ns"] / floor["median_ns"]
        per_round = [b / f for b, f in zip(build["rounds"], floor["rounds"])]
        print(
            "- build + sign + serialize within 2x of the crypto floor: %.2fx -> %s (rounds: %s)"
            % (ratio, "met" if ratio <= 2 else "NOT met", ", ".join("%.2fx" % r for r in per_round))
        )
    cached = by.get(("rust", "crypto_floor_cached_key"))
    if build and cached:
        print(
            "  (against what a request computes once the day's key is kept, 2 SHA-256 + 1 HMAC: %.2fx)"
            % (build["median_ns"] / cached["median_ns"])
        )
    if load:
        sides = {row["side"]: row for row in load}
        if "python" in sides and "rust" in sides:
            ratio = sides["rust"]["rps"] / sides["python"]["rps"]
            print(
                "- loopback throughput >= 10x the Python SDK's: %.1fx -> %s"
                % (ratio, "met" if ratio >= 10 else "NOT met")
            )


if __name__ == "__main__":
    main()
