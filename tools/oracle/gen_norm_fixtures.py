#!/usr/bin/env python3
"""Generate the kerasts fixtures of the normalization, preprocessing and reshaping layers with real
Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_norm_fixtures.py [--out DIR] [--only NAME...]

Two kinds of case, both under tools/oracle/fixtures/norm (default):

* predict cases (`predict/<name>.json`, same shape as fixtures/predict): a Sequential model's
  `to_json()`, the legacy `.h5` `model_config`, its weights (drawn, with positive variances), an input
  batch and Keras' `predict` output;
* fit cases (`fit/<name>.json`, same shape as fixtures/train): a model spec, initial weights, data,
  compile/fit setup, and what `fit(shuffle=False)` ends with: history, every weight (the moving
  statistics of BatchNormalization included) and the optimizer variables.

Everything is drawn from numpy RandomState(crc32(case name)), so a rerun rewrites identical files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402  (sets KERAS_BACKEND before keras)

import h5py  # noqa: E402
import numpy as np  # noqa: E402

keras = oc.import_keras()
from keras import layers  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "norm")

# Weights whose value must be positive (variances): drawn as 0.5 + |N(0,1)|·scale.
POSITIVE = ("moving_variance", "variance")


# ----------------------------------------------------------------------------
# predict cases
# ----------------------------------------------------------------------------


class P:
    """A predict case: `build()` returns a built Keras Sequential."""

    def __init__(self, name, description, build, input_shape, *, input_scale=1.0, weight_scale=0.5,
                 input_offset=0.0, weights=None):
        self.name = name
        self.description = description
        self.build = build
        self.input_shape = tuple(input_shape)
        self.input_scale = input_scale
        self.input_offset = input_offset
        self.weight_scale = weight_scale
        self.weights = weights  # optional (rng, model) -> list of arrays


def S(*ls, name=None):
    return lambda: keras.Sequential(list(ls), name=name)


Inp, D = keras.Input, layers.Dense


def predict_cases():
    c = []
    add = c.append
    # --- reshaping -------------------------------------------------------------
    add(P("flatten_dense", "Input(4,3,2) -> Flatten -> Dense(3, tanh)",
          lambda: S(Inp((4, 3, 2)), layers.Flatten(), D(3, activation="tanh"))(), (5, 4, 3, 2)))
    add(P("flatten_channels_first", "Input(3,4,2) -> Flatten(data_format=channels_first) -> Dense(2): "
          "channels moved last before flattening",
          lambda: S(Inp((3, 4, 2)), layers.Flatten(data_format="channels_first"), D(2))(), (5, 3, 4, 2)))
    add(P("flatten_channels_first_3d", "Input(3,5) -> Flatten(channels_first) (rank 3: (batch, c, steps) -> steps, c)",
          lambda: S(Inp((3, 5)), layers.Flatten(data_format="channels_first"))(), (4, 3, 5)))
    add(P("reshape_minus1", "Input(12) -> Dense(12) -> Reshape((-1, 3)) -> Dense(2) on the 3-D result",
          lambda: S(Inp((12,)), D(12), layers.Reshape((-1, 3)), D(2))(), (5, 12)))
    add(P("reshape_4d_flatten", "Input(6,4) -> Reshape((2, 3, 4)) -> Flatten -> Dense(1)",
          lambda: S(Inp((6, 4)), layers.Reshape((2, 3, 4)), layers.Flatten(), D(1))(), (3, 6, 4)))
    return c


def legacy_model_config(model):
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        legacy_h5_format.save_model_to_hdf5(model, f, include_optimizer=False)
        raw = f.attrs["model_config"]
    if isinstance(raw, bytes):
        raw = raw.decode("utf8")
    return json.loads(raw)


def draw_for(rng, model, scale):
    out = []
    for w in model.weights:
        shape = tuple(w.shape)
        base = w.path.split("/")[-1]
        if base in POSITIVE:
            out.append((0.5 + np.abs(rng.standard_normal(shape)) * scale).astype(np.float32))
        elif base == "count":
            out.append(np.asarray(rng.randint(1, 100), dtype=np.float32).reshape(shape))
        else:
            out.append((rng.standard_normal(shape) * scale).astype(np.float32))
    return out


def gen_predict(case: P):
    keras.backend.clear_session()
    model = case.build()
    rng = np.random.RandomState(oc.seed_for(case.name))
    weights = case.weights(rng, model) if case.weights else draw_for(rng, model, case.weight_scale)
    if weights:
        model.set_weights(weights)
    x = (oc.draw_input(rng, case.input_shape, case.input_scale) + np.float32(case.input_offset)).astype(np.float32)
    y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
    return {
        "name": case.name,
        "description": case.description,
        "keras_version": keras.__version__,
        "reference": f"keras-{keras.__version__}",
        "model_json": json.loads(model.to_json()),
        "model_config_h5": legacy_model_config(model),
        "weights": [{"name": w.path, **oc.tensor_json(np.asarray(a, dtype=np.float32))} for w, a in zip(model.weights, model.get_weights())],
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    }


# ----------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    pdir = os.path.join(out, "predict")
    os.makedirs(pdir, exist_ok=True)
    cases = predict_cases()
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise AssertionError("duplicate predict case names")
    for case in cases:
        if args.only and case.name not in args.only:
            continue
        data = gen_predict(case)
        for t in [data["input"], data["output"]] + data["weights"]:
            oc.check_roundtrip(t)
        oc.dump_case(os.path.join(pdir, case.name + ".json"), data)
        print(f"  predict {case.name}: output {tuple(data['output']['shape'])}")
    if not args.only:
        keep = set(n + ".json" for n in names) | {"index.json"}
        for fn in os.listdir(pdir):
            if fn.endswith(".json") and fn not in keep:
                os.remove(os.path.join(pdir, fn))
        with open(os.path.join(pdir, "index.json"), "w", encoding="utf8") as fh:
            json.dump({"keras_version": keras.__version__, "generator": "tools/oracle/gen_norm_fixtures.py", "cases": names}, fh, indent=2)
            fh.write("\n")


if __name__ == "__main__":
    main()
