#!/usr/bin/env bash
# Create the Python oracle environment (.venv-oracle at the repo root) with
# real Keras 3.15.1 on the JAX backend, plus h5py and PyYAML.
#
#   bash tools/oracle/setup.sh            # idempotent: a no-op when already set up
#   ORACLE_VENV=/some/dir bash tools/oracle/setup.sh   # use another location
#
# Uses the local wheel mirror file:///opt/pypi/simple when it exists (the
# default index is unreachable on the build machines and pip would waste
# minutes retrying), else the default index.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${ORACLE_VENV:-$ROOT/.venv-oracle}"
PY="$VENV/bin/python"
KERAS_WANT="3.15.1"
PACKAGES=("keras==$KERAS_WANT" jax jaxlib h5py pyyaml)

keras_ok() {
  [ -x "$PY" ] || return 1
  # keras must be imported with KERAS_BACKEND=jax: its default backend is
  # TensorFlow, which this venv does not have.
  local v
  v="$(KERAS_BACKEND=jax JAX_PLATFORMS=cpu "$PY" -c 'import keras, jax, h5py, yaml; print(keras.__version__)' 2>/dev/null | tail -n 1)" || return 1
  [ "$v" = "$KERAS_WANT" ]
}

if keras_ok; then
  echo "oracle: $VENV already has keras $KERAS_WANT (jax backend); nothing to do"
  exit 0
fi

if [ ! -x "$PY" ] || ! "$PY" -c 'import sys' >/dev/null 2>&1; then
  echo "oracle: creating virtualenv $VENV"
  python3 -m venv --clear "$VENV"
fi

PIP_ARGS=(--disable-pip-version-check --no-input)
if [ -d /opt/pypi/simple ]; then
  PIP_ARGS+=(--index-url file:///opt/pypi/simple)
fi

echo "oracle: installing ${PACKAGES[*]}"
"$PY" -m pip install "${PIP_ARGS[@]}" "${PACKAGES[@]}"

if ! keras_ok; then
  echo "oracle: setup failed: keras $KERAS_WANT is not importable from $VENV" >&2
  exit 1
fi
echo "oracle: ready ($("$PY" --version 2>&1), keras $KERAS_WANT, backend jax)"
