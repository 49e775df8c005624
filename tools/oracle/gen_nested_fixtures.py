#!/usr/bin/env python3
"""Nested models (a Sequential or Functional used as a layer) written by real Keras 3.15.1 (JAX, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_nested_fixtures.py [--out DIR]

For each case in CASES (default out: tools/oracle/fixtures/nested):

    <name>.keras      model.save()      (before any fit: the weights the prediction was made with)
    <name>.h5         model.save()      legacy HDF5 (the nested model is one group in model_weights)
    <name>.json       to_json(), the legacy .h5 model_config, weights by path, input, Keras' output,
                      the .h5 layout Keras wrote (layer group -> weight_names) and the .keras
                      model.weights.h5 layout (path -> shape); for training cases the data, and
                      what fit(epochs=2, shuffle=False) gives (losses per epoch, every weight after)

Seeded: weights from RandomState(crc32(name)), data likewise; archive dates fixed. A rerun rewrites
identical files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402

keras = oc.import_keras()
import h5py  # noqa: E402
import numpy as np  # noqa: E402

from gen_keras_fixtures import fixed_date_archive  # noqa: E402
from gen_predict_fixtures import legacy_model_config  # noqa: E402

L = keras.layers
DEFAULT_OUT = os.path.join(HERE, "fixtures", "nested")


def small_base(name="base"):
    """A pretrained-style image base (Functional): Conv -> BN -> ReLU -> Conv(stride 2) -> BN."""
    x = keras.Input((6, 6, 2))
    y = L.Conv2D(4, 3, padding="same")(x)
    y = L.BatchNormalization()(y)
    y = L.ReLU()(y)
    y = L.Conv2D(5, 3, strides=2)(y)
    y = L.BatchNormalization(momentum=0.9)(y)
    return keras.Model(x, y, name=name)


def seq_in_seq():
    inner = keras.Sequential([L.Dense(4, activation="relu"), L.BatchNormalization(), L.Dense(3, activation="tanh")], name="block")
    m = keras.Sequential([keras.Input((5,)), inner, L.Dense(2)], name="outer")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m, (5,), (2,)


def func_base_head():
    base = small_base()
    x = keras.Input((6, 6, 2))
    y = L.Dense(3, activation="softmax")(L.GlobalAveragePooling2D()(base(x)))
    m = keras.Model(x, y, name="transfer")
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="categorical_crossentropy")
    return m, (6, 6, 2), "onehot3"


def frozen_base():
    base = small_base()
    base.trainable = False
    x = keras.Input((6, 6, 2))
    y = L.Dense(3, activation="softmax")(L.GlobalAveragePooling2D()(base(x)))
    m = keras.Model(x, y, name="frozen_transfer")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="categorical_crossentropy")
    return m, (6, 6, 2), "onehot3"


def shared_twice():
    enc = keras.Sequential([keras.Input((4,)), L.Dense(5, activation="tanh"), L.Dense(3)], name="encoder")
    a = keras.Input((4,), name="left")
    b = keras.Input((4,), name="right")
    y = L.Dense(1)(L.Concatenate()([enc(a), enc(b)]))
    m = keras.Model([a, b], y, name="siamese")
    m.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="mse")
    return m, [(4,), (4,)], (1,)


def func_in_seq():
    x = keras.Input((3, 4))
    y = L.LSTM(5)(x)
    y = L.Dense(4, activation="relu")(y)
    inner = keras.Model(x, y, name="func_inner")
    m = keras.Sequential([keras.Input((3, 4)), inner, L.Dense(2)], name="seq_outer")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m, (3, 4), (2,)


def masked_nested():
    """A mask from Embedding(mask_zero) goes into a nested Sequential and comes out to an LSTM."""
    inner = keras.Sequential([L.LSTM(4, return_sequences=True), L.Dense(3)], name="seq_block")
    m = keras.Sequential([keras.Input((6,), dtype="int32"), L.Embedding(9, 4, mask_zero=True), inner, L.LSTM(2)], name="masked")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m, "tokens9", (2,)


def deep_nesting():
    """Sequential inside Functional inside Sequential (predict only)."""
    leaf = keras.Sequential([L.Dense(3, activation="relu")], name="leaf")
    x = keras.Input((4,))
    mid = keras.Model(x, L.Dense(2)(leaf(x)), name="mid")
    m = keras.Sequential([keras.Input((4,)), mid, L.Dense(1)], name="deep")
    return m, (4,), None


CASES = [seq_in_seq, func_base_head, frozen_base, shared_twice, func_in_seq, masked_nested, deep_nesting]


def draw_x(rng, spec, n):
    if spec == "tokens9":
        x = rng.randint(1, 9, (n, 6))
        for i in range(n):
            x[i, 6 - (i % 4):] = 0  # trailing padding, 0..3 tokens
        return x.astype(np.int32)
    if isinstance(spec, list):
        return [oc.draw_input(rng, (n,) + s) for s in spec]
    return oc.draw_input(rng, (n,) + tuple(spec))


def draw_y(rng, spec, n):
    if spec == "onehot3":
        return np.eye(3, dtype=np.float32)[rng.randint(0, 3, n)]
    return oc.draw_input(rng, (n,) + tuple(spec))


def tj(x):
    return [oc.tensor_json(a) for a in x] if isinstance(x, list) else oc.tensor_json(x)


def h5_layout(path):
    out = {}
    with h5py.File(path, "r") as f:
        g = f["model_weights"]
        for name in g.attrs["layer_names"]:
            name = name.decode() if hasattr(name, "decode") else name
            names = g[name].attrs["weight_names"]
            out[name] = [n.decode() if hasattr(n, "decode") else str(n) for n in names]
    return out


def keras_layout(path):
    with zipfile.ZipFile(path) as z:
        data = z.read("model.weights.h5")
    out = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, list(o.shape)) if isinstance(o, h5py.Dataset) else None)
    return out


def gen_case(fn, out):
    name = fn.__name__
    keras.backend.clear_session()
    keras.utils.set_random_seed(oc.seed_for(name) % (2**31))
    model, xspec, yspec = fn()
    rng = np.random.RandomState(oc.seed_for(name))
    weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.weights], 0.5)
    # BatchNormalization variances must stay positive
    weights = [np.abs(w) + 0.5 if "moving_variance" in v.path else w for v, w in zip(model.weights, weights)]
    model.set_weights(weights)
    n = 8
    x = draw_x(rng, xspec, n)
    y_pred = model.predict(x, verbose=0)
    kpath = os.path.join(out, f"{name}.keras")
    hpath = os.path.join(out, f"{name}.h5")
    model.save(kpath)
    fixed_date_archive(kpath)
    model.save(hpath)
    case = {
        "name": name,
        "description": (fn.__doc__ or name).strip(),
        "keras_version": keras.__version__,
        "model_json": json.loads(model.to_json()),
        "model_config_h5": legacy_model_config(model),
        "weights": [{"name": v.path, **oc.tensor_json(w)} for v, w in zip(model.weights, weights)],
        "input": tj(x),
        "output": oc.tensor_json(y_pred),
        "h5_weight_names": h5_layout(hpath),
        "keras_weights_layout": keras_layout(kpath),
    }
    if yspec is not None:
        yt = draw_y(rng, yspec, n)
        hist = model.fit(x, yt, epochs=2, batch_size=4, shuffle=False, verbose=0)
        case["fit"] = {
            "epochs": 2,
            "batch_size": 4,
            "y": oc.tensor_json(yt),
            "losses": [float(v) for v in hist.history["loss"]],
            "weights_after": [{"name": v.path, **oc.tensor_json(np.asarray(v.numpy()))} for v in model.weights],
        }
    oc.dump_case(os.path.join(out, f"{name}.json"), case)
    print(f"  {name}: {sum(int(np.prod(w.shape)) for w in weights)} parameters")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for fn in CASES:
        gen_case(fn, args.out)


if __name__ == "__main__":
    main()
