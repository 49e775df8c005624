#!/usr/bin/env python3
"""Generate the Embedding -> Conv1D fixtures with real Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_token_conv_fixtures.py [--out DIR]

kerasts computes an Embedding whose output reaches only a Conv1D (at inference) from per-token
projections of the embedding table instead of convolving the embedded sequence; these cases pin that
path to Keras' numbers: ``<out>/<case>.json`` (default tools/oracle/fixtures/token-conv) holds a small
model (Sequential or functional) as Keras 3 ``to_json()``, its weights, integer token inputs (as
float32, with 0 = padding where ``mask_zero`` is set) and Keras' ``predict`` output. Cases: padding
valid / same / causal, strides, dilation, no bias, relu / tanh / softmax / linear, ``mask_zero`` (Keras'
Conv1D does not support masking: it ignores the mask and its output carries none, so a pooling after it
averages every step), Dropout / SpatialDropout1D / GaussianNoise between the two layers, an Embedding
feeding two Conv1Ds (Kim's text CNN), and an Embedding whose output is also a model output.

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

DEFAULT_OUT = os.path.join(HERE, "fixtures", "token-conv")
VOCAB = 23
DIM = 6
STEPS = 11
BATCH = 3


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf8") as fh:
        json.dump(obj, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


def sequential(*layers):
    return lambda: keras.Sequential([keras.Input(shape=(STEPS,))] + [f() for f in layers])


def kim_cnn():
    x = keras.Input(shape=(STEPS,))
    e = L.Embedding(VOCAB, DIM)(x)
    a = L.GlobalMaxPooling1D()(L.Conv1D(4, 2, activation="relu")(e))
    b = L.GlobalMaxPooling1D()(L.Conv1D(3, 3, padding="same", activation="relu")(e))
    return keras.Model(x, L.Dense(1)(L.Concatenate()([a, b])))


def functional_noise_strides():
    x = keras.Input(shape=(STEPS,))
    e = L.Embedding(VOCAB, DIM, mask_zero=True)(x)
    c = L.Conv1D(5, 3, strides=3, activation="tanh")(L.GaussianNoise(0.3)(e))
    return keras.Model(x, L.Dense(2)(L.Flatten()(c)))


def embedding_also_output():
    x = keras.Input(shape=(STEPS,))
    e = L.Embedding(VOCAB, DIM)(x)
    c = L.Conv1D(3, 2, padding="causal")(e)
    return keras.Model(x, [c, e])


# (name, description, model builder, whether the inputs end in padding zeros)
CASES = [
    ("seq_valid_relu_pool", "Embedding(23, 6) -> Conv1D(5, 3, relu) -> GlobalMaxPooling1D -> Dense(1) (W7's shape, small)",
     sequential(lambda: L.Embedding(VOCAB, DIM), lambda: L.Conv1D(5, 3, activation="relu"), lambda: L.GlobalMaxPooling1D(), lambda: L.Dense(1)), False),
    ("seq_same_stride2_tanh", "Embedding -> Conv1D(5, 4, strides 2, same, tanh) (even kernel: more padding after)",
     sequential(lambda: L.Embedding(VOCAB, DIM), lambda: L.Conv1D(5, 4, strides=2, padding="same", activation="tanh")), False),
    ("seq_causal_dilation2_nobias", "Embedding -> Conv1D(4, 3, causal, dilation 2, no bias)",
     sequential(lambda: L.Embedding(VOCAB, DIM), lambda: L.Conv1D(4, 3, padding="causal", dilation_rate=2, use_bias=False)), False),
    ("seq_same_dilation3", "Embedding -> Conv1D(3, 3, same, dilation 3): windows reaching into the padding on both sides",
     sequential(lambda: L.Embedding(VOCAB, DIM), lambda: L.Conv1D(3, 3, padding="same", dilation_rate=3)), False),
    ("seq_valid_stride3_kernel1", "Embedding -> Conv1D(4, 1, strides 3) (a pointwise kernel)",
     sequential(lambda: L.Embedding(VOCAB, DIM), lambda: L.Conv1D(4, 1, strides=3)), False),
    ("seq_mask_zero_dropout_avg", "Embedding(mask_zero) -> Dropout -> Conv1D(5, 3, same, relu) -> GlobalAveragePooling1D -> Dense(1): Conv1D ignores and drops the mask, so every step is averaged",
     sequential(lambda: L.Embedding(VOCAB, DIM, mask_zero=True), lambda: L.Dropout(0.5), lambda: L.Conv1D(5, 3, padding="same", activation="relu"),
                lambda: L.GlobalAveragePooling1D(), lambda: L.Dense(1)), True),
    ("seq_mask_zero_causal_lstm", "Embedding(mask_zero) -> Conv1D(4, 2, causal) -> LSTM(3): the LSTM sees no mask (Conv1D dropped it)",
     sequential(lambda: L.Embedding(VOCAB, DIM, mask_zero=True), lambda: L.Conv1D(4, 2, padding="causal"), lambda: L.LSTM(3)), True),
    ("seq_spatial_dropout_softmax", "Embedding -> SpatialDropout1D -> Conv1D(3, 2, softmax over filters)",
     sequential(lambda: L.Embedding(VOCAB, DIM), lambda: L.SpatialDropout1D(0.4), lambda: L.Conv1D(3, 2, activation="softmax")), False),
    ("functional_kim_cnn", "functional: one Embedding feeding Conv1D(4, 2) and Conv1D(3, 3, same), each max-pooled, concatenated, Dense(1)", kim_cnn, False),
    ("functional_mask_zero_noise_strides", "functional: Embedding(mask_zero) -> GaussianNoise -> Conv1D(5, 3, strides 3, tanh) -> Flatten -> Dense(2)",
     functional_noise_strides, True),
    ("functional_embedding_also_output", "functional: outputs [Conv1D(3, 2, causal)(e), e]: the embedded sequence is an output too", embedding_also_output, False),
]


def tokens(rng, padded):
    x = rng.randint(0, VOCAB, size=(BATCH, STEPS))
    if padded:
        # sequences padded with 0 at the end, of different lengths (one with no padding)
        for b, n in enumerate([STEPS, 7, 4][:BATCH]):
            x[b, n:] = 0
        x[:, 0] = np.maximum(x[:, 0], 1)
    else:
        x[0, :3] = [0, VOCAB - 1, 0]  # both ends of the vocabulary
    return x.astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    for name, desc, build, padded in CASES:
        keras.backend.clear_session()
        model = build()
        rng = np.random.RandomState(oc.seed_for(name))
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.5)
        model.set_weights(weights)
        x = tokens(rng, padded)
        ys = model.predict(x, verbose=0)
        data = {
            "name": name,
            "description": desc,
            "keras_version": keras.__version__,
            "reference": f"keras-{keras.__version__}",
            "model_json": json.loads(model.to_json()),
            "weights": [{"name": w.path, **oc.tensor_json(a)} for w, a in zip(model.weights, weights)],
            "input": oc.tensor_json(x),
        }
        if isinstance(ys, list):
            data["outputs"] = [oc.tensor_json(np.asarray(y, dtype=np.float32)) for y in ys]
        else:
            data["output"] = oc.tensor_json(np.asarray(ys, dtype=np.float32))
        write(os.path.join(args.out, f"{name}.json"), data)
    print(f"wrote {len(CASES)} cases to {args.out}")


if __name__ == "__main__":
    main()
