#!/usr/bin/env bash
# Interop suite: what kerasts writes must load in real Keras 3.15.1 and predict the same, and what
# Keras writes must load in kerasts and predict the same.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
py="$root/.venv-oracle/bin/python"
[ -x "$py" ] || { echo "the oracle venv is missing: run 'pnpm oracle:setup' first" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "== architecture JSON + weights: kerasts -> Keras"
node "$root/tools/interop/export-cases.mjs" "$out/json"
KERAS_BACKEND=jax "$py" "$root/tools/oracle/interop_check.py" "$out/json"
echo "== HDF5 files: kerasts -> Keras (load_model, load_weights, by_name) and Keras -> kerasts"
node "$root/tools/interop/export-h5.mjs" "$out/h5"
KERAS_BACKEND=jax "$py" "$root/tools/interop/interop_h5.py" "$out/h5" 2>&1 | grep -v -i 'warning'
node "$root/tools/interop/check-keras-h5.mjs" "$out/h5"
echo "== .keras archives and .weights.h5: kerasts -> Keras (load_model, load_weights, compiled resume)"
node "$root/tools/interop/export-keras.mjs" "$out/keras"
KERAS_BACKEND=jax "$py" "$root/tools/interop/interop_keras.py" "$out/keras" 2>&1 | grep -v -i 'warning'
echo "== .keras archives and .weights.h5: Keras -> kerasts (fresh files from Keras 3.15.1)"
KERAS_BACKEND=jax "$py" "$root/tools/oracle/gen_keras_fixtures.py" --out "$out/keras-fresh" >/dev/null
node "$root/tools/interop/check-keras-files.mjs" "$out/keras-fresh"
