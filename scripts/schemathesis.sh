#!/usr/bin/env bash
# Schemathesis against a live server, once per role: the JSON API must answer every generated
# request (valid or not) without a 5xx, and as its OpenAPI description says.
# Usage: scripts/schemathesis.sh [MAX_EXAMPLES]   (default 40 per operation and role)
# SAFEGUARD_BIN uses an already built binary; SAFEGUARD_SCHEMATHESIS_DATABASE_URL another database.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-40}"

command -v schemathesis >/dev/null 2>&1 || pip install --quiet schemathesis
if [ -z "${SAFEGUARD_BIN:-}" ]; then
  cargo build --locked --quiet -p safeguard
  SAFEGUARD_BIN="$PWD/target/debug/safeguard"
fi

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

data=(--data-dir "$work/data")
if [ -n "${SAFEGUARD_SCHEMATHESIS_DATABASE_URL:-}" ]; then
  data+=(--database-url "$SAFEGUARD_SCHEMATHESIS_DATABASE_URL")
fi
sg() { "$SAFEGUARD_BIN" "$@" "${data[@]}"; }

declare -A tokens
for role in first-responder decision-maker support-provider guardian legal-adviser police \
            immigration-enforcement monitor admin; do
  org="Schemathesis $role"
  [ "$role" = decision-maker ] && org="SCA"
  tokens[$role]="$(RUST_LOG=warn sg user add --org "$org" --role "$role" --name "st-$role" --token)"
done
# Cases to find: some from the first responder (so their ids are real), some synthetic.
RUST_LOG=warn sg demo --cases 30 --seed 7 >/dev/null

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# The per-user rate limit is tested in Rust (limits::); here it would answer 429 to the fuzzer.
RUST_LOG=warn "$SAFEGUARD_BIN" serve --bind "127.0.0.1:$port" --user-rate 0 "${data[@]}" >"$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$base/healthz" >/dev/null

failed=0
for role in "${!tokens[@]}"; do
  echo "== schemathesis as $role"
  if ! schemathesis --no-color run "$base/api/v1/openapi.json" --url "$base/api/v1" \
      --header "Authorization: Bearer ${tokens[$role]}" \
      --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
      --max-examples "$examples" --phases examples,coverage,fuzzing --workers 1 \
      --suppress-health-check all --warnings off; then
    failed=1
  fi
done
if grep -q "panicked" "$work/serve.log"; then
  echo "the server panicked:" >&2
  grep -A5 panicked "$work/serve.log" >&2
  failed=1
fi
exit "$failed"
