#!/usr/bin/env bash
# Copy into the repository the files Keras 3.15.1 wrote that the tests need (a small subset of
# shared/keras-samples), so that `pnpm test` passes in a clone with nothing beside it. The files
# are copied byte for byte and checked against SHA256SUMS (regenerate it with --update after a
# deliberate change of the shared samples).
#
#   bash tools/oracle/sync_keras_samples.sh            # copy from $KERASTS_SHARED or ../shared, verify
#   bash tools/oracle/sync_keras_samples.sh --update   # copy and rewrite SHA256SUMS
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${KERASTS_SHARED:-$ROOT/../shared}"
SRC="$SHARED/keras-samples"
DST="$HERE/fixtures/keras-samples"
FILES=(
  m.h5 m.keras func.h5 rmsprop.h5 w.weights.h5 x.npy pred.npy
  to_json.json func_to_json.json m_keras_config.pretty.json yaml_demo.txt
  m.h5.h5dump-A.txt func.h5.h5dump-A.txt rmsprop.h5.h5dump-A.txt
  crafted/k208_full.h5 crafted/k208_full.h5dump-A.txt crafted/chunked_attrs.h5
)
[ -d "$SRC" ] || { echo "no $SRC (set KERASTS_SHARED)" >&2; exit 1; }
mkdir -p "$DST/crafted"
for f in "${FILES[@]}"; do cp "$SRC/$f" "$DST/$f"; chmod 644 "$DST/$f"; done
cd "$DST"
if [ "${1:-}" = --update ]; then
  sha256sum "${FILES[@]}" > SHA256SUMS
else
  sha256sum -c --quiet SHA256SUMS
fi
echo "copied ${#FILES[@]} files to $DST"
