#!/usr/bin/env python3
"""Generate the fixtures of kerasts' Winograd F(2x2, 3x3) convolution path with real Keras 3.15.1 (JAX, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_winograd_fixtures.py [--out DIR]

Batches large enough that kerasts shares the convolution with helper threads (>= 32M multiply-adds),
which would make multi-megabyte files: so the input, kernel and bias are given by exact formulas that
numpy and JavaScript evaluate to the same float32 values (integer arithmetic, one division, one
rounding), and the file keeps Keras' outputs at 2000 spread positions (plus the largest |output|).
Output under tools/oracle/fixtures/winograd/<case>.json:

    {layer: Keras Conv2D get_config() subset, input_shape (with batch), formulas, samples: {index, value}, max_abs}

Formulas (i = flat row-major index; float64 arithmetic, then float32):
    input[i]  = ((i * 7919) % 2003) / 1001.5 - 1
    kernel[i] = (((i * 104729) % 1009) / 1009 - 0.5) * 0.25
    bias[j]   = (((j * 31) % 17) / 17 - 0.5) * 0.2
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

DEFAULT_OUT = os.path.join(HERE, "fixtures", "winograd")

# (name, description, input shape with batch, filters, padding, activation, use_bias)
CASES = [
    ("same_relu_threads", "Conv2D(32, 3, same, relu) on 48 x 13x13x16 (odd size: partial tiles; shared with helper threads)", (48, 13, 13, 16), 32, "same", "relu", True),
    ("valid_linear_threads", "Conv2D(24, 3, valid, no bias) on 48 x 15x14x20 (odd output rows: partial tiles; shared with helper threads)", (48, 15, 14, 20), 24, "valid", "linear", False),
]


def formula_input(n):
    i = np.arange(n, dtype=np.int64)
    return (((i * 7919) % 2003) / 1001.5 - 1.0).astype(np.float32)


def formula_kernel(n):
    i = np.arange(n, dtype=np.int64)
    return ((((i * 104729) % 1009) / 1009.0 - 0.5) * 0.25).astype(np.float32)


def formula_bias(n):
    j = np.arange(n, dtype=np.int64)
    return ((((j * 31) % 17) / 17.0 - 0.5) * 0.2).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, desc, shape, filters, padding, activation, use_bias in CASES:
        keras.backend.clear_session()
        layer = L.Conv2D(filters, 3, padding=padding, activation=activation, use_bias=use_bias)
        layer.build(shape)
        kshape = (3, 3, shape[-1], filters)
        kernel = formula_kernel(int(np.prod(kshape))).reshape(kshape)
        weights = [kernel] + ([formula_bias(filters)] if use_bias else [])
        layer.set_weights(weights)
        x = formula_input(int(np.prod(shape))).reshape(shape)
        y = np.asarray(layer(x), dtype=np.float32)
        flat = y.reshape(-1)
        total = flat.size
        index = sorted({(k * 7841) % total for k in range(2000)} | {0, total - 1})
        data = {
            "name": name,
            "description": desc,
            "keras_version": keras.__version__,
            "layer": {"filters": filters, "kernel_size": [3, 3], "padding": padding, "activation": activation, "use_bias": use_bias},
            "input_shape": list(shape),
            "output_shape": list(y.shape),
            "formulas": {
                "input": "((i * 7919) % 2003) / 1001.5 - 1",
                "kernel": "(((i * 104729) % 1009) / 1009 - 0.5) * 0.25",
                "bias": "(((j * 31) % 17) / 17 - 0.5) * 0.2",
            },
            "samples": {"index": index, "value": oc.f32_values(flat[index])},
            "max_abs": float(np.max(np.abs(flat))),
        }
        with open(os.path.join(args.out, f"{name}.json"), "w", encoding="utf8") as fh:
            json.dump(data, fh, separators=(",", ":"), allow_nan=False)
            fh.write("\n")
        print(f"  {name}: output {tuple(y.shape)}, max |y| {data['max_abs']:.3f}, {len(index)} samples")


if __name__ == "__main__":
    main()
