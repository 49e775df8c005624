#!/usr/bin/env python3
"""Keras 3.15.1's `model.summary()` text, for kerasts' summary tables.

    .venv-oracle/bin/python tools/oracle/gen_summary_fixtures.py [--out DIR]

Default out: tools/oracle/fixtures/summary/summaries.json, a list of cases:

    {"name", "model_json" (to_json(); null for file cases), "file" (a fixtures/h5 file, for the CLI),
     "compile": {"optimizer", "loss"} | null, "fit": bool (one step, so the optimizer is built),
     "line_length": int | null, "columns": int (the terminal width Keras saw), "text": the summary}

`line_length: null` is Keras' default: 88 (a chain) or 108 (a graph), at most the terminal width
minus 4 — which is 76 when the output is piped (shutil's fallback of 80 columns); that is what
`kerasts summary` prints into a pipe. Deterministic: models are built, not trained on random data.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "fixtures", "summary")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def capture(model, line_length, columns):
    """The summary as Keras prints it into a pipe of a terminal `columns` wide."""
    os.environ["COLUMNS"] = str(columns)
    buf = io.StringIO()
    old = sys.stdout
    sys.stdout = buf
    try:
        model.summary(line_length=line_length)
    finally:
        sys.stdout = old
    return buf.getvalue()


def seq_lstm():
    return keras.Sequential([keras.Input((1, 8)), layers.LSTM(4), layers.Dense(1)], name="seq")


def func_multi():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    c = layers.Concatenate(name="cat")([a, b])
    d = layers.Dense(4, name="d")(c)
    e = layers.Dense(2, name="e")(d)
    f = layers.Add(name="add")([d, layers.Dense(4, name="g")(c)])
    return keras.Model([a, b], [e, f], name="func")


def func_wide():
    x = keras.Input((3,), name="the_input_with_a_rather_long_name")
    ds = [layers.Dense(2, name=f"dense_number_{i}")(x) for i in range(4)]
    c = layers.Concatenate(name="concatenate_everything_together_now_please")(ds)
    s = keras.Input((2, 3), name="seq")
    o, h, _ = layers.LSTM(5, return_state=True, name="lstm")(s)
    return keras.Model([x, s], [c, o, h], name="wide")


def func_chain():
    x = keras.Input((4,), name="x")
    y = layers.Dense(3, activation="relu", name="hidden")(x)
    return keras.Model(x, layers.Dense(1, name="out")(y), name="chain")


def func_shared_simple():
    x1 = keras.Input((3,), name="x1")
    x2 = keras.Input((3,), name="x2")
    s = layers.Dense(4, name="shared")
    return keras.Model([x1, x2], layers.Add(name="sum")([s(x1), s(x2)]), name="shared_model")


def big_params():
    return keras.Sequential([keras.Input((300,)), layers.Dense(4000, name="wide_dense"), layers.Dropout(0.5), layers.Dense(1)], name="big")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    cases = []

    def add(name, model, line_length, columns=200, compile=None, fit=False):
        if compile:
            model.compile(**compile)
            if fit:
                xs = [np.zeros((2, *i.shape[1:]), "float32") for i in model.inputs]
                ys = [np.zeros((2, *o.shape[1:]), "float32") for o in model.outputs]
                model.fit(xs if len(xs) > 1 else xs[0], ys if len(ys) > 1 else ys[0], epochs=1, verbose=0)
        cases.append({
            "name": name,
            "model_json": json.loads(model.to_json()),
            "file": None,
            "compile": compile,
            "fit": fit,
            "line_length": line_length,
            "columns": columns,
            "text": capture(model, line_length, columns),
        })

    add("seq_lstm_piped", seq_lstm(), None, columns=80)
    add("seq_lstm_88", seq_lstm(), None)
    add("seq_lstm_60", seq_lstm(), 60)
    add("seq_compiled", seq_lstm(), None, compile={"optimizer": "adam", "loss": "mse"})
    add("seq_adam_built", seq_lstm(), None, compile={"optimizer": "adam", "loss": "mse"}, fit=True)
    add("seq_sgd_momentum_built", seq_lstm(), 70, compile={"optimizer": keras.optimizers.SGD(momentum=0.9), "loss": "mse"}, fit=True)
    add("func_multi_108", func_multi(), None)
    add("func_multi_piped", func_multi(), None, columns=80)
    add("func_wide_piped", func_wide(), None, columns=80)
    add("func_wide_120", func_wide(), 120)
    add("func_chain", func_chain(), None)
    add("func_shared", func_shared_simple(), None)
    add("big_params", big_params(), None)
    # The JSON of a compiled optimizer object is not JSON-serialisable: record it by name.
    for c in cases:
        if c["compile"] and not isinstance(c["compile"]["optimizer"], str):
            opt = c["compile"]["optimizer"]
            c["compile"] = {"optimizer": {"class_name": opt.__class__.__name__, "config": {k: v for k, v in opt.get_config().items() if k in ("momentum", "learning_rate")}}, "loss": c["compile"]["loss"]}

    # Files Keras wrote (fixtures/h5): what `load_model(f).summary()` prints into a pipe.
    h5 = os.path.join(HERE, "fixtures", "h5")
    for f in sorted(os.listdir(h5)):
        if not f.endswith(".h5") or f.endswith(".weights.h5") or f.endswith(".legacy_weights.h5"):
            continue
        m = keras.models.load_model(os.path.join(h5, f))
        cases.append({"name": f"file:{f}", "model_json": None, "file": f, "compile": None, "fit": False, "line_length": None, "columns": 80, "text": capture(m, None, 80)})

    with open(os.path.join(out, "summaries.json"), "w") as fh:
        json.dump({"keras_version": keras.__version__, "generator": "tools/oracle/gen_summary_fixtures.py", "cases": cases}, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(f"wrote {len(cases)} summaries to {out}")


if __name__ == "__main__":
    main()
