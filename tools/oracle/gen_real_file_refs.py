#!/usr/bin/env python3
"""Faithful references for real Keras files that have none in the shared corpus (the corpus'
expected outputs come from Keras 3.15.1, which cannot load these files).

    .venv-oracle/bin/python tools/oracle/gen_real_file_refs.py /path/to/shared

- k1_bilstm_theano_full (Keras 1.2.2, Bidirectional(LSTM(10, return_sequences)), merge concat): the
  forward pass in NumPy float64 with Keras 1's weights (per-gate arrays, gate order i, c, f, o) and
  Keras 1/2's hard_sigmoid clip(0.2x + 0.5), the backward direction re-reversed in time as Keras 1's
  Bidirectional does. Input: RandomState(0) standard normal, batch 2 (the corpus' convention).

- k1_embedding_conv1d_theano_full (Keras 1.2.2 on Theano: Embedding(4, 5) -> Convolution1D(6, 3) ->
  Flatten): Keras 1's Convolution1D runs Theano's conv2d on its (len, 1, in, filters) kernel, a true
  convolution (the kernel flipped along the steps), then flattens (steps, filters). Input: integers in
  [0, 4) from RandomState(0), batch 2, length 10.

Writes tools/oracle/fixtures/real-files/<name>.json ({input, output, note}); the test that uses it
runs only where the shared corpus is present.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join(HERE, "fixtures", "real-files")


def keras1_lstm_weights(arrays):
    """Keras 1's 12 arrays W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o -> kernel, recurrent, bias (i, f, c, o)."""
    w = [np.asarray(a, dtype=np.float64) for a in arrays]
    pick = lambda idx: np.concatenate([w[i] for i in idx], axis=-1)  # noqa: E731
    return pick([0, 6, 3, 9]), pick([1, 7, 4, 10]), pick([2, 8, 5, 11])


def k1_bilstm(shared):
    path = os.path.join(shared, "real-keras-files", "files", "k1_bilstm_theano_full.h5")
    with h5py.File(path, "r") as f:
        g = f["model_weights"]["bidirectional_1"]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in g.attrs["weight_names"]]
        arrays = [g[n][()] for n in names]
    fwd = keras1_lstm_weights(arrays[:12])
    bwd = keras1_lstm_weights(arrays[12:])
    rng = np.random.RandomState(0)
    x = rng.standard_normal((2, 4, 10)).astype(np.float32)
    kw = dict(units=10, activation="tanh", recurrent_activation="hard_sigmoid", return_sequences=True, dialect="keras2")
    y = oc.np_lstm(x, *fwd, **kw)
    y_rev = oc.np_lstm(x, *bwd, go_backwards=True, **kw)[:, ::-1, :]
    out = np.concatenate([y, y_rev], axis=-1)
    return {
        "note": "NumPy float64 reference (Keras 1.2.2 semantics: hard_sigmoid = clip(0.2x+0.5), per-gate weights i, c, f, o; backward direction re-reversed); input RandomState(0).standard_normal((2, 4, 10))",
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(out),
    }


def k1_embedding_conv1d(shared):
    path = os.path.join(shared, "real-keras-files", "files", "k1_embedding_conv1d_theano_full.h5")
    with h5py.File(path, "r") as f:
        g = f["model_weights"]
        emb = np.asarray(g["embedding_1"]["embedding_1_W"][()], dtype=np.float64)
        w = np.asarray(g["convolution1d_1"]["convolution1d_1_W"][()], dtype=np.float64)[:, 0, :, :]  # (len, in, filters)
        b = np.asarray(g["convolution1d_1"]["convolution1d_1_b"][()], dtype=np.float64)
    rng = np.random.RandomState(0)
    x = rng.randint(0, emb.shape[0], size=(2, 10))
    e = emb[x]  # (2, 10, 5)
    k = w.shape[0]
    steps = e.shape[1] - k + 1
    out = np.zeros((2, steps, w.shape[2]))
    for t in range(steps):
        for j in range(k):
            out[:, t, :] += e[:, t + j, :] @ w[k - 1 - j]  # Theano: a true convolution
    out += b
    return {
        "note": "NumPy float64 reference of Keras 1.2.2 on Theano: embedding lookup, Convolution1D as Theano's conv2d (true convolution: kernel flipped along the steps), valid, linear, then Flatten; input RandomState(0).randint(0, 4, (2, 10))",
        "input": oc.tensor_json(x.astype(np.float32)),
        "output": oc.tensor_json(out.reshape(2, -1)),
    }


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KERASTS_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
    os.makedirs(OUT, exist_ok=True)
    for name, fn in [("k1_bilstm_theano_full", k1_bilstm), ("k1_embedding_conv1d_theano_full", k1_embedding_conv1d)]:
        data = fn(shared)
        with open(os.path.join(OUT, f"{name}.json"), "w", encoding="utf8") as fh:
            json.dump(data, fh, separators=(",", ":"))
            fh.write("\n")
        print(f"  {name}")


if __name__ == "__main__":
    main()
