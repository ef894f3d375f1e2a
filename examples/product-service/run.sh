#!/usr/bin/env bash
# The product-service workflow end to end, on the embedded defaults: the consumer's pact test,
# a `cargo pact broker` on an SQLite file in a temporary directory, publish, the provider with
# its provider-state endpoint, verification from the broker with the results published,
# can-i-deploy and record-deployment. No Docker, nothing to install but the Rust toolchain.
#
#   examples/product-service/run.sh          # run it, stop the broker at the end
#   examples/product-service/run.sh --keep   # leave the broker running to look at the dashboard
#
# Works from any directory and with any CARGO_TARGET_DIR. Inside the cargo-pact checkout it
# builds cargo-pact; a copy of this example elsewhere uses the installed one
# (`cargo install --path cargo-pact`). Exits non-zero naming the step that failed; each
# step's output is printed as it runs.
set -euo pipefail

keep=false
for arg in "$@"; do
  case "$arg" in
    --keep) keep=true ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$arg' (try --keep or --help)" >&2; exit 2 ;;
  esac
done

example="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# cargo reads a relative CARGO_TARGET_DIR from the current directory, and the steps change it.
case "${CARGO_TARGET_DIR:-/}" in
  /*) ;;
  *) export CARGO_TARGET_DIR="$PWD/$CARGO_TARGET_DIR" ;;
esac
work="$(mktemp -d "${TMPDIR:-/tmp}/product-service.XXXXXX")"
step_name="starting"
broker_pid=""
provider_pid=""

finish() {
  status=$?
  [ -n "$provider_pid" ] && kill "$provider_pid" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
    echo "error: step '$step_name' failed (exit $status); logs in $work" >&2
  elif ! $keep; then
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
    rm -rf "$work"
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

step() {
  step_name="$1"
  printf '\n==> %s\n' "$1"
}

# Waits until the process `$1` writes "listening on" to the file `$2`; fails with its output
# if it exits first.
wait_listening() {
  for _ in $(seq 100); do
    grep -q "listening on" "$2" 2>/dev/null && return 0
    kill -0 "$1" 2>/dev/null || { cat "$2" "${3:-/dev/null}" >&2; return 1; }
    sleep 0.1
  done
  echo "no 'listening on' in $2 after 10 s" >&2
  return 1
}

# The target directory cargo uses for the workspace of the manifest `$1`: CARGO_TARGET_DIR,
# a config's, or the workspace's own.
target_dir() {
  cargo metadata --format-version 1 --no-deps --manifest-path "$1" |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
}

step "build cargo-pact and the provider"
# cargo-pact: built from the checkout this example sits in, else the one installed
# (`cargo install --path cargo-pact`) for a copy of the example elsewhere. In the checkout
# both workspaces share one target directory: what both build with the same features is
# compiled once.
repo="$(cd "$example/../.." && pwd)"
if [ -f "$repo/cargo-pact/Cargo.toml" ] && [ -f "$repo/Cargo.toml" ]; then
  CARGO_TARGET_DIR="$(target_dir "$repo/Cargo.toml")"
  export CARGO_TARGET_DIR
  cargo build --manifest-path "$repo/Cargo.toml" -p cargo-pact
  cargo_pact="$CARGO_TARGET_DIR/debug/cargo-pact"
elif cargo_pact="$(command -v cargo-pact)"; then
  echo "using $cargo_pact"
else
  echo "cargo-pact is not installed: cargo install --path <cargo-pact checkout>/cargo-pact" >&2
  exit 1
fi
cd "$example"
cargo build -p product-service-provider
target="$(target_dir "$example/Cargo.toml")"

step "run the consumer's pact test (writes the pact)"
export PACT_OUTPUT_DIR="$work/pacts"
cargo test -p product-service-consumer
ls "$PACT_OUTPUT_DIR"

step "start a Pact Broker on $work/broker.sqlite"
"$cargo_pact" pact broker --port 0 --database "sqlite://$work/broker.sqlite" \
  > "$work/broker.out" 2> "$work/broker.log" &
broker_pid=$!
wait_listening "$broker_pid" "$work/broker.out" "$work/broker.log"
broker_url="$(sed -n 's/^pact broker listening on //p' "$work/broker.out")"
[ -n "$broker_url" ] || { echo "the broker did not start" >&2; exit 1; }
echo "broker at $broker_url"
export PACT_BROKER_BASE_URL="$broker_url"

step "publish the consumer's pact"
(cd "$example/consumer" && "$cargo_pact" pact publish)

step "start the provider with its provider-state endpoint (PACT_PROVIDER_STATES=1)"
PACT_PROVIDER_STATES=1 "$target/debug/product-service-provider" > "$work/provider.log" 2>&1 &
provider_pid=$!
wait_listening "$provider_pid" "$work/provider.log"
cat "$work/provider.log"

step "verify the provider against the broker's pacts and publish the results"
(cd "$example/provider" && "$cargo_pact" pact verify --publish)

step "create the production environment"
"$cargo_pact" pact create-environment --name production --production

step "can-i-deploy the provider to production"
(cd "$example/provider" && "$cargo_pact" pact can-i-deploy --to-environment production)

step "record the provider's deployment to production"
(cd "$example/provider" && "$cargo_pact" pact record-deployment --environment production)

kill "$provider_pid" 2>/dev/null || true
provider_pid=""
step_name="done"
printf '\nThe dashboard: %s/\n' "$broker_url"
if $keep; then
  echo "The broker keeps running (pid $broker_pid, data in $work); stop it with: kill $broker_pid"
  trap - EXIT
fi
