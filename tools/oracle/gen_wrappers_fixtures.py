#!/usr/bin/env python3
"""Generate the kerasts fixtures of the recurrent wrappers, masks and functional training with real
Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_wrappers_fixtures.py [--out DIR] [--only NAME...]

For every case: a small model built in Keras (Embedding with and without mask_zero, Masking,
Bidirectional in every merge mode and with return_state, TimeDistributed, RepeatVector, seq2seq with
initial_state, merge layers over masked inputs, functional models with several outputs and
loss_weights), its `to_json()` (Keras 3's native config, with the mask operations Keras records),
initial weights, inputs, Keras' predictions, and unless `predict_only` a `fit(shuffle=False)` run:
per-epoch history, final weights, optimizer variables and the legacy-h5 training_config.

Data and weights come from numpy RandomState(crc32(case name)), so a rerun rewrites identical files.
Integer inputs (Embedding) are drawn in [0, input_dim) and given as float32, with padding zeros at
the end of some rows where the case masks. Default out: tools/oracle/fixtures/wrappers.
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

DEFAULT_OUT = os.path.join(HERE, "fixtures", "wrappers")
O = keras.optimizers


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------


def ints(rng, n, t, vocab, pad=False, low=1):
    """Token ids in [low, vocab); with pad, rows end with 0..t//2 zeros (padding), one row has a zero inside."""
    x = rng.randint(low, vocab, size=(n, t)).astype(np.float32)
    if pad:
        for i in range(n):
            k = rng.randint(0, t // 2 + 1)
            if k:
                x[i, t - k:] = 0
        x[0, 1] = 0
    return x


def normal(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def onehot(rng, n, t, k):
    idx = rng.randint(0, k, size=(n, t) if t else (n,))
    return np.eye(k, dtype=np.float32)[idx]


# ----------------------------------------------------------------------------
# Cases: each builds (model, x list, y list, compile kwargs)
# ----------------------------------------------------------------------------


def seq(*ls, input_shape):
    m = keras.Sequential([keras.Input(shape=input_shape)] + list(ls))
    return m


def case_embedding_dense(rng):
    m = seq(layers.Embedding(12, 4), layers.Dense(3, activation="tanh"), input_shape=(6,))
    x = ints(rng, 20, 6, 12, low=0)
    return m, [x], [normal(rng, 20, 6, 3, scale=0.5)], dict(optimizer=O.Adam(0.02), loss="mse", metrics=["mae"])


def case_embedding_mask_dense_loss(rng):
    # The mask of Embedding(mask_zero) passes through Dense to the loss and the metrics.
    m = seq(layers.Embedding(9, 3, mask_zero=True), layers.Dense(2), input_shape=(7,))
    x = ints(rng, 20, 7, 9, pad=True)
    return m, [x], [normal(rng, 20, 7, 2)], dict(optimizer=O.SGD(0.1), loss="mse", metrics=["mae"])


def case_merge_masks_loss(rng):
    # Keras 3's merge mask rules: Concatenate ORs the masks, Add of a masked and an unmasked input has none.
    a = keras.Input((6,), name="tok_a")
    b = keras.Input((6,), name="tok_b")
    c = keras.Input((6, 2), name="feat")
    ea = layers.Embedding(8, 3, mask_zero=True, name="emb_a")(a)
    eb = layers.Embedding(8, 3, mask_zero=True, name="emb_b")(b)
    cat = layers.Concatenate(name="cat")([ea, eb])
    o1 = layers.Dense(2, name="o_cat")(cat)
    fc = layers.Dense(3, name="proj")(c)
    added = layers.Add(name="add")([ea, fc])
    o2 = layers.Dense(1, name="o_add")(added)
    m = keras.Model([a, b, c], [o1, o2])
    x = [ints(rng, 16, 6, 8, pad=True), ints(rng, 16, 6, 8, pad=True), normal(rng, 16, 6, 2)]
    y = [normal(rng, 16, 6, 2), normal(rng, 16, 6, 1)]
    return m, x, y, dict(optimizer=O.Adam(0.01), loss=["mse", "mae"], metrics=[["mae"], ["mse"]])


def case_embedding_mask_lstm(rng):
    m = seq(layers.Embedding(15, 4, mask_zero=True), layers.LSTM(5), layers.Dense(1, activation="sigmoid"), input_shape=(8,))
    x = ints(rng, 24, 8, 15, pad=True)
    y = (rng.uniform(size=(24, 1)) > 0.5).astype(np.float32)
    return m, [x], [y], dict(optimizer=O.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])


def case_embedding_mask_lstm_seq(rng):
    m = seq(layers.Embedding(10, 3, mask_zero=True), layers.LSTM(4, return_sequences=True), layers.Dense(2), input_shape=(6,))
    x = ints(rng, 16, 6, 10, pad=True)
    return m, [x], [normal(rng, 16, 6, 2)], dict(optimizer=O.RMSprop(0.01), loss="mse", metrics=["mae"])


def case_masking_lstm(rng):
    m = seq(layers.Masking(0.0), layers.LSTM(4, return_sequences=True), layers.Dense(1), input_shape=(6, 3))
    x = normal(rng, 16, 6, 3)
    for i in range(16):
        k = rng.randint(0, 4)
        if k:
            x[i, 6 - k:] = 0
    x[1, 2] = 0
    return m, [x], [normal(rng, 16, 6, 1)], dict(optimizer=O.Adam(0.01), loss="mse")


def bidir_case(mode, return_sequences):
    def build(rng):
        m = seq(layers.Bidirectional(layers.LSTM(4, return_sequences=return_sequences), merge_mode=mode),
                layers.Dense(2), input_shape=(5, 3))
        out = (16, 5, 2) if return_sequences else (16, 2)
        return m, [normal(rng, 16, 5, 3)], [normal(rng, *out)], dict(optimizer=O.Adam(0.02), loss="mse", metrics=["mae"])
    return build


def case_bidirectional_none(rng):
    x = keras.Input((5, 3), name="x")
    f, b = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=None, name="bi")(x)
    out = layers.Dense(2, name="out")(layers.Add(name="add")([f, layers.Dense(3, name="mix")(b)]))
    m = keras.Model(x, out)
    return m, [normal(rng, 16, 5, 3)], [normal(rng, 16, 5, 2)], dict(optimizer=O.SGD(0.1, momentum=0.5), loss="mse")


