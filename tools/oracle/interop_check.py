#!/usr/bin/env python3
"""Keras side of the kerasts interop suite.

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/interop_check.py <dir> [--tol 1e-5]

For every `*.case.json` in <dir> (written by the TypeScript side):

    {"name": "...",
     "json": "<model architecture JSON string, from kerasts toJSON>",
     "weights": [{"name": "...", "shape": [...], "values": [...]}, ...],   # get_weights() order
     "input":  {"shape": [...], "values": [...]},
     "output": {"shape": [...], "values": [...]}}                          # computed by kerasts

Models with several inputs or outputs (functional models) give lists instead:
`"inputs": [{"shape", "values"}, ...]` (model input order) and/or
`"outputs": [{"shape", "values"}, ...]` (model output order); every output is compared.

it runs keras.models.model_from_json(json), set_weights (in order, reshaped),
predict(input) and compares with `output` (max |diff| / max(1, |Keras|) <= tol, default 1e-5).
A case may instead carry `model_json` as an object (as in the predict
fixtures); it is then serialized with json.dumps.

Optional case field "loader":
  "model_from_json" (default)  keras.models.model_from_json: Keras 3 accepts
                               only its native {"module", "class_name", ...}
                               form here, not even its own .h5 model_config.
  "legacy_model_config"        keras.src.legacy.saving.saving_utils.
                               model_from_config, i.e. what load_model('x.h5')
                               does with the model_config attribute (accepts
                               the {"class_name", "config"} h5 form).

Prints one line per case, `ok <name> max|Δ|=...` or `FAIL <name> ...`, then
`N passed, M failed`. Exit status 1 if any case failed or none was found.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402  (sets KERAS_BACKEND before keras)

import numpy as np  # noqa: E402


def _one_line(exc: BaseException, limit: int = 400) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_case(keras, path: str, tol: float):
    """Returns (ok, name, message)."""
    name = os.path.basename(path)[: -len(".case.json")]
    try:
        with open(path, encoding="utf8") as fh:
            case = json.load(fh)
    except Exception as exc:  # unreadable case file
        return False, name, f"cannot read case file: {_one_line(exc)}"
    name = case.get("name", name)

    try:
        if "json" in case:
            arch = case["json"]
            if not isinstance(arch, str):
                arch = json.dumps(arch)
        elif "model_json" in case:
            arch = json.dumps(case["model_json"])
        else:
            return False, name, 'case has no "json" field'
        weights = [oc.tensor_from_json(w) for w in case.get("weights", [])]
        xs = [oc.tensor_from_json(t) for t in case["inputs"]] if "inputs" in case else [oc.tensor_from_json(case["input"])]
        expected = [oc.tensor_from_json(t) for t in case["outputs"]] if "outputs" in case else [oc.tensor_from_json(case["output"])]
    except Exception as exc:
        return False, name, f"malformed case: {_one_line(exc)}"

    loader = case.get("loader", "model_from_json")
    tag = "" if loader == "model_from_json" else f" (loader={loader})"
    keras.backend.clear_session()
    try:
        if loader == "model_from_json":
            model = keras.models.model_from_json(arch)
        elif loader == "legacy_model_config":
            from keras.src.legacy.saving import saving_utils

            model = saving_utils.model_from_config(json.loads(arch))
        else:
            return False, name, f"unknown loader {loader!r}"
    except Exception as exc:
        return False, name, f"{loader} failed: {_one_line(exc)}"

    model_shapes = [tuple(w.shape) for w in model.weights]
    if len(model_shapes) != len(weights):
        return False, name, (f"weight count mismatch: Keras model has {len(model_shapes)} "
                             f"({', '.join(w.path for w in model.weights)}), case has {len(weights)}")
    for i, (ms, w) in enumerate(zip(model_shapes, weights)):
        if ms != w.shape:
            return False, name, (f"weight #{i} ({model.weights[i].path}) shape mismatch: "
                                 f"Keras expects {list(ms)}, case has {list(w.shape)}")
    try:
        model.set_weights(weights)
        # set_weights does not refresh what an adapted Normalization computes with; loading a file
        # does (load_own_variables -> finalize_state). Do what loading does.
        for layer in model.layers:
            if hasattr(layer, "finalize_state"):
                layer.finalize_state()
    except Exception as exc:
        return False, name, f"set_weights failed: {_one_line(exc)}"

    try:
        raw = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        gots = [np.asarray(g, dtype=np.float32) for g in (raw if isinstance(raw, (list, tuple)) else [raw])]
    except Exception as exc:
        return False, name, f"predict failed: {_one_line(exc)}"

    if len(gots) != len(expected):
        return False, name, f"output count mismatch: Keras {len(gots)}, kerasts {len(expected)}"
    maxdiff = 0.0
    for k, (got, exp) in enumerate(zip(gots, expected)):
        which = f"output {k}: " if len(expected) > 1 else ""
        if got.shape != exp.shape:
            return False, name, f"{which}output shape mismatch: Keras {list(got.shape)}, kerasts {list(exp.shape)}"
        nan_got, nan_exp = np.isnan(got), np.isnan(exp)
        if not np.array_equal(nan_got, nan_exp):
            return False, name, f"{which}NaN pattern differs between Keras and kerasts"
        mask = ~nan_got
        # Absolute below 1, relative for large activations.
        diff = np.abs(got[mask].astype(np.float64) - exp[mask].astype(np.float64)) / np.maximum(1.0, np.abs(got[mask].astype(np.float64)))
        d = float(diff.max()) if diff.size else 0.0
        if not d <= tol:
            worst = int(np.argmax(np.where(mask, np.abs(got.astype(np.float64) - exp), -1)))
            idx = np.unravel_index(worst, got.shape)
            return False, name, (f"{which}max|Δ|={d:.3g} > {tol:g} "
                                 f"(at {list(map(int, idx))}: Keras {float(got[idx]):.9g}, "
                                 f"kerasts {float(exp[idx]):.9g})")
        maxdiff = max(maxdiff, d)
    outs = f" ({len(expected)} outputs)" if len(expected) > 1 else ""
    return True, name, f"max|Δ|={maxdiff:.3g}{outs}{tag}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="directory holding *.case.json files")
    ap.add_argument("--tol", type=float, default=1e-5, help="max difference, relative above 1 (default 1e-5)")
    args = ap.parse_args(argv)

    paths = sorted(glob.glob(os.path.join(args.dir, "*.case.json")))
    if not paths:
        print(f"no *.case.json found in {args.dir}")
        print("0 passed, 0 failed")
        return 1

    keras = oc.import_keras()
    passed = failed = 0
    for path in paths:
        try:
            ok, name, msg = check_case(keras, path, args.tol)
        except Exception as exc:  # defensive: never stop the whole run
            ok, name, msg = False, os.path.basename(path), "internal error: " + _one_line(exc)
            traceback.print_exc(file=sys.stderr)
        if ok:
            passed += 1
            print(f"ok {name} {msg}", flush=True)
        else:
            failed += 1
            print(f"FAIL {name} {msg}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
