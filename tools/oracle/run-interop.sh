#!/usr/bin/env bash
# Interop suite: files and JSON written by kerasts must load in real Keras 3.15.1 and predict the same.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.venv-oracle/bin/python"
[ -x "$py" ] || { echo "the oracle venv is missing: run 'pnpm oracle:setup' first" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node "$root/tools/interop/export-cases.mjs" "$out"
KERAS_BACKEND=jax "$py" "$root/tools/oracle/interop_check.py" "$out"
