#!/usr/bin/env python3
"""Generate the kerasts training fixtures with real Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_train_fixtures.py [--out DIR] [--only NAME...]

For every case: a small Sequential model (Dense-only or LSTM + Dense), initial weights, data, and a
compile/fit setup. Keras trains it with `fit(shuffle=False)`; the fixture records the per-epoch
history, the final weights and the optimizer variables (names, values, Keras 3 order). Resume cases
also record the state after `resume_after` epochs, so that a test can load Keras' weights and
optimizer variables and train the remaining epochs.

The model description (`model`) is a small neutral spec that both this script and the TypeScript
tests turn into layers. Data and weights are drawn from numpy RandomState(crc32(case name)), so a
rerun rewrites identical files. Default out: tools/oracle/fixtures/train.
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
from keras import layers  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "train")


# ----------------------------------------------------------------------------
# Model spec -> Keras
# ----------------------------------------------------------------------------


def build_model(spec):
    """A Keras Sequential from the neutral spec used by the fixtures."""
    batch_size = spec.get("batch_size")
    model = keras.Sequential()
    model.add(keras.Input(shape=tuple(spec["input_shape"]), batch_size=batch_size))
    for ls in spec["layers"]:
        t = ls["type"]
        kw = {}
        for key in ("kernel_regularizer", "bias_regularizer", "recurrent_regularizer", "activity_regularizer",
                    "kernel_constraint", "bias_constraint", "recurrent_constraint"):
            if ls.get(key) is not None:
                mod = keras.regularizers if key.endswith("regularizer") else keras.constraints
                kw[key] = mod.deserialize(ls[key])
        if t == "Dense":
            layer = layers.Dense(ls["units"], activation=ls.get("activation", "linear"),
                                 use_bias=ls.get("use_bias", True), **kw)
        elif t == "LSTM":
            layer = layers.LSTM(ls["units"], activation=ls.get("activation", "tanh"),
                                recurrent_activation=ls.get("recurrent_activation", "sigmoid"),
                                use_bias=ls.get("use_bias", True),
                                return_sequences=ls.get("return_sequences", False),
                                go_backwards=ls.get("go_backwards", False),
                                stateful=ls.get("stateful", False), **kw)
        elif t == "Activation":
            layer = layers.Activation(ls["activation"])
        else:
            raise ValueError(t)
        if ls.get("trainable") is False:
            layer.trainable = False
        model.add(layer)
    return model


def serialize_loss(loss):
    if isinstance(loss, str):
        return loss
    cfg = dict(loss.get_config())
    # Keras 3.15.1's Huber.get_config() drops `delta` (and LogCosh etc. have nothing to drop); put
    # the function arguments back so that the fixture says what Keras trained with.
    cfg.update({k: v for k, v in getattr(loss, "_fn_kwargs", {}).items() if k not in cfg})
    return {"class_name": loss.__class__.__name__, "config": cfg}


def serialize_optimizer(opt):
    cfg = opt.get_config()
    lr = cfg.get("learning_rate")
    if isinstance(lr, dict):
        pass  # a serialized schedule
    return {"class_name": opt.__class__.__name__, "config": cfg}


def opt_vars(opt):
    return [{"name": v.path, "dtype": str(v.dtype), **oc.tensor_json(np.asarray(v.numpy(), dtype=np.float32))}
            for v in opt.variables]


def history_json(h):
    return {k: [float(np.float32(v)) for v in vals] for k, vals in h.history.items()}


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------


class Case:
    def __init__(self, name, description, model, optimizer, loss, x, y, *, metrics=None, epochs=4,
                 batch_size=8, validation_split=None, sample_weight=None, class_weight=None,
                 weight_scale=0.4, resume_after=None):
        self.name = name
        self.description = description
        self.model = model
        self.optimizer = optimizer  # a factory: () -> keras optimizer
        self.loss = loss  # a factory or a string
        self.x = x  # (rng) -> array
        self.y = y  # (rng, x) -> array
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.sample_weight = sample_weight
        self.class_weight = class_weight
        self.weight_scale = weight_scale
        self.resume_after = resume_after


def seq_x(n=30, t=5, f=3):
    return lambda rng: rng.standard_normal((n, t, f)).astype(np.float32)


def flat_x(n=30, f=4):
    return lambda rng: rng.standard_normal((n, f)).astype(np.float32)


def reg_y(units=1):
    return lambda rng, x: rng.standard_normal((x.shape[0], units)).astype(np.float32) * 0.8


def binary_y(units=1):
    return lambda rng, x: (rng.uniform(size=(x.shape[0], units)) > 0.5).astype(np.float32)


def onehot_y(classes=3):
    def f(rng, x):
        idx = rng.randint(0, classes, size=x.shape[0])
        return np.eye(classes, dtype=np.float32)[idx]
    return f


def sparse_y(classes=3):
    return lambda rng, x: rng.randint(0, classes, size=(x.shape[0],)).astype(np.float32)


def prob_y(classes=3):
    def f(rng, x):
        p = rng.uniform(0.05, 1.0, size=(x.shape[0], classes))
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
    return f


def positive_y(units=1):
    return lambda rng, x: rng.uniform(0.2, 3.0, size=(x.shape[0], units)).astype(np.float32)


def pm_y(units=2):
    return lambda rng, x: (rng.uniform(0.5, 2.0, size=(x.shape[0], units)) * np.where(rng.uniform(size=(x.shape[0], units)) > 0.5, 1, -1)).astype(np.float32)


LSTM_DENSE = {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4}, {"type": "Dense", "units": 1}]}
MLP = {"input_shape": [4], "layers": [{"type": "Dense", "units": 6, "activation": "tanh"}, {"type": "Dense", "units": 1}]}


def mlp(out_units, out_act="linear", hidden_act="tanh", hidden=6):
    return {"input_shape": [4], "layers": [{"type": "Dense", "units": hidden, "activation": hidden_act},
                                            {"type": "Dense", "units": out_units, "activation": out_act}]}


O = keras.optimizers
L = keras.losses

CASES = [
    # ---------------- optimizers ----------------
    Case("sgd_plain_mlp_mse", "SGD defaults-ish, MLP, mse", MLP, lambda: O.SGD(learning_rate=0.05), "mse",
         flat_x(), reg_y(), metrics=["mae"]),
    Case("sgd_momentum_lstm_mse", "SGD momentum, LSTM+Dense", LSTM_DENSE, lambda: O.SGD(learning_rate=0.05, momentum=0.9), "mean_squared_error",
         seq_x(), reg_y()),
    Case("sgd_nesterov_clipnorm_mlp", "SGD nesterov + clipnorm", MLP, lambda: O.SGD(learning_rate=0.1, momentum=0.8, nesterov=True, clipnorm=0.5), "mse",
         flat_x(), reg_y()),
    Case("adam_lstm_mse", "Adam defaults, LSTM+Dense, mse", LSTM_DENSE, lambda: O.Adam(learning_rate=0.01), "mse",
         seq_x(), reg_y(), metrics=["mae", "mse"], resume_after=2),
    Case("adam_amsgrad_mlp_mae", "Adam amsgrad, MLP, mae", MLP, lambda: O.Adam(learning_rate=0.02, amsgrad=True), "mae",
         flat_x(), reg_y()),
    Case("adam_clipvalue_lstm", "Adam clipvalue", LSTM_DENSE, lambda: O.Adam(learning_rate=0.01, clipvalue=0.05), "mse",
         seq_x(), reg_y()),
    Case("adam_global_clipnorm_mlp", "Adam global_clipnorm", MLP, lambda: O.Adam(learning_rate=0.02, global_clipnorm=0.3), "mse",
         flat_x(), reg_y()),
    Case("adam_weight_decay_mlp", "Adam weight_decay", MLP, lambda: O.Adam(learning_rate=0.02, weight_decay=0.1), "mse",
         flat_x(), reg_y()),
    Case("adam_expdecay_mlp", "Adam with an ExponentialDecay schedule", MLP,
         lambda: O.Adam(learning_rate=O.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)), "mse",
         flat_x(), reg_y()),
    Case("rmsprop_lstm_mse", "RMSprop defaults", LSTM_DENSE, lambda: O.RMSprop(learning_rate=0.005), "mse",
         seq_x(), reg_y(), resume_after=2),
    Case("rmsprop_momentum_centered_mlp", "RMSprop momentum + centered", MLP, lambda: O.RMSprop(learning_rate=0.005, momentum=0.5, centered=True), "mse",
         flat_x(), reg_y()),
    Case("adagrad_mlp", "Adagrad", MLP, lambda: O.Adagrad(learning_rate=0.1), "mse", flat_x(), reg_y()),
    Case("adadelta_lstm", "Adadelta (lr=1 as Keras 2's default)", LSTM_DENSE, lambda: O.Adadelta(learning_rate=1.0), "mse",
         seq_x(), reg_y()),
    Case("adamax_mlp", "Adamax", MLP, lambda: O.Adamax(learning_rate=0.02), "mse", flat_x(), reg_y()),
    Case("nadam_lstm", "Nadam", LSTM_DENSE, lambda: O.Nadam(learning_rate=0.01), "mse", seq_x(), reg_y(), resume_after=2),
    Case("nadam_mlp_clipnorm", "Nadam clipnorm", MLP, lambda: O.Nadam(learning_rate=0.02, clipnorm=0.2), "mse", flat_x(), reg_y()),
    # ---------------- losses ----------------
    Case("bce_sigmoid_acc", "binary_crossentropy on sigmoid, accuracy", mlp(1, "sigmoid"), lambda: O.Adam(learning_rate=0.03), "binary_crossentropy",
         flat_x(), binary_y(), metrics=["accuracy"]),
    Case("bce_logits_lstm", "BinaryCrossentropy(from_logits=True), LSTM", LSTM_DENSE, lambda: O.Adam(learning_rate=0.02),
         lambda: L.BinaryCrossentropy(from_logits=True), seq_x(), binary_y(), metrics=["acc"]),
    Case("bce_label_smoothing_multi", "BinaryCrossentropy label_smoothing, 2 outputs", mlp(2, "sigmoid"), lambda: O.SGD(learning_rate=0.2),
         lambda: L.BinaryCrossentropy(label_smoothing=0.1), flat_x(), binary_y(2), metrics=["binary_accuracy"]),
    Case("cce_softmax_acc", "categorical_crossentropy on softmax, accuracy", mlp(3, "softmax", "relu"), lambda: O.Adam(learning_rate=0.03),
         "categorical_crossentropy", flat_x(), onehot_y(3), metrics=["accuracy"]),
    Case("cce_logits_smoothing", "CategoricalCrossentropy(from_logits, label_smoothing)", mlp(3, "linear", "elu"), lambda: O.RMSprop(learning_rate=0.01),
         lambda: L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), flat_x(), onehot_y(3), metrics=["categorical_accuracy"]),
    Case("scce_softmax_lstm", "sparse_categorical_crossentropy, LSTM, accuracy", {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4}, {"type": "Dense", "units": 3, "activation": "softmax"}]},
         lambda: O.Adam(learning_rate=0.02), "sparse_categorical_crossentropy", seq_x(), sparse_y(3), metrics=["accuracy"]),
    Case("scce_logits_mlp", "SparseCategoricalCrossentropy(from_logits=True)", mlp(4, "linear", "selu"), lambda: O.SGD(learning_rate=0.1, momentum=0.5),
         lambda: L.SparseCategoricalCrossentropy(from_logits=True), flat_x(), sparse_y(4), metrics=["sparse_categorical_accuracy"]),
    Case("hinge_mlp", "hinge with {0,1} labels", mlp(2, "tanh"), lambda: O.SGD(learning_rate=0.1), "hinge", flat_x(), binary_y(2)),
    Case("squared_hinge_mlp", "squared_hinge with {-1,1} labels", mlp(2, "linear"), lambda: O.Adam(learning_rate=0.02), "squared_hinge",
         flat_x(), lambda rng, x: (2 * (rng.uniform(size=(x.shape[0], 2)) > 0.5) - 1).astype(np.float32)),
    Case("categorical_hinge_mlp", "categorical_hinge", mlp(3, "linear", "relu"), lambda: O.Adam(learning_rate=0.02), "categorical_hinge",
         flat_x(), onehot_y(3)),
    Case("huber_lstm", "Huber(delta=0.5)", LSTM_DENSE, lambda: O.Adam(learning_rate=0.02), lambda: L.Huber(delta=0.5), seq_x(),
         lambda rng, x: rng.standard_normal((x.shape[0], 1)).astype(np.float32) * 2),
    Case("log_cosh_mlp", "log_cosh", MLP, lambda: O.Adam(learning_rate=0.02), "log_cosh", flat_x(), reg_y()),
    Case("kld_softmax", "kl_divergence (kld) on softmax", mlp(3, "softmax"), lambda: O.Adam(learning_rate=0.02), "kld", flat_x(), prob_y(3)),
    Case("poisson_softplus", "poisson on a softplus output", mlp(2, "softplus"), lambda: O.Adam(learning_rate=0.02), "poisson", flat_x(), positive_y(2)),
    Case("cosine_similarity_mlp", "cosine_similarity", mlp(3, "linear"), lambda: O.Adam(learning_rate=0.02), "cosine_similarity", flat_x(), reg_y(3)),
    Case("mape_mlp", "mape", mlp(2, "linear"), lambda: O.Adam(learning_rate=0.02), "mape", flat_x(), pm_y(2)),
    Case("msle_softplus", "msle", mlp(2, "softplus", "gelu"), lambda: O.Adam(learning_rate=0.02), "msle", flat_x(), positive_y(2), metrics=["mse"]),
    # ---------------- LSTM options ----------------
    Case("lstm_seq_dense3d_mse", "LSTM return_sequences + Dense on 3-D output", {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4, "return_sequences": True}, {"type": "Dense", "units": 2}]},
         lambda: O.Adam(learning_rate=0.01), "mse", seq_x(), lambda rng, x: rng.standard_normal((x.shape[0], 5, 2)).astype(np.float32) * 0.5),
    Case("lstm_backwards_nobias_hardsig", "LSTM go_backwards, use_bias=False, hard_sigmoid, relu activation",
         {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4, "go_backwards": True, "use_bias": False, "recurrent_activation": "hard_sigmoid", "activation": "relu"}, {"type": "Dense", "units": 1}]},
         lambda: O.Adam(learning_rate=0.01), "mse", seq_x(), reg_y()),
    Case("lstm_stacked_seq_backwards", "stacked LSTMs (return_sequences, go_backwards)",
         {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4, "return_sequences": True, "go_backwards": True}, {"type": "LSTM", "units": 3}, {"type": "Dense", "units": 1}]},
         lambda: O.RMSprop(learning_rate=0.005), "mse", seq_x(), reg_y()),
    Case("lstm_stateful", "stateful LSTM (batch_size fixed), state carried across batches and epochs",
         {"input_shape": [5, 3], "batch_size": 6, "layers": [{"type": "LSTM", "units": 4, "stateful": True}, {"type": "Dense", "units": 1}]},
         lambda: O.Adam(learning_rate=0.01), "mse", seq_x(n=24), reg_y(), batch_size=6, epochs=3),
    # ---------------- fit features ----------------
    Case("sample_weight_mlp", "sample_weight", MLP, lambda: O.SGD(learning_rate=0.05), "mse", flat_x(), reg_y(),
         sample_weight=lambda rng, n: rng.uniform(0.0, 2.0, size=(n,)).astype(np.float32), metrics=["mae"]),
    Case("class_weight_bce", "class_weight", mlp(1, "sigmoid"), lambda: O.Adam(learning_rate=0.03), "binary_crossentropy", flat_x(), binary_y(),
         class_weight={0: 0.3, 1: 2.0}, metrics=["accuracy"]),
    Case("validation_split_lstm", "validation_split=0.25", LSTM_DENSE, lambda: O.Adam(learning_rate=0.01), "mse", seq_x(n=32), reg_y(),
         validation_split=0.25, metrics=["mae"]),
    Case("frozen_first_layer", "first Dense frozen (trainable=False)",
         {"input_shape": [4], "layers": [{"type": "Dense", "units": 6, "activation": "relu", "trainable": False}, {"type": "Dense", "units": 1}]},
         lambda: O.Adam(learning_rate=0.02), "mse", flat_x(), reg_y()),
    Case("frozen_lstm_head_trains", "LSTM frozen, Dense head trained",
         {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4, "trainable": False}, {"type": "Dense", "units": 1}]},
         lambda: O.SGD(learning_rate=0.05, momentum=0.9), "mse", seq_x(), reg_y()),
    Case("regularizers_constraints", "kernel L2, bias L1, activity L1L2, MaxNorm and NonNeg constraints",
         {"input_shape": [4], "layers": [
             {"type": "Dense", "units": 6, "activation": "tanh", "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}},
              "bias_regularizer": {"class_name": "L1", "config": {"l1": 0.01}}, "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 1.0, "axis": 0}}},
             {"type": "Dense", "units": 1, "activity_regularizer": {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.01}},
              "bias_constraint": {"class_name": "NonNeg", "config": {}}}]},
         lambda: O.Adam(learning_rate=0.02), "mse", flat_x(), reg_y(), metrics=["mse"]),
    Case("activation_layer_softmax", "Dense + Activation(softmax) layer, cce", {"input_shape": [4], "layers": [{"type": "Dense", "units": 5, "activation": "leaky_relu"}, {"type": "Dense", "units": 3}, {"type": "Activation", "activation": "softmax"}]},
         lambda: O.Adam(learning_rate=0.02), "categorical_crossentropy", flat_x(), onehot_y(3), metrics=["accuracy"]),
]


# ----------------------------------------------------------------------------


def run_case(case: Case) -> dict:
    keras.backend.clear_session()
    rng = np.random.RandomState(oc.seed_for(case.name))
    model = build_model(case.model)
    shapes = [tuple(w.shape) for w in model.get_weights()]
    init = oc.draw_weights(rng, shapes, scale=case.weight_scale)
    model.set_weights(init)
    x = case.x(rng)
    y = case.y(rng, x)
    sw = case.sample_weight(rng, x.shape[0]) if case.sample_weight else None
    opt = case.optimizer()
    loss = case.loss if isinstance(case.loss, str) else case.loss()
    model.compile(optimizer=opt, loss=loss, metrics=case.metrics)
    fit_kw = dict(batch_size=case.batch_size, shuffle=False, verbose=0)
    if case.validation_split:
        fit_kw["validation_split"] = case.validation_split
    if sw is not None:
        fit_kw["sample_weight"] = sw
    if case.class_weight:
        fit_kw["class_weight"] = case.class_weight
    out = {
        "description": case.description,
        "keras_version": keras.__version__,
        "model": case.model,
        "initial_weights": [oc.tensor_json(w) for w in init],
        "x": oc.tensor_json(x),
        "y": oc.tensor_json(y),
        "sample_weight": None if sw is None else oc.tensor_json(sw),
        "class_weight": None if not case.class_weight else {str(k): v for k, v in case.class_weight.items()},
        "compile": {"optimizer": serialize_optimizer(opt), "loss": serialize_loss(loss), "metrics": case.metrics},
        "fit": {"epochs": case.epochs, "batch_size": case.batch_size, "shuffle": False, "validation_split": case.validation_split},
    }
    if case.resume_after:
        h1 = model.fit(x, y, epochs=case.resume_after, **fit_kw)
        out["resume"] = {
            "after_epochs": case.resume_after,
            "history": history_json(h1),
            "weights": [oc.tensor_json(w) for w in model.get_weights()],
            "optimizer_variables": opt_vars(opt),
        }
        h2 = model.fit(x, y, epochs=case.epochs, initial_epoch=case.resume_after, **fit_kw)
        hist = {k: out["resume"]["history"][k] + v for k, v in history_json(h2).items()}
    else:
        hist = history_json(model.fit(x, y, epochs=case.epochs, **fit_kw))
    out["history"] = hist
    out["weights"] = [oc.tensor_json(w) for w in model.get_weights()]
    out["optimizer_variables"] = opt_vars(opt)
    out["training_config"] = json.loads(json.dumps(_training_config(model)))
    return out


def _training_config(model):
    from keras.src.legacy.saving import saving_utils
    # model_metadata pops "optimizer" from the compile config (KERAS-FORMAT §8); harmless here.
    return saving_utils.model_metadata(model)["training_config"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    index = []
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        data = run_case(case)
        path = os.path.join(args.out, f"{case.name}.json")
        with open(path, "w", encoding="utf8") as fh:
            json.dump(data, fh, separators=(",", ":"), allow_nan=False)
            fh.write("\n")
        index.append({"name": case.name, "description": case.description})
        print(f"  {case.name}: loss {data['history']['loss'][0]:.5f} -> {data['history']['loss'][-1]:.5f}")
    if not args.only:
        with open(os.path.join(args.out, "index.json"), "w", encoding="utf8") as fh:
            json.dump(index, fh, indent=1)
            fh.write("\n")


if __name__ == "__main__":
    main()
