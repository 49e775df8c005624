#!/usr/bin/env python3
"""A sample for the web app (and its browser tests) written by real Keras 3.15.1 (JAX backend).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_web_fixtures.py

Writes apps/web/public/samples/keras-3-two-inputs.h5: a functional model with two inputs, an LSTM
branch and a Dense branch joined by Concatenate, compiled with Adam and trained for two epochs (so
the file holds a training config and optimizer state). Read back with Keras before finishing.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.dont_write_bytecode = True

import numpy as np  # noqa: E402
import keras  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "apps", "web", "public", "samples", "keras-3-two-inputs.h5")


def main() -> None:
    keras.utils.set_random_seed(7)
    seq = keras.Input(shape=(5, 3), name="series")
    meta = keras.Input(shape=(4,), name="meta")
    a = keras.layers.LSTM(8, name="encoder")(seq)
    b = keras.layers.Dense(6, activation="relu", name="meta_dense")(meta)
    c = keras.layers.Concatenate(name="join")([a, b])
    c = keras.layers.Dense(8, activation="tanh", name="mix")(c)
    out = keras.layers.Dense(2, name="head")(c)
    model = keras.Model([seq, meta], out, name="two_inputs")
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mean_squared_error")  # "mse" does not load back in Keras 3.15.1's legacy reader
    rng = np.random.default_rng(0)
    x1 = rng.normal(size=(64, 5, 3)).astype("float32")
    x2 = rng.normal(size=(64, 4)).astype("float32")
    y = rng.normal(size=(64, 2)).astype("float32")
    model.fit([x1, x2], y, epochs=2, batch_size=16, verbose=0)
    if os.path.exists(OUT):
        os.remove(OUT)
    model.save(OUT)
    again = keras.models.load_model(OUT)
    p1 = model.predict([x1[:4], x2[:4]], verbose=0)
    p2 = again.predict([x1[:4], x2[:4]], verbose=0)
    assert np.allclose(p1, p2, atol=1e-6), "read-back mismatch"
    print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
