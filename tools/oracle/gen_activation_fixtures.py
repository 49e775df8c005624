#!/usr/bin/env python3
"""Generate the activation-layer fixtures with real Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_activation_fixtures.py [--out DIR]

* ``predict/<case>.json`` -- a small Sequential per activation layer and option (ReLU with every
  parameter and its special cases, LeakyReLU, PReLU with shared axes, ELU, Softmax over one axis,
  another axis, several axes, and with a mask from Embedding(mask_zero), including a fully masked row):
  Keras 3 ``to_json()``, the legacy ``.h5`` ``model_config``, weights, input and Keras' output. Same
  shape as fixtures/conv/predict.
* ``legacy/<case>.json`` -- the same layers as Keras 1/2 and tf.keras configs name them (LeakyReLU's
  ``alpha``, Keras 1's PReLU ``init``, Keras 2's ThresholdedReLU, which Keras 3 dropped), with the
  output Keras 3 computes for the same function (ThresholdedReLU(θ) = ReLU(threshold=θ)).

Everything is seeded (RandomState(crc32(case name))); a rerun rewrites identical files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402  (sets KERAS_BACKEND before keras)

import numpy as np  # noqa: E402

keras = oc.import_keras()
from keras import layers as L  # noqa: E402

from gen_predict_fixtures import legacy_model_config  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "activations")


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf8") as fh:
        json.dump(obj, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


# (name, description, input shape without batch, layer factories, batch, integer input below this vocabulary)
PREDICT = [
    ("relu_plain", "ReLU()", (9,), [lambda: L.ReLU()], 3, None),
    ("relu_max6", "ReLU(max_value=6) (Keras' relu6 path), input x4", (9,), [lambda: L.Dense(9), lambda: L.ReLU(max_value=6.0)], 3, None),
    ("relu_all_params", "ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)", (4, 5), [lambda: L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)], 3, None),
    ("relu_slope_only", "ReLU(negative_slope=0.25) (a leaky relu)", (7,), [lambda: L.ReLU(negative_slope=0.25)], 3, None),
    ("relu_threshold_only", "ReLU(threshold=0.5) (Keras 2's ThresholdedReLU)", (7,), [lambda: L.ReLU(threshold=0.5)], 3, None),
    ("relu_slope_max", "ReLU(max_value=1.0, negative_slope=0.3)", (7,), [lambda: L.ReLU(max_value=1.0, negative_slope=0.3)], 3, None),
    ("leaky_relu_default", "LeakyReLU() (slope 0.3)", (3, 4), [lambda: L.LeakyReLU()], 3, None),
    ("leaky_relu_slope", "Dense(5) -> LeakyReLU(negative_slope=0.01)", (6,), [lambda: L.Dense(5), lambda: L.LeakyReLU(negative_slope=0.01)], 3, None),
    ("prelu_full", "PReLU() over (4, 3) (one alpha per element)", (4, 3), [lambda: L.PReLU()], 3, None),
    ("prelu_shared_image", "Conv2D(3, 2) -> PReLU(shared_axes=[1, 2]) (one alpha per channel)", (5, 5, 2), [lambda: L.Conv2D(3, 2), lambda: L.PReLU(shared_axes=[1, 2])], 2, None),
    ("prelu_shared_time", "PReLU(shared_axes=1) on (6, 4)", (6, 4), [lambda: L.PReLU(shared_axes=1)], 2, None),
    ("elu_default", "ELU()", (8,), [lambda: L.ELU()], 3, None),
    ("elu_alpha", "Dense(6) -> ELU(alpha=0.4)", (5,), [lambda: L.Dense(6), lambda: L.ELU(alpha=0.4)], 3, None),
    ("softmax_last", "Softmax() over (3, 5)", (3, 5), [lambda: L.Softmax()], 3, None),
    ("softmax_axis1", "Softmax(axis=1) over (4, 3)", (4, 3), [lambda: L.Softmax(axis=1)], 3, None),
    ("softmax_axes_12", "Softmax(axis=[1, 2]) over (3, 4) (exp(x - logsumexp))", (3, 4), [lambda: L.Softmax(axis=[1, 2])], 3, None),
    # Keras broadcasts a mask from the right: the (batch, 5) mask of Embedding(mask_zero) meets a (batch, 5, 5)
    # input only for batch 1 (any other batch is a ValueError in Keras, a ShapeMismatchError in kerasts);
    # then it masks the softmax axis by token.
    ("softmax_mask_from_embedding", "Embedding(7, 5, mask_zero) on 5 tokens -> Softmax(), batch 1: the last two tokens are padding, "
     "so the softmax axis' last two positions are masked (-1e9 in, 0 out)", (5,), [lambda: L.Embedding(7, 5, mask_zero=True), lambda: L.Softmax()], 1, 7),
    ("softmax_mask_all_padding", "Embedding(7, 5, mask_zero) -> Softmax(), batch 1, every token padding: every output 0 (Keras 3)",
     (5,), [lambda: L.Embedding(7, 5, mask_zero=True), lambda: L.Softmax()], 1, 7),
    ("activations_stack", "Dense(6) -> PReLU -> Dense(5) -> ELU(0.7) -> Dense(4) -> ReLU(2, 0.05, 0.1) -> LeakyReLU(0.2) -> Dense(3) -> Softmax",
     (5,), [lambda: L.Dense(6), lambda: L.PReLU(), lambda: L.Dense(5), lambda: L.ELU(alpha=0.7), lambda: L.Dense(4),
            lambda: L.ReLU(max_value=2.0, negative_slope=0.05, threshold=0.1), lambda: L.LeakyReLU(negative_slope=0.2), lambda: L.Dense(3), lambda: L.Softmax()], 4, None),
]


def gen_predict(out):
    for name, desc, shape, factories, batch, vocab in PREDICT:
        keras.backend.clear_session()
        model = keras.Sequential([keras.Input(shape=shape, dtype="int32" if vocab else "float32")] + [f() for f in factories])
        rng = np.random.RandomState(oc.seed_for(name))
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.5)
        model.set_weights(weights)
        if vocab:
            x = rng.randint(0, vocab, (batch,) + tuple(shape))
            x[:, -2:] = 0  # trailing padding
            if name.endswith("all_padding"):
                x[:, :] = 0
            x = x.astype(np.float32)
        else:
            x = oc.draw_input(rng, (batch,) + tuple(shape), 4.0 if name == "relu_max6" else 1.0)
        y = np.asarray(model.predict(x.astype(np.int32) if vocab else x, verbose=0), dtype=np.float32)
        data = {
            "name": name,
            "description": desc,
            "keras_version": keras.__version__,
            "reference": f"keras-{keras.__version__}",
            "model_json": json.loads(model.to_json()),
            "model_config_h5": legacy_model_config(model),
            "output_shape": [None] + list(model.output_shape[1:]),
            "weights": [{"name": w.path, **oc.tensor_json(a)} for w, a in zip(model.weights, weights)],
            "input": oc.tensor_json(x),
            "output": oc.tensor_json(y),
        }
        write(os.path.join(out, "predict", f"{name}.json"), data)
    print(f"  predict: {len(PREDICT)} cases")


def k2_layer(cls, name, **cfg):
    return {"class_name": cls, "config": {"name": name, "trainable": True, **cfg}}


def k2_dense(name, units):
    return k2_layer("Dense", name, units=units, activation="linear", use_bias=True,
                    kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
                    bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None, bias_regularizer=None,
                    activity_regularizer=None, kernel_constraint=None, bias_constraint=None, dtype="float32")


def k1_dense(name, units, input_dim=None):
    cfg = {"name": name, "trainable": True, "output_dim": units, "init": "glorot_uniform", "activation": "linear", "bias": True,
           "W_regularizer": None, "b_regularizer": None, "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
           "input_dim": input_dim}
    if input_dim is not None:
        cfg["batch_input_shape"] = [None, input_dim]
    return {"class_name": "Dense", "config": cfg}


# (name, description, keras_version, model_config, Keras 3 model computing the same function, input width)
def legacy_cases():
    n = 6
    return [
        ("tfkeras_leaky_thresholded",
         "tf.keras 2.x config: Dense -> LeakyReLU(alpha=0.1) -> Dense -> ThresholdedReLU(theta=0.3) -> ReLU(max_value=1, negative_slope=0.2, threshold=0.1) -> Softmax",
         "2.13.1",
         {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
             {"class_name": "InputLayer", "config": {"batch_input_shape": [None, n], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_1"}},
             k2_dense("dense", 5), k2_layer("LeakyReLU", "leaky_re_lu", dtype="float32", alpha=0.1),
             k2_dense("dense_1", 4), k2_layer("ThresholdedReLU", "thresholded_re_lu", dtype="float32", theta=0.3),
             k2_layer("ReLU", "re_lu", dtype="float32", max_value=1.0, negative_slope=0.2, threshold=0.1),
             k2_layer("Softmax", "softmax", dtype="float32", axis=-1)]}},
         lambda: keras.Sequential([keras.Input((n,)), L.Dense(5), L.LeakyReLU(negative_slope=0.1), L.Dense(4), L.ReLU(threshold=0.3),
                                   L.ReLU(max_value=1.0, negative_slope=0.2, threshold=0.1), L.Softmax()]),
         n),
        ("keras1_prelu_elu_leaky",
         "Keras 1.2.2 config: Dense(output_dim) -> PReLU(init='zero') -> Dense -> ELU(alpha=0.5) -> LeakyReLU(alpha=0.2) -> ThresholdedReLU(theta=0.1)",
         "1.2.2",
         {"class_name": "Sequential", "config": [
             k1_dense("dense_1", 5, n), {"class_name": "PReLU", "config": {"name": "prelu_1", "trainable": True, "init": "zero"}},
             k1_dense("dense_2", 4), {"class_name": "ELU", "config": {"name": "elu_1", "trainable": True, "alpha": 0.5}},
             {"class_name": "LeakyReLU", "config": {"name": "leakyrelu_1", "trainable": True, "alpha": 0.2}},
             {"class_name": "ThresholdedReLU", "config": {"name": "thresholdedrelu_1", "trainable": True, "theta": 0.1}}]},
         lambda: keras.Sequential([keras.Input((n,)), L.Dense(5), L.PReLU(), L.Dense(4), L.ELU(alpha=0.5), L.LeakyReLU(negative_slope=0.2), L.ReLU(threshold=0.1)]),
         n),
    ]


def gen_legacy(out):
    cases = legacy_cases()
    for name, desc, version, config, build, width in cases:
        keras.backend.clear_session()
        model = build()
        rng = np.random.RandomState(oc.seed_for(name))
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.5)
        model.set_weights(weights)
        x = oc.draw_input(rng, (4, width))
        y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
        write(os.path.join(out, "legacy", f"{name}.json"), {
            "name": name,
            "description": desc,
            "keras_version": version,
            "reference": f"keras-{keras.__version__} computing the same function",
            "model_config": config,
            "weights": [oc.tensor_json(a) for a in weights],
            "input": oc.tensor_json(x),
            "output": oc.tensor_json(y),
        })
    print(f"  legacy: {len(cases)} cases")


def gen_h5_operations(out):
    """A functional model with keras.ops nodes (hard-swish, a residual x + y, 1/t, -x) as Keras 3 writes its
    legacy .h5 model_config: operation entries lose their `module` there, and Keras 3's own legacy loader
    cannot rebuild them (it passes the constant positionally); the output is what the model computed."""
    name = "h5_numpy_operations"
    keras.backend.clear_session()
    a = keras.Input((5,), name="a")
    x = L.Dense(5)(a)
    hs = x * L.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)
    y = L.Dense(5)(hs)
    z = -(1.0 / (y * y + 1.5)) + x - 0.25
    model = keras.Model(a, L.Dense(2)(z))
    rng = np.random.RandomState(oc.seed_for(name))
    weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.5)
    model.set_weights(weights)
    x_in = oc.draw_input(rng, (3, 5))
    y_out = np.asarray(model.predict(x_in, verbose=0), dtype=np.float32)
    write(os.path.join(out, "h5", f"{name}.json"), {
        "name": name,
        "description": gen_h5_operations.__doc__.strip(),
        "keras_version": keras.__version__,
        "model_config_h5": legacy_model_config(model),
        "model_json": json.loads(model.to_json()),
        "weights": [{"name": w.path, **oc.tensor_json(v)} for w, v in zip(model.weights, weights)],
        "input": oc.tensor_json(x_in),
        "output": oc.tensor_json(y_out),
    })
    print("  h5: 1 case")


def gen_train_operations(out):
    """fit(shuffle=False) through keras.ops nodes and the activation layers: SGD with momentum, mse, 2
    epochs of 12 samples in batches of 4; initial and final weights and the losses."""
    name = "train_numpy_operations_sgd"
    keras.backend.clear_session()
    a = keras.Input((5,), name="a")
    x = L.Dense(5)(a)
    hs = x * L.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)
    y = L.PReLU()(L.Dense(5)(hs))
    z = -(1.0 / (y * y + 1.5)) + x - 0.25
    model = keras.Model(a, L.Dense(2)(L.LeakyReLU(0.2)(z)))
    rng = np.random.RandomState(oc.seed_for(name))
    weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.5)
    model.set_weights(weights)
    xs = oc.draw_input(rng, (12, 5))
    ys = oc.draw_input(rng, (12, 2))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.5), loss="mse")
    hist = model.fit(xs, ys, batch_size=4, epochs=2, shuffle=False, verbose=0)
    write(os.path.join(out, "train", f"{name}.json"), {
        "name": name,
        "description": gen_train_operations.__doc__.strip(),
        "keras_version": keras.__version__,
        "model_json": json.loads(model.to_json()),
        "initial_weights": [oc.tensor_json(v) for v in weights],
        "x": oc.tensor_json(xs),
        "y": oc.tensor_json(ys),
        "loss": [float(v) for v in hist.history["loss"]],
        "final_weights": [oc.tensor_json(np.asarray(w.numpy())) for w in model.weights],
    })
    print("  train: 1 case")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    out = ap.parse_args().out
    gen_predict(out)
    gen_legacy(out)
    gen_h5_operations(out)
    gen_train_operations(out)


if __name__ == "__main__":
    main()
