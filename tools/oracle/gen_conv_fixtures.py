#!/usr/bin/env python3
"""Generate the convolution and pooling fixtures with real Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_conv_fixtures.py [--out DIR] [--only KIND...]

Kinds (one folder each under the output, default tools/oracle/fixtures/conv):

* ``predict/<case>.json`` -- a small Sequential per layer and option (every convolution and pooling
  class, padding valid/same/causal, strides, dilation, groups, depth multipliers, output padding,
  channels_first, keepdims): Keras 3 ``to_json()``, the legacy ``.h5`` ``model_config``, weights,
  input and Keras' output. Same shape as fixtures/predict.
* ``layer/<case>.json`` -- one layer called with an explicit mask (GlobalAveragePooling1D).
* ``grad/<case>.json`` -- ``jax.vjp`` of the backend ops kerasts reimplements (conv, conv_transpose,
  depthwise_conv, max/average pooling with tied inputs, max over an axis with ties).
* ``legacy/<case>.json`` -- Keras 1 and Keras 2 (Theano backend) configs and weights in the layout
  those files store (Keras 1 ``th`` kernels, Theano-flipped kernels), with the output the original
  Keras computed: a Keras 3 model with the kernels in today's layout, so the conversion must undo the
  file's layout exactly (KERAS-FORMAT.md 4.4; keras 2.0.8/2.3.1 ``preprocess_weights_for_loading``).
* ``train/<case>.json`` -- ``fit(shuffle=False)`` runs of conv/pooling models (layers as Keras
  ``get_config()`` entries), with history, final weights and optimizer variables, as fixtures/train.

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
import jax  # noqa: E402
from keras import layers as L  # noqa: E402
from keras import ops  # noqa: E402

from gen_predict_fixtures import legacy_model_config  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "conv")


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf8") as fh:
        json.dump(obj, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


# ----------------------------------------------------------------------------
# predict
# ----------------------------------------------------------------------------

# (name, description, input shape without batch, layer factories, batch)
PREDICT = [
    # Conv1D
    ("conv1d_valid", "Conv1D(4, 3) valid", (9, 3), [lambda: L.Conv1D(4, 3)], 3),
    ("conv1d_same_stride2_relu", "Conv1D(5, 4, strides 2, same, relu)", (11, 3), [lambda: L.Conv1D(5, 4, strides=2, padding="same", activation="relu")], 3),
    ("conv1d_causal_dilation", "Conv1D(3, 3, causal, dilation 2)", (10, 2), [lambda: L.Conv1D(3, 3, padding="causal", dilation_rate=2)], 2),
    ("conv1d_groups_nobias", "Conv1D(6, 2, groups 3, no bias, tanh)", (8, 6), [lambda: L.Conv1D(6, 2, groups=3, use_bias=False, activation="tanh")], 2),
    ("conv1d_channels_first", "Conv1D(4, 3, same, channels_first)", (3, 9), [lambda: L.Conv1D(4, 3, padding="same", data_format="channels_first")], 2),
    # Conv2D
    ("conv2d_valid", "Conv2D(4, 3) valid", (7, 6, 3), [lambda: L.Conv2D(4, 3)], 2),
    ("conv2d_same_stride2", "Conv2D(3, (3, 2), strides (2, 1), same, relu)", (7, 8, 2), [lambda: L.Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="relu")], 2),
    ("conv2d_even_kernel_same", "Conv2D(2, 4, strides 3, same) (even kernel: padding more after than before)", (8, 9, 2), [lambda: L.Conv2D(2, 4, strides=3, padding="same")], 2),
    ("conv2d_dilation", "Conv2D(3, 3, dilation 2, same)", (9, 8, 2), [lambda: L.Conv2D(3, 3, dilation_rate=2, padding="same")], 2),
    ("conv2d_groups", "Conv2D(4, 3, groups 2)", (6, 6, 4), [lambda: L.Conv2D(4, 3, groups=2)], 2),
    ("conv2d_channels_first_softmax", "Conv2D(3, 2, channels_first, softmax: over the last (column) axis, as Keras)", (2, 5, 4), [lambda: L.Conv2D(3, 2, data_format="channels_first", activation="softmax")], 2),
    # Conv3D
    ("conv3d_same", "Conv3D(3, (2, 3, 2), strides (1, 2, 1), same)", (4, 5, 4, 2), [lambda: L.Conv3D(3, (2, 3, 2), strides=(1, 2, 1), padding="same")], 2),
    ("conv3d_channels_first", "Conv3D(2, 2, channels_first, relu)", (2, 4, 3, 4), [lambda: L.Conv3D(2, 2, data_format="channels_first", activation="relu")], 2),
    # Separable / depthwise
    ("separable_conv1d", "SeparableConv1D(4, 3, depth_multiplier 2, strides 2, same)", (9, 3), [lambda: L.SeparableConv1D(4, 3, depth_multiplier=2, strides=2, padding="same")], 2),
    ("separable_conv2d", "SeparableConv2D(3, 3, dilation 2, relu)", (8, 7, 2), [lambda: L.SeparableConv2D(3, 3, dilation_rate=2, activation="relu")], 2),
    ("separable_conv2d_channels_first", "SeparableConv2D(4, 2, channels_first, depth_multiplier 3)", (2, 5, 6), [lambda: L.SeparableConv2D(4, 2, depth_multiplier=3, data_format="channels_first")], 2),
    ("depthwise_conv1d", "DepthwiseConv1D(3, depth_multiplier 2, strides 2, same)", (9, 3), [lambda: L.DepthwiseConv1D(3, depth_multiplier=2, strides=2, padding="same")], 2),
    ("depthwise_conv2d", "DepthwiseConv2D(3, same)", (6, 7, 3), [lambda: L.DepthwiseConv2D(3, padding="same")], 2),
    ("depthwise_conv2d_channels_first", "DepthwiseConv2D((2, 3), depth_multiplier 2, dilation 2, channels_first, no bias)", (2, 7, 8), [lambda: L.DepthwiseConv2D((2, 3), depth_multiplier=2, dilation_rate=2, data_format="channels_first", use_bias=False)], 2),
    # Transposed
    ("conv1d_transpose_valid", "Conv1DTranspose(3, 3, strides 2)", (5, 2), [lambda: L.Conv1DTranspose(3, 3, strides=2)], 2),
    ("conv1d_transpose_same_outpad", "Conv1DTranspose(2, 4, strides 3, same, output_padding 1)", (5, 3), [lambda: L.Conv1DTranspose(2, 4, strides=3, padding="same", output_padding=1)], 2),
    ("conv1d_transpose_dilation", "Conv1DTranspose(2, 3, dilation 2, same)", (6, 2), [lambda: L.Conv1DTranspose(2, 3, dilation_rate=2, padding="same")], 2),
    ("conv2d_transpose_same", "Conv2DTranspose(3, 3, strides 2, same, relu)", (4, 5, 2), [lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu")], 2),
    ("conv2d_transpose_valid_outpad", "Conv2DTranspose(2, (3, 2), strides (2, 3), valid, output_padding (1, 2))", (3, 4, 3), [lambda: L.Conv2DTranspose(2, (3, 2), strides=(2, 3), output_padding=(1, 2))], 2),
    ("conv2d_transpose_channels_first", "Conv2DTranspose(2, 2, strides 2, channels_first)", (3, 4, 3), [lambda: L.Conv2DTranspose(2, 2, strides=2, data_format="channels_first")], 2),
    ("conv3d_transpose", "Conv3DTranspose(2, 2, strides 2)", (2, 3, 2, 2), [lambda: L.Conv3DTranspose(2, 2, strides=2)], 2),
    # Pooling
    ("max_pooling1d", "MaxPooling1D(3, strides 2)", (10, 3), [lambda: L.MaxPooling1D(3, strides=2)], 2),
    ("max_pooling1d_same", "MaxPooling1D(2, same)", (9, 3), [lambda: L.MaxPooling1D(2, padding="same")], 2),
    ("max_pooling2d", "MaxPooling2D(2)", (6, 7, 3), [lambda: L.MaxPooling2D(2)], 2),
    ("max_pooling2d_same_stride", "MaxPooling2D(3, strides 2, same)", (7, 6, 2), [lambda: L.MaxPooling2D(3, strides=2, padding="same")], 2),
    ("max_pooling2d_channels_first", "MaxPooling2D((2, 3), channels_first)", (2, 6, 7), [lambda: L.MaxPooling2D((2, 3), data_format="channels_first")], 2),
    ("max_pooling3d", "MaxPooling3D(2, same)", (3, 5, 4, 2), [lambda: L.MaxPooling3D(2, padding="same")], 2),
    ("average_pooling1d_same", "AveragePooling1D(3, strides 2, same) (edges average fewer values)", (9, 3), [lambda: L.AveragePooling1D(3, strides=2, padding="same")], 2),
    ("average_pooling2d", "AveragePooling2D(2)", (6, 7, 3), [lambda: L.AveragePooling2D(2)], 2),
    ("average_pooling2d_same", "AveragePooling2D(3, strides 2, same)", (7, 6, 2), [lambda: L.AveragePooling2D(3, strides=2, padding="same")], 2),
    ("average_pooling2d_channels_first", "AveragePooling2D(2, channels_first, same)", (2, 5, 5), [lambda: L.AveragePooling2D(2, padding="same", data_format="channels_first")], 2),
    ("average_pooling3d", "AveragePooling3D((2, 2, 1), strides 1)", (3, 4, 3, 2), [lambda: L.AveragePooling3D((2, 2, 1), strides=1)], 2),
    ("global_max_pooling1d", "GlobalMaxPooling1D", (7, 3), [lambda: L.GlobalMaxPooling1D()], 3),
    ("global_max_pooling1d_keepdims_cf", "GlobalMaxPooling1D(keepdims, channels_first)", (3, 7), [lambda: L.GlobalMaxPooling1D(keepdims=True, data_format="channels_first")], 2),
    ("global_average_pooling1d", "GlobalAveragePooling1D", (7, 3), [lambda: L.GlobalAveragePooling1D()], 3),
    ("global_max_pooling2d", "GlobalMaxPooling2D", (5, 4, 3), [lambda: L.GlobalMaxPooling2D()], 2),
    ("global_average_pooling2d_keepdims", "GlobalAveragePooling2D(keepdims)", (5, 4, 3), [lambda: L.GlobalAveragePooling2D(keepdims=True)], 2),
    ("global_average_pooling2d_channels_first", "GlobalAveragePooling2D(channels_first)", (3, 5, 4), [lambda: L.GlobalAveragePooling2D(data_format="channels_first")], 2),
    ("global_max_pooling3d", "GlobalMaxPooling3D", (3, 4, 3, 2), [lambda: L.GlobalMaxPooling3D()], 2),
    ("global_average_pooling3d", "GlobalAveragePooling3D(keepdims)", (3, 4, 3, 2), [lambda: L.GlobalAveragePooling3D(keepdims=True)], 2),
    # Stacks
    ("mnist_cnn_small", "Conv2D(4,3,relu) -> MaxPooling2D -> Conv2D(6,3,relu) -> MaxPooling2D -> GlobalAveragePooling2D -> Dense(3, softmax) (the W6 shape, small)", (14, 14, 1),
     [lambda: L.Conv2D(4, 3, activation="relu"), lambda: L.MaxPooling2D(), lambda: L.Conv2D(6, 3, activation="relu"), lambda: L.MaxPooling2D(),
      lambda: L.GlobalAveragePooling2D(), lambda: L.Dense(3, activation="softmax")], 3),
    ("text_cnn_small", "Conv1D(8, 5, relu) -> GlobalMaxPooling1D -> Dense(1) (the W7 shape, without the embedding)", (20, 6),
     [lambda: L.Conv1D(8, 5, activation="relu"), lambda: L.GlobalMaxPooling1D(), lambda: L.Dense(1)], 3),
    ("conv1d_pool_lstm", "Conv1D(8,3,relu) -> MaxPooling1D -> LSTM(4) -> Dense(1) (the k321 real file's shape)", (12, 2),
     [lambda: L.Conv1D(8, 3, activation="relu"), lambda: L.MaxPooling1D(2), lambda: L.LSTM(4), lambda: L.Dense(1)], 2),
    ("autoencoder_transpose", "Conv2D(4,3,strides 2,same,relu) -> Conv2DTranspose(2,3,strides 2,same) (decoder)", (8, 8, 2),
     [lambda: L.Conv2D(4, 3, strides=2, padding="same", activation="relu"), lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same")], 2),
    ("large_activations", "Conv2D(3, 3) with weights x40: outputs in the hundreds (relative tolerance)", (6, 6, 4), [lambda: L.Conv2D(3, 3)], 2),
    # Winograd F(2x2, 3x3) in kerasts (3x3, stride 1, 16+ channels): odd sizes (partial tiles), same and valid
    ("conv2d_winograd_stack", "Conv2D(16,3,same,relu) -> Conv2D(8,3) valid (16 input channels, odd sizes: kerasts' Winograd path with partial tiles)", (7, 9, 16),
     [lambda: L.Conv2D(16, 3, padding="same", activation="relu"), lambda: L.Conv2D(8, 3)], 2),
    ("conv2d_winograd_channels_first", "Conv2D(16, 3, same, relu, channels_first) on 16 channels (kerasts' Winograd path through the layout change)", (16, 5, 5),
     [lambda: L.Conv2D(8, 3, padding="same", activation="relu", data_format="channels_first")], 2),
]


def gen_predict(out):
    stats = []
    for name, desc, shape, factories, batch in PREDICT:
        keras.backend.clear_session()
        model = keras.Sequential([keras.Input(shape=shape)] + [f() for f in factories])
        rng = np.random.RandomState(oc.seed_for(name))
        # (16+ channels: smaller weights keep outputs near 1, so 1e-5 per element is a fair bound)
        scale = 20.0 if name == "large_activations" else 0.15 if name.startswith("conv2d_winograd") else 0.5
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], scale)
        model.set_weights(weights)
        x = oc.draw_input(rng, (batch,) + tuple(shape))
        y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
        names = [w.path for w in model.weights]
        data = {
            "name": name,
            "description": desc,
            "keras_version": keras.__version__,
            "reference": f"keras-{keras.__version__}",
            "model_json": json.loads(model.to_json()),
            "model_config_h5": legacy_model_config(model),
            "output_shape": [None] + list(model.output_shape[1:]),
            "weights": [{"name": n, **oc.tensor_json(a)} for n, a in zip(names, weights)],
            "input": oc.tensor_json(x),
            "output": oc.tensor_json(y),
        }
        write(os.path.join(out, "predict", f"{name}.json"), data)
        stats.append((name, float(np.max(np.abs(y)))))
    print(f"  predict: {len(stats)} cases")


# ----------------------------------------------------------------------------
# layer calls with a mask
# ----------------------------------------------------------------------------


def gen_layer(out):
    name = "global_average_pooling1d_mask"
    rng = np.random.RandomState(oc.seed_for(name))
    layer = L.GlobalAveragePooling1D()
    x = rng.standard_normal((3, 6, 4)).astype(np.float32)
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 0, 1, 0, 1, 1], [1, 1, 1, 1, 1, 1]], dtype=bool)
    y = np.asarray(layer(x, mask=mask))
    y_nomask = np.asarray(layer(x))
    write(os.path.join(out, "layer", f"{name}.json"), {
        "name": name,
        "description": "GlobalAveragePooling1D called with a mask: the mean of the unmasked steps only",
        "class_name": "GlobalAveragePooling1D",
        "config": layer.get_config() | {"dtype": "float32"},
        "input": oc.tensor_json(x),
        "mask": oc.tensor_json(mask.astype(np.float32)),
        "output": oc.tensor_json(y),
        "output_without_mask": oc.tensor_json(y_nomask),
    })
    print("  layer: 1 case")


# ----------------------------------------------------------------------------
# gradients of the backend ops
# ----------------------------------------------------------------------------


def gen_grad(out):
    cases = []

    def vjp_case(name, desc, fn, args, meta, rng):
        y, pullback = jax.vjp(fn, *args)
        dy = rng.standard_normal(y.shape).astype(np.float32)
        grads = pullback(dy)
        cases.append({
            "name": name, "description": desc, **meta,
            "inputs": [oc.tensor_json(np.asarray(a)) for a in args],
            "output": oc.tensor_json(np.asarray(y)),
            "dy": oc.tensor_json(dy),
            "grads": [oc.tensor_json(np.asarray(g)) for g in grads],
        })

    rng = np.random.RandomState(oc.seed_for("grad"))
    for i, (ins, k, s, d, p, g) in enumerate([((2, 7, 6, 4), (3, 2), (1, 1), (1, 1), "valid", 1), ((2, 8, 9, 4), (2, 3), (2, 1), (1, 1), "same", 2),
                                               ((2, 9, 3), (3,), (2,), (1,), "same", 1), ((2, 9, 3), (3,), (1,), (2,), "valid", 1), ((1, 4, 5, 4, 2), (2, 3, 2), (1, 2, 1), (1, 1, 1), "same", 1)]):
        x = rng.standard_normal(ins).astype(np.float32)
        w = rng.standard_normal(k + (ins[-1] // g, 4)).astype(np.float32)
        vjp_case(f"conv_{i}", f"conv {p} strides {s} dilation {d} groups {g}",
                 lambda x, w, s=s, p=p, d=d: ops.conv(x, w, strides=s, padding=p, dilation_rate=d),
                 (x, w), {"op": "conv", "strides": list(s), "padding": p, "dilation": list(d), "groups": g}, rng)
    for i, (ins, k, s, d, p, op) in enumerate([((2, 5, 4, 3), (3, 3), (2, 2), (1, 1), "valid", None), ((2, 5, 4, 3), (4, 3), (2, 2), (1, 1), "same", (1, 0)),
                                                ((2, 6, 3), (3,), (1,), (2,), "same", None)]):
        x = rng.standard_normal(ins).astype(np.float32)
        w = rng.standard_normal(k + (2, ins[-1])).astype(np.float32)
        vjp_case(f"conv_transpose_{i}", f"conv_transpose {p} strides {s} dilation {d} output_padding {op}",
                 lambda x, w, s=s, p=p, d=d, op=op: ops.conv_transpose(x, w, strides=s, padding=p, output_padding=op, dilation_rate=d),
                 (x, w), {"op": "conv_transpose", "strides": list(s), "padding": p, "dilation": list(d), "output_padding": None if op is None else list(op)}, rng)
    for i, (ins, k, s, d, p, m) in enumerate([((2, 7, 6, 3), (3, 3), (1, 1), (1, 1), "same", 2), ((2, 9, 4), (3,), (2,), (1,), "valid", 1)]):
        x = rng.standard_normal(ins).astype(np.float32)
        w = rng.standard_normal(k + (ins[-1], m)).astype(np.float32)
        vjp_case(f"depthwise_{i}", f"depthwise_conv {p} strides {s} multiplier {m}",
                 lambda x, w, s=s, p=p, d=d: ops.depthwise_conv(x, w, strides=s, padding=p, dilation_rate=d),
                 (x, w), {"op": "depthwise_conv", "strides": list(s), "padding": p, "dilation": list(d)}, rng)
    # Pooling on integer-valued inputs: many tied maxima inside windows, overlapping windows too.
    for i, (ins, k, s, p) in enumerate([((2, 6, 6, 3), (2, 2), (2, 2), "valid"), ((2, 7, 6, 3), (3, 3), (1, 1), "same"), ((2, 9, 3), (3,), (2,), "same"),
                                         ((1, 4, 5, 4, 2), (2, 2, 2), (1, 2, 1), "valid")]):
        x = np.round(rng.standard_normal(ins) * 0.8).astype(np.float32)
        for mode in ("max", "avg"):
            fn = (lambda x, k=k, s=s, p=p: ops.max_pool(x, k, s, p)) if mode == "max" else (lambda x, k=k, s=s, p=p: ops.average_pool(x, k, s, p))
            vjp_case(f"{mode}_pool_{i}", f"{mode} pool {k} strides {s} {p} on tied (integer) inputs", fn, (x,),
                     {"op": f"{mode}_pool", "pool_size": list(k), "strides": list(s), "padding": p}, rng)
    x = np.round(rng.standard_normal((3, 6, 4)) * 0.7).astype(np.float32)
    x[0, :, 0] = 0.0
    vjp_case("global_max_ties", "max over the steps axis with ties (jnp.max shares the gradient)", lambda x: ops.max(x, axis=1), (x,), {"op": "global_max"}, rng)
    x = rng.standard_normal((3, 6, 4)).astype(np.float32)
    vjp_case("global_avg", "mean over the steps axis", lambda x: ops.mean(x, axis=1), (x,), {"op": "global_avg"}, rng)
    for c in cases:
        write(os.path.join(out, "grad", f"{c['name']}.json"), c)
    print(f"  grad: {len(cases)} cases")


# ----------------------------------------------------------------------------
# legacy layouts: Keras 1 configs and kernels, Theano-flipped kernels
# ----------------------------------------------------------------------------


def convert_kernel(k):
    """keras.utils.conv_utils.convert_kernel (Keras 2): flip every spatial axis."""
    k = np.asarray(k)
    sl = [slice(None, None, -1)] * k.ndim
    sl[-2:] = [slice(None), slice(None)]
    return np.copy(k[tuple(sl)])


def k1_base(name, batch_input_shape=None):
    cfg = {"name": name, "trainable": True}
    if batch_input_shape is not None:
        cfg["batch_input_shape"] = list(batch_input_shape)
        cfg["input_dtype"] = "float32"
    return cfg


def k1_conv2d(name, nb_filter, nb_row, nb_col, dim_ordering, border_mode="valid", subsample=(1, 1), activation="linear", batch_input_shape=None, atrous=None):
    cfg = k1_base(name, batch_input_shape)
    cfg.update({"nb_filter": nb_filter, "nb_row": nb_row, "nb_col": nb_col, "init": "glorot_uniform", "activation": activation,
                "border_mode": border_mode, "subsample": list(subsample), "dim_ordering": dim_ordering, "W_regularizer": None,
                "b_regularizer": None, "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True})
    if atrous is not None:
        cfg["atrous_rate"] = list(atrous)
        return {"class_name": "AtrousConvolution2D", "config": cfg}
    return {"class_name": "Convolution2D", "config": cfg}


def k1_conv1d(name, nb_filter, filter_length, border_mode="valid", subsample_length=1, activation="linear", input_dim=None, input_length=None):
    cfg = k1_base(name)
    cfg.update({"nb_filter": nb_filter, "filter_length": filter_length, "init": "glorot_uniform", "activation": activation,
                "border_mode": border_mode, "subsample_length": subsample_length, "W_regularizer": None, "b_regularizer": None,
                "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True,
                "input_dim": input_dim, "input_length": input_length})
    return {"class_name": "Convolution1D", "config": cfg}


def k1_pool2d(cls, name, pool_size, dim_ordering, border_mode="valid", strides=None):
    cfg = k1_base(name)
    cfg.update({"pool_size": list(pool_size), "border_mode": border_mode, "strides": None if strides is None else list(strides), "dim_ordering": dim_ordering})
    return {"class_name": cls, "config": cfg}


def k1_pool1d(cls, name, pool_length, stride=None, border_mode="valid"):
    cfg = k1_base(name)
    cfg.update({"stride": stride, "pool_length": pool_length, "border_mode": border_mode})
    return {"class_name": cls, "config": cfg}


def k1_global(cls, name, dim_ordering=None):
    cfg = k1_base(name)
    if dim_ordering is not None:
        cfg["dim_ordering"] = dim_ordering
    return {"class_name": cls, "config": cfg}


def k1_dense(name, output_dim, activation="linear"):
    cfg = k1_base(name)
    cfg.update({"output_dim": output_dim, "init": "glorot_uniform", "activation": activation, "W_regularizer": None, "b_regularizer": None,
                "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True, "input_dim": None})
    return {"class_name": "Dense", "config": cfg}


def gen_legacy(out):
    cases = []

    # 1. Keras 1, 'th' dim ordering (channels_first), TensorFlow backend: kernels stored (filters, in, rows, cols).
    name = "k1_conv2d_th_tf"
    rng = np.random.RandomState(oc.seed_for(name))
    keras.backend.clear_session()
    ref = keras.Sequential([keras.Input((2, 7, 6)), L.Conv2D(3, (3, 2), padding="same", data_format="channels_first", activation="relu"),
                            L.MaxPooling2D((2, 2), data_format="channels_first"), L.Conv2D(2, 2, strides=(1, 2), data_format="channels_first"),
                            L.GlobalAveragePooling2D(data_format="channels_first"), L.Dense(2)])
    w = oc.draw_weights(rng, [tuple(v.shape) for v in ref.get_weights()], 0.5)
    ref.set_weights(w)
    x = oc.draw_input(rng, (2, 2, 7, 6))
    y = np.asarray(ref.predict(x, verbose=0))
    stored = [np.transpose(w[0], (3, 2, 0, 1)), w[1], np.transpose(w[2], (3, 2, 0, 1)), w[3], w[4], w[5]]
    cases.append({
        "name": name, "description": "Keras 1 Convolution2D/MaxPooling2D/GlobalAveragePooling2D with dim_ordering 'th' (TensorFlow backend): kernels stored (filters, in, rows, cols)",
        "keras_version": "1.2.2", "backend": None,
        "model_json": {"class_name": "Sequential", "config": [
            k1_conv2d("convolution2d_1", 3, 3, 2, "th", border_mode="same", activation="relu", batch_input_shape=(None, 2, 7, 6)),
            k1_pool2d("MaxPooling2D", "maxpooling2d_1", (2, 2), "th"),
            k1_conv2d("convolution2d_2", 2, 2, 2, "th", subsample=(1, 2)),
            k1_global("GlobalAveragePooling2D", "globalaveragepooling2d_1", "th"),
            k1_dense("dense_1", 2)], "keras_version": "1.2.2"},
        "stored_weights": [oc.tensor_json(a) for a in stored],
        "weights": [oc.tensor_json(a) for a in w],
        "input": oc.tensor_json(x), "output": oc.tensor_json(y),
    })

    # 2. Keras 1 Convolution1D (kernel stored (len, 1, in, filters)), AtrousConvolution1D, pooling with pool_length/stride.
    name = "k1_conv1d"
    rng = np.random.RandomState(oc.seed_for(name))
    keras.backend.clear_session()
    ref = keras.Sequential([keras.Input((12, 3)), L.Conv1D(4, 3, padding="same", activation="tanh"), L.MaxPooling1D(2, strides=1),
                            L.Conv1D(3, 2, dilation_rate=2), L.AveragePooling1D(2), L.GlobalMaxPooling1D()])
    w = oc.draw_weights(rng, [tuple(v.shape) for v in ref.get_weights()], 0.5)
    ref.set_weights(w)
    x = oc.draw_input(rng, (2, 12, 3))
    y = np.asarray(ref.predict(x, verbose=0))
    atrous = k1_conv1d("atrousconvolution1d_1", 3, 2)
    atrous["class_name"] = "AtrousConvolution1D"
    atrous["config"]["atrous_rate"] = 2
    stored = [w[0][:, None, :, :], w[1], w[2][:, None, :, :], w[3]]
    cases.append({
        "name": name, "description": "Keras 1 Convolution1D (input_dim/input_length on the first layer, kernel stored (len, 1, in, filters)), AtrousConvolution1D, MaxPooling1D(pool_length, stride), AveragePooling1D, GlobalMaxPooling1D",
        "keras_version": "1.2.2", "backend": None,
        "model_json": {"class_name": "Sequential", "config": [
            k1_conv1d("convolution1d_1", 4, 3, border_mode="same", activation="tanh", input_dim=3, input_length=12),
            k1_pool1d("MaxPooling1D", "maxpooling1d_1", 2, stride=1),
            atrous,
            k1_pool1d("AveragePooling1D", "averagepooling1d_1", 2),
            k1_global("GlobalMaxPooling1D", "globalmaxpooling1d_1")], "keras_version": "1.2.2"},
        "stored_weights": [oc.tensor_json(a) for a in stored],
        "weights": [oc.tensor_json(a) for a in w],
        "input": oc.tensor_json(x), "output": oc.tensor_json(y),
    })

    # 3. Keras 2.0.8 file written with the Theano backend (channels_last): kernels stored flipped.
    for version in ("2.0.8", "2.2.4"):
        name = f"k2_theano_flip_{version.replace('.', '')}"
        rng = np.random.RandomState(oc.seed_for(name))
        keras.backend.clear_session()
        ref = keras.Sequential([keras.Input((8, 7, 2)), L.Conv2D(3, (3, 2), activation="relu"), L.Conv2DTranspose(2, 3, strides=2),
                                L.SeparableConv2D(2, 3), L.GlobalAveragePooling2D(), L.Dense(1)])
        w = oc.draw_weights(rng, [tuple(v.shape) for v in ref.get_weights()], 0.5)
        ref.set_weights(w)
        x = oc.draw_input(rng, (2, 8, 7, 2))
        y = np.asarray(ref.predict(x, verbose=0))
        # Theano's conv2d flips its kernel (true convolution): the file holds flipped Conv2D and
        # Conv2DTranspose kernels. Theano's depthwise/separable kernels are pre-flipped by the Keras
        # backend (correlation), so they are stored as today.
        stored = [convert_kernel(w[0]), w[1], convert_kernel(w[2]), w[3], w[4], w[5], w[6], w[7], w[8]]
        model_json = json.loads(ref.to_json())
        cases.append({
            "name": name, "description": f"a Keras {version} file from the Theano backend: Conv2D and Conv2DTranspose kernels stored flipped (convert_kernel), separable kernels not",
            "keras_version": version, "backend": "theano",
            "model_json": model_json,
            "stored_weights": [oc.tensor_json(a) for a in stored],
            "weights": [oc.tensor_json(a) for a in w],
            "input": oc.tensor_json(x), "output": oc.tensor_json(y),
        })

    # 4. A Keras 1 Theano file (Conv1D, th ordering in 2-D): kernels stored in Keras 1 layout AND flipped.
    name = "k1_theano_conv"
    rng = np.random.RandomState(oc.seed_for(name))
    keras.backend.clear_session()
    ref = keras.Sequential([keras.Input((1, 6, 5)), L.Conv2D(2, 3, data_format="channels_first"), L.GlobalMaxPooling2D(data_format="channels_first")])
    w = oc.draw_weights(rng, [tuple(v.shape) for v in ref.get_weights()], 0.5)
    ref.set_weights(w)
    x = oc.draw_input(rng, (2, 1, 6, 5))
    y = np.asarray(ref.predict(x, verbose=0))
    stored = [np.transpose(convert_kernel(w[0]), (3, 2, 0, 1)), w[1]]
    cases.append({
        "name": name, "description": "a Keras 1 file from the Theano backend (known from outside the file: Keras 1 does not record it): th kernel layout, flipped",
        "keras_version": "1.2.2", "backend": "theano",
        "model_json": {"class_name": "Sequential", "config": [
            k1_conv2d("convolution2d_1", 2, 3, 3, "th", batch_input_shape=(None, 1, 6, 5)),
            k1_global("GlobalMaxPooling2D", "globalmaxpooling2d_1", "th")], "keras_version": "1.2.2"},
        "stored_weights": [oc.tensor_json(a) for a in stored],
        "weights": [oc.tensor_json(a) for a in w],
        "input": oc.tensor_json(x), "output": oc.tensor_json(y),
    })
    for c in cases:
        write(os.path.join(out, "legacy", f"{c['name']}.json"), c)
        write_legacy_h5(os.path.join(out, "legacy", f"{c['name']}.h5"), c)
    print(f"  legacy: {len(cases)} cases")


def write_legacy_h5(path, case):
    """The case as the file its Keras wrote (KERAS-FORMAT 2.1): Keras 1 records no backend and keeps
    keras_version only at the root; Keras 2 puts both on model_weights too. Weight names as those eras
    named them (`convolution2d_1_W`, `conv2d_1/kernel:0`)."""
    import h5py

    cfg = case["model_json"]
    entries = cfg["config"] if isinstance(cfg["config"], list) else cfg["config"]["layers"]
    entries = [e for e in entries if e["class_name"] != "InputLayer"]
    keras1 = case["keras_version"].startswith("1")
    stored = [np.asarray(a["values"], dtype=np.float32).reshape(a["shape"]) for a in case["stored_weights"]]
    per_layer = {"Convolution2D": 2, "Convolution1D": 2, "AtrousConvolution1D": 2, "Dense": 2, "Conv2D": 2, "Conv2DTranspose": 2, "SeparableConv2D": 3}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = case["keras_version"].encode("utf8")
        if not keras1:
            f.attrs["backend"] = case["backend"].encode("utf8")
        model_config = {"class_name": "Sequential", "config": cfg["config"]}
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        g = f.create_group("model_weights")
        names = []
        k = 0
        for e in entries:
            name = e["config"]["name"]
            names.append(name.encode("utf8"))
            lg = g.create_group(name)
            n = per_layer.get(e["class_name"], 0)
            wnames = []
            for j in range(n):
                if keras1:
                    wn = f"{name}_{'W' if j == 0 else 'b'}"
                else:
                    wn = f"{name}/" + (["kernel:0", "bias:0"] if n == 2 else ["depthwise_kernel:0", "pointwise_kernel:0", "bias:0"])[j]
                lg.create_dataset(wn, data=stored[k])
                k += 1
                wnames.append(wn.encode("utf8"))
            lg.attrs["weight_names"] = np.array(wnames, dtype=f"S{max([len(w) for w in wnames] + [1])}") if wnames else np.zeros((0,), dtype=np.float64)
        g.attrs["layer_names"] = np.array(names, dtype=f"S{max(len(n) for n in names)}")
        if not keras1:
            g.attrs["backend"] = case["backend"].encode("utf8")
            g.attrs["keras_version"] = case["keras_version"].encode("utf8")
        assert k == len(stored), (case["name"], k, len(stored))


# ----------------------------------------------------------------------------
# fit
# ----------------------------------------------------------------------------

from gen_train_fixtures import history_json, opt_vars, serialize_loss, serialize_optimizer  # noqa: E402


def strip_module(v):
    """A get_config() value with Keras 3's module/registered_name wrappers removed."""
    if isinstance(v, dict):
        if "class_name" in v and "config" in v:
            return {"class_name": v["class_name"], "config": strip_module(v["config"])}
        return {k: strip_module(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [strip_module(x) for x in v]
    return v


class Fit:
    def __init__(self, name, description, input_shape, factories, optimizer, loss, y, *, n=24, epochs=3, batch_size=8,
                 metrics=None, x_scale=1.0, resume_after=None):
        self.name, self.description, self.input_shape, self.factories = name, description, input_shape, factories
        self.optimizer, self.loss, self.y, self.n, self.epochs, self.batch_size = optimizer, loss, y, n, epochs, batch_size
        self.metrics, self.x_scale, self.resume_after = metrics, x_scale, resume_after


O = keras.optimizers


def reg(units):
    return lambda rng, n: (rng.standard_normal((n, units)) * 0.8).astype(np.float32)


def onehot(classes):
    return lambda rng, n: np.eye(classes, dtype=np.float32)[rng.randint(0, classes, size=n)]


FITS = [
    Fit("conv1d_pool_gmp_adam", "Conv1D(4,3,same,relu) -> MaxPooling1D(2) -> Conv1D(3,2,causal,dilation 2) -> GlobalMaxPooling1D -> Dense(1), Adam, mse",
        (10, 3), [lambda: L.Conv1D(4, 3, padding="same", activation="relu"), lambda: L.MaxPooling1D(2), lambda: L.Conv1D(3, 2, padding="causal", dilation_rate=2),
                  lambda: L.GlobalMaxPooling1D(), lambda: L.Dense(1)],
        lambda: O.Adam(learning_rate=0.01), "mse", reg(1), metrics=["mae"], resume_after=1),
    Fit("conv2d_pool_gap_sgd", "Conv2D(4,3,relu) -> MaxPooling2D(2, same) -> Conv2D(4,2,groups 2) -> AveragePooling2D(2) -> GlobalAveragePooling2D -> Dense(3, softmax), SGD momentum, cce",
        (9, 9, 2), [lambda: L.Conv2D(4, 3, activation="relu"), lambda: L.MaxPooling2D(2, padding="same"), lambda: L.Conv2D(4, 2, groups=2),
                    lambda: L.AveragePooling2D(2), lambda: L.GlobalAveragePooling2D(), lambda: L.Dense(3, activation="softmax")],
        lambda: O.SGD(learning_rate=0.05, momentum=0.9), "categorical_crossentropy", onehot(3), metrics=["accuracy"]),
    Fit("separable_depthwise_rmsprop", "SeparableConv2D(4,3,depth_multiplier 2,same,relu) -> DepthwiseConv2D(3, strides 2) -> GlobalMaxPooling2D -> Dense(2), RMSprop",
        (8, 8, 2), [lambda: L.SeparableConv2D(4, 3, depth_multiplier=2, padding="same", activation="relu"), lambda: L.DepthwiseConv2D(3, strides=2),
                    lambda: L.GlobalMaxPooling2D(), lambda: L.Dense(2)],
        lambda: O.RMSprop(learning_rate=0.005), "mse", reg(2), resume_after=2),
    Fit("transpose_adam", "Conv2DTranspose(3,3,strides 2,same,relu) -> Conv2D(2,3,strides 2) -> GlobalAveragePooling2D -> Dense(1), Adam",
        (4, 5, 2), [lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"), lambda: L.Conv2D(2, 3, strides=2),
                    lambda: L.GlobalAveragePooling2D(), lambda: L.Dense(1)],
        lambda: O.Adam(learning_rate=0.01), "mse", reg(1)),
    Fit("conv1d_transpose_separable1d", "SeparableConv1D(3,3,same) -> Conv1DTranspose(2,3,strides 2,output_padding 1) -> DepthwiseConv1D(2,depth_multiplier 2) -> AveragePooling1D(3, strides 2, same) -> GlobalAveragePooling1D -> Dense(1), Adam",
        (7, 3), [lambda: L.SeparableConv1D(3, 3, padding="same"), lambda: L.Conv1DTranspose(2, 3, strides=2, output_padding=1),
                 lambda: L.DepthwiseConv1D(2, depth_multiplier=2), lambda: L.AveragePooling1D(3, strides=2, padding="same"),
                 lambda: L.GlobalAveragePooling1D(), lambda: L.Dense(1)],
        lambda: O.Adam(learning_rate=0.01), "mse", reg(1)),
    Fit("channels_first_adam", "Conv2D(3,3,same,relu,channels_first) -> MaxPooling2D(channels_first) -> Conv2D(2,2,channels_first,tanh) -> GlobalAveragePooling2D(channels_first) -> Dense(2), Adam",
        (2, 8, 6), [lambda: L.Conv2D(3, 3, padding="same", activation="relu", data_format="channels_first"), lambda: L.MaxPooling2D(data_format="channels_first"),
                    lambda: L.Conv2D(2, 2, activation="tanh", data_format="channels_first"), lambda: L.GlobalAveragePooling2D(data_format="channels_first"), lambda: L.Dense(2)],
        lambda: O.Adam(learning_rate=0.01), "mse", reg(2)),
    Fit("conv3d_pool_adagrad", "Conv3D(3,2,relu) -> MaxPooling3D(2, same) -> GlobalAveragePooling3D -> Dense(1), Adagrad",
        (4, 5, 4, 2), [lambda: L.Conv3D(3, 2, activation="relu"), lambda: L.MaxPooling3D(2, padding="same"), lambda: L.GlobalAveragePooling3D(), lambda: L.Dense(1)],
        lambda: O.Adagrad(learning_rate=0.1), "mse", reg(1), n=16),
    Fit("maxpool_ties_first_layer_conv", "Conv2D(3,(2,1),no bias, equal taps) on integer-valued input -> MaxPooling2D(2, strides 1) (overlapping windows, tied maxima from different inputs) -> GlobalMaxPooling2D (tied maxima) -> Dense(1), SGD",
        (5, 5, 1), [lambda: L.Conv2D(3, (2, 1), use_bias=False), lambda: L.MaxPooling2D(2, strides=1), lambda: L.GlobalMaxPooling2D(), lambda: L.Dense(1)],
        lambda: O.SGD(learning_rate=0.05), "mse", reg(1), x_scale=-1.0),
    Fit("winograd_conv2d_adam", "Conv2D(16,3,same,relu) -> Conv2D(16,3,same) -> GlobalAveragePooling2D -> Dense(2), Adam (kerasts' Winograd path forward and for the input gradient; 400 tiles per batch)",
        (9, 9, 2), [lambda: L.Conv2D(16, 3, padding="same", activation="relu"), lambda: L.Conv2D(16, 3, padding="same"),
                    lambda: L.GlobalAveragePooling2D(), lambda: L.Dense(2)],
        lambda: O.Adam(learning_rate=0.01), "mse", reg(2), n=32, batch_size=16, epochs=2, x_scale=0.5),
]


def build_fit_model(case):
    model = keras.Sequential([keras.Input(shape=case.input_shape)] + [f() for f in case.factories])
    return model


def gen_train(out):
    for case in FITS:
        keras.backend.clear_session()
        rng = np.random.RandomState(oc.seed_for(case.name))
        model = build_fit_model(case)
        init = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.4)
        if case.x_scale < 0:
            # integer-valued inputs and a kernel whose taps are equal (per filter): windows (1, 2) and
            # (2, 1) tie but send their gradient to different kernel taps, so which tied maximum gets the
            # gradient shows in the weights after the first step
            x = np.round(rng.standard_normal((case.n,) + case.input_shape) * 0.8).astype(np.float32)
            init[0] = np.broadcast_to(np.abs(init[0]).mean(axis=(0, 1, 2), keepdims=True) + 0.1, init[0].shape).astype(np.float32).copy()
        else:
            x = oc.draw_input(rng, (case.n,) + case.input_shape, case.x_scale)
        model.set_weights(init)
        y = case.y(rng, case.n)
        opt = case.optimizer()
        model.compile(optimizer=opt, loss=case.loss, metrics=case.metrics)
        layers = [{"class_name": l.__class__.__name__, "config": strip_module(l.get_config())} for l in model.layers]
        for entry in layers:
            entry["config"]["dtype"] = "float32"
        data = {
            "description": case.description,
            "keras_version": keras.__version__,
            "input_shape": list(case.input_shape),
            "layers": layers,
            "initial_weights": [oc.tensor_json(w) for w in init],
            "x": oc.tensor_json(x),
            "y": oc.tensor_json(y),
            "compile": {"optimizer": serialize_optimizer(opt), "loss": serialize_loss(case.loss), "metrics": case.metrics},
            "fit": {"epochs": case.epochs, "batch_size": case.batch_size, "shuffle": False},
        }
        fit_kw = dict(batch_size=case.batch_size, shuffle=False, verbose=0)
        if case.resume_after:
            h1 = model.fit(x, y, epochs=case.resume_after, **fit_kw)
            data["resume"] = {"after_epochs": case.resume_after, "history": history_json(h1),
                              "weights": [oc.tensor_json(w) for w in model.get_weights()], "optimizer_variables": opt_vars(opt)}
            h2 = model.fit(x, y, epochs=case.epochs, initial_epoch=case.resume_after, **fit_kw)
            hist = {k: data["resume"]["history"][k] + v for k, v in history_json(h2).items()}
        else:
            hist = history_json(model.fit(x, y, epochs=case.epochs, **fit_kw))
        data["history"] = hist
        data["weights"] = [oc.tensor_json(w) for w in model.get_weights()]
        data["optimizer_variables"] = opt_vars(opt)
        write(os.path.join(out, "train", f"{case.name}.json"), data)
        print(f"  train {case.name}: loss {hist['loss'][0]:.5f} -> {hist['loss'][-1]:.5f}")


KINDS = {"predict": gen_predict, "layer": gen_layer, "grad": gen_grad, "legacy": gen_legacy, "train": gen_train}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*", choices=sorted(KINDS))
    args = ap.parse_args()
    for kind, fn in KINDS.items():
        if args.only and kind not in args.only:
            continue
        fn(args.out)


if __name__ == "__main__":
    main()