def case_bidirectional_return_state(rng):
    x = keras.Input((5, 3), name="x")
    out, fh, fc, bh, bc = layers.Bidirectional(layers.LSTM(3, return_state=True), name="bi")(x)
    y = layers.Dense(1, name="out")(layers.Concatenate(name="cat")([out, fh, bc]))
    m = keras.Model(x, y)
    return m, [normal(rng, 16, 5, 3)], [normal(rng, 16, 1)], dict(optimizer=O.Adam(0.02), loss="mse")


def case_bidirectional_masked(rng):
    m = seq(layers.Embedding(11, 3, mask_zero=True), layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
            layers.Bidirectional(layers.LSTM(2), merge_mode="sum"), layers.Dense(1), input_shape=(7,))
    x = ints(rng, 16, 7, 11, pad=True)
    return m, [x], [normal(rng, 16, 1)], dict(optimizer=O.Adam(0.02), loss="mse")


def case_time_distributed_dense(rng):
    m = seq(layers.LSTM(4, return_sequences=True), layers.TimeDistributed(layers.Dense(3, activation="softmax")), input_shape=(5, 2))
    return m, [normal(rng, 16, 5, 2)], [onehot(rng, 16, 5, 3)], dict(optimizer=O.Adam(0.02), loss="categorical_crossentropy", metrics=["accuracy"])


def case_repeat_vector(rng):
    m = seq(layers.Dense(4, activation="tanh"), layers.RepeatVector(5), layers.LSTM(3, return_sequences=True),
            layers.TimeDistributed(layers.Dense(2)), input_shape=(3,))
    return m, [normal(rng, 16, 3)], [normal(rng, 16, 5, 2)], dict(optimizer=O.RMSprop(0.01), loss="mse")


