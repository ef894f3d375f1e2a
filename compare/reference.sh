#!/usr/bin/env bash
# cargo-pact against the Pact reference implementation's Rust CLI (pact_verifier_cli and
# pact-stub-server, as bundled in pact-python-cli 1!0.10.9), on the same inputs:
#   a. `cargo-pact pact verify --file P --provider-base-url URL` vs
#      `pact verifier --file P --hostname 127.0.0.1 --port PORT`: a generated V3 pact of 1,000
#      interactions (GET /items/<n> with an Accept header; a JSON body under type, regex, integer,
#      decimal, date and timestamp rules), against a small Python provider (the same for both;
#      neither tool's code). Both verdicts are checked first, from the tools' JSON reports: all
#      1,000 pass, and exactly 4 fail when the provider breaks one rule in each of 4 of them.
#   b. `cargo-pact pact stub` vs `pact stub` on that pact (both with --port 0): start to the first
#      200 on GET /items/1.
#   c. then up to 1,000 sequential GETs on one keep-alive connection (per-request latency), and
#      the stub's peak RSS.
# 5 runs each (RUNS), median and min–max of wall clock (time.perf_counter) and peak RSS (the
# child's rusage from os.wait4). Prints a Markdown table, then `reference-compare: done`.
#
# Run:   bash compare/reference.sh                 (builds cargo-pact --release first)
#        CARGO_PACT_BIN=path/to/cargo-pact bash compare/reference.sh
# Tunables: RUNS=5 INTERACTIONS=1000 LAT_REQUESTS=1000 LAT_BUDGET_S=20 (a stub run stops its
# GETs after that many seconds: the reference stub takes seconds per request at 1,000).
# Takes ~15 minutes, mostly the reference's; the reference stub peaks at ~4.5 GiB RSS at 1,000.
# Needs python3 (3.9+) and pip (for .ci/install-peers, run when the reference CLI is missing).
# The Markdown goes to stdout, progress and failures to stderr; exit 1 if a verdict is wrong.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
export PACT_DO_NOT_TRACK=true

if [ -n "${CARGO_PACT_BIN:-}" ]; then
  ours="$CARGO_PACT_BIN"
else
  cargo build --release -p cargo-pact --manifest-path "$repo/Cargo.toml" >&2
  target_dir="$(cargo metadata --format-version 1 --no-deps --manifest-path "$repo/Cargo.toml" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
  ours="$target_dir/release/cargo-pact"
fi
[ -x "$ours" ] || { echo "reference-compare: no cargo-pact binary at $ours" >&2; exit 1; }

ref="$repo/target/pact-peers/reference/bin/pact"
[ -x "$ref" ] || bash "$repo/.ci/install-peers" >&2
[ -x "$ref" ] || { echo "reference-compare: no reference CLI at $ref" >&2; exit 1; }

tmp="$(mktemp -d)"
driver=""
cleanup() {
  if [ -n "$driver" ]; then kill -TERM "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

GIT_REV="$(git -C "$repo" describe --always --dirty 2>/dev/null || true)" \
  python3 "$here/reference.py" "$ours" "$ref" "$tmp" &
driver=$!
status=0
wait "$driver" || status=$?
driver=""
exit "$status"
