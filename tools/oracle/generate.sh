#!/usr/bin/env bash
# Regenerate every oracle fixture with real Keras 3.15.1 (JAX backend, CPU).
#
#   bash tools/oracle/generate.sh             # every fixture set below
#   bash tools/oracle/generate.sh predict     # only fixtures/predict
#   bash tools/oracle/generate.sh h5          # only fixtures/h5
#   bash tools/oracle/generate.sh functional  # only fixtures/functional
#   bash tools/oracle/generate.sh train       # only fixtures/train (fit runs, ~3 minutes)
#   bash tools/oracle/generate.sh token-conv  # only fixtures/token-conv (Embedding -> Conv1D)
#
# Deterministic: all data comes from numpy RandomState seeds, so a rerun
# rewrites identical files.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

bash "$HERE/setup.sh"
PY="${ORACLE_VENV:-$ROOT/.venv-oracle}/bin/python"

export KERAS_BACKEND=jax
export JAX_PLATFORMS=cpu
export PYTHONHASHSEED=0
export PYTHONDONTWRITEBYTECODE=1
export TF_CPP_MIN_LOG_LEVEL=3

what="${1:-all}"
cd "$ROOT"
if [ "$what" = all ] || [ "$what" = predict ]; then
  "$PY" "$HERE/gen_predict_fixtures.py"
fi
if [ "$what" = all ] || [ "$what" = h5 ]; then
  "$PY" "$HERE/gen_h5_fixtures.py"
fi
if [ "$what" = all ] || [ "$what" = functional ]; then
  "$PY" "$HERE/gen_functional_fixtures.py"
fi
if [ "$what" = all ] || [ "$what" = resume ]; then
  "$PY" "$HERE/gen_resume_fixtures.py"
fi
if [ "$what" = all ] || [ "$what" = train ]; then
  "$PY" "$HERE/gen_train_fixtures.py"
fi
if [ "$what" = all ] || [ "$what" = token-conv ]; then
  "$PY" "$HERE/gen_token_conv_fixtures.py"
fi