def seq2seq(masked):
    def build(rng):
        ei = keras.Input((6,), name="enc_in")
        di = keras.Input((5,), name="dec_in")
        e = layers.Embedding(10, 4, mask_zero=masked, name="enc_emb")(ei)
        _, h, c = layers.LSTM(5, return_state=True, name="encoder")(e)
        d = layers.Embedding(11, 4, mask_zero=masked, name="dec_emb")(di)
        do = layers.LSTM(5, return_sequences=True, name="decoder")(d, initial_state=[h, c])
        y = layers.TimeDistributed(layers.Dense(11, activation="softmax"), name="td")(do)
        m = keras.Model([ei, di], y)
        x = [ints(rng, 16, 6, 10, pad=masked), ints(rng, 16, 5, 11, pad=masked)]
        yt = rng.randint(0, 11, size=(16, 5)).astype(np.float32)
        return m, x, [yt], dict(optimizer=O.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return build


def case_two_outputs_loss_weights(rng):
    a = keras.Input((3,), name="a")
    b = keras.Input((4, 2), name="b")
    h = layers.Dense(4, activation="tanh", name="h")(a)
    s = layers.LSTM(4, name="s")(b)
    shared = layers.Dense(4, activation="relu", name="shared")
    z = layers.Concatenate(name="cat")([shared(h), shared(s)])
    o1 = layers.Dense(1, name="dense_1")(z)
    o2 = layers.Dense(3, activation="softmax", name="dense_2")(layers.Multiply(name="mul")([h, s]))
    m = keras.Model([a, b], [o1, o2])
    x = [normal(rng, 16, 3), normal(rng, 16, 4, 2)]
    y = [normal(rng, 16, 1), onehot(rng, 16, 0, 3)]
    return m, x, y, dict(optimizer=O.Adam(0.02), loss={"dense_1": "mse", "dense_2": "categorical_crossentropy"},
                         loss_weights={"dense_1": 0.3, "dense_2": 1.5}, metrics={"dense_1": ["mae"], "dense_2": ["accuracy"]})


def case_activity_regularization(rng):
    m = seq(layers.Dense(4, activation="tanh"), layers.ActivityRegularization(l1=0.01, l2=0.05), layers.Dense(1), input_shape=(3,))
    return m, [normal(rng, 16, 3)], [normal(rng, 16, 1)], dict(optimizer=O.SGD(0.05), loss="mse")


def case_dropout_family_inference(rng):
    m = seq(layers.SpatialDropout1D(0.3), layers.GaussianNoise(0.2), layers.GaussianDropout(0.2),
            layers.AlphaDropout(0.2), layers.Dropout(0.1), layers.Dense(2), input_shape=(4, 3))
    return m, [normal(rng, 6, 4, 3)], None, None


CASES = [
    ("embedding_dense", "Embedding(12, 4) + Dense on 3-D output, mse", case_embedding_dense),
    ("embedding_mask_dense_loss", "Embedding(mask_zero) + Dense: the mask reaches the loss and metrics", case_embedding_mask_dense_loss),
    ("merge_masks_loss", "Concatenate of two masked Embeddings (mask OR), Add of masked + unmasked (no mask), two outputs", case_merge_masks_loss),
    ("embedding_mask_lstm", "Embedding(mask_zero) + LSTM + Dense(sigmoid), bce (text classifier)", case_embedding_mask_lstm),
    ("embedding_mask_lstm_seq", "Embedding(mask_zero) + LSTM(return_sequences) + Dense, masked loss", case_embedding_mask_lstm_seq),
    ("masking_lstm", "Masking + LSTM(return_sequences) + Dense", case_masking_lstm),
    ("bidirectional_concat_seq", "Bidirectional(LSTM, return_sequences), merge concat", bidir_case("concat", True)),
    ("bidirectional_sum", "Bidirectional(LSTM), merge sum", bidir_case("sum", False)),
    ("bidirectional_mul", "Bidirectional(LSTM), merge mul", bidir_case("mul", False)),
    ("bidirectional_ave_seq", "Bidirectional(LSTM, return_sequences), merge ave", bidir_case("ave", True)),
    ("bidirectional_concat", "Bidirectional(LSTM), merge concat", bidir_case("concat", False)),
    ("bidirectional_none", "Bidirectional(LSTM, return_sequences), merge None (two outputs)", case_bidirectional_none),
    ("bidirectional_return_state", "Bidirectional(LSTM, return_state): output, forward h/c, backward h/c", case_bidirectional_return_state),
    ("bidirectional_masked", "Embedding(mask_zero) + two Bidirectional LSTMs (zero output at masked steps)", case_bidirectional_masked),
    ("time_distributed_dense", "LSTM(return_sequences) + TimeDistributed(Dense(softmax)), cce", case_time_distributed_dense),
    ("repeat_vector", "Dense + RepeatVector + LSTM + TimeDistributed(Dense)", case_repeat_vector),
    ("seq2seq", "encoder LSTM(return_state) -> decoder LSTM(initial_state) + TimeDistributed(Dense), scce", seq2seq(False)),
    ("seq2seq_masked", "seq2seq with Embedding(mask_zero) on both sides (Keras 3: the decoder call with initial_state gets no mask)", seq2seq(True)),
    ("two_outputs_loss_weights", "two inputs, a shared Dense, Concatenate, Multiply, two outputs, loss and metric dicts, loss_weights", case_two_outputs_loss_weights),
    ("activity_regularization", "Dense + ActivityRegularization(l1, l2) + Dense", case_activity_regularization),
    ("dropout_family_inference", "SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, Dropout: identity at inference", case_dropout_family_inference),
]


def serialize_optimizer(opt):
    return {"class_name": opt.__class__.__name__, "config": opt.get_config()}


def opt_vars(opt):
    return [{"name": v.path, "dtype": str(v.dtype), **oc.tensor_json(np.asarray(v.numpy(), dtype=np.float32))} for v in opt.variables]


def history_json(h):
    return {k: [float(np.float32(v)) for v in vals] for k, vals in h.history.items()}


def training_config(model):
    from keras.src.legacy.saving import saving_utils
    return json.loads(json.dumps(saving_utils.model_metadata(model)["training_config"]))


def run_case(name, description, build, epochs=3, batch_size=8):
    keras.backend.clear_session()
    rng = np.random.RandomState(oc.seed_for(name))
    model, x, y, compile_kw = build(rng)
    shapes = [tuple(w.shape) for w in model.get_weights()]
    init = oc.draw_weights(rng, shapes, scale=0.4)
    model.set_weights(init)
    xin = x if len(x) > 1 else x[0]
    pred = model.predict(xin, verbose=0)
    preds = pred if isinstance(pred, (list, tuple)) else [pred]
    out = {
        "description": description,
        "keras_version": keras.__version__,
        "model_json": json.loads(model.to_json()),
        "weight_names": [w.path for w in model.weights],
        "initial_weights": [oc.tensor_json(w) for w in init],
        "x": [oc.tensor_json(a) for a in x],
        "predict": [oc.tensor_json(np.asarray(p)) for p in preds],
    }
    if compile_kw is not None:
        opt = compile_kw["optimizer"]
        model.compile(**compile_kw)
        yin = y if len(y) > 1 else y[0]
        hist = model.fit(xin, yin, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
        out.update({
            "y": [oc.tensor_json(a) for a in y],
            "compile": {"optimizer": serialize_optimizer(opt)},
            "fit": {"epochs": epochs, "batch_size": batch_size, "shuffle": False},
            "history": history_json(hist),
            "weights": [oc.tensor_json(w) for w in model.get_weights()],
            "optimizer_variables": opt_vars(opt),
            "training_config": training_config(model),
        })
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    index = []
    for name, description, build in CASES:
        if args.only and name not in args.only:
            continue
        data = run_case(name, description, build)
        path = os.path.join(args.out, f"{name}.json")
        with open(path, "w", encoding="utf8") as fh:
            json.dump(data, fh, separators=(",", ":"), allow_nan=False)
            fh.write("\n")
        index.append({"name": name, "description": description})
        h = data.get("history")
        print(f"  {name}: " + (f"loss {h['loss'][0]:.5f} -> {h['loss'][-1]:.5f}" if h else "predict only"))
    if not args.only:
        with open(os.path.join(args.out, "index.json"), "w", encoding="utf8") as fh:
            json.dump(index, fh, indent=1)
            fh.write("\n")


if __name__ == "__main__":
    main()
