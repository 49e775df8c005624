#!/usr/bin/env python3
"""Generate the kerasts fixtures of the normalization, preprocessing and reshaping layers with real
Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_norm_fixtures.py [--out DIR] [--only NAME...]

Two kinds of case, both under tools/oracle/fixtures/norm (default):

* predict cases (`predict/<name>.json`, same shape as fixtures/predict): a Sequential model's
  `to_json()`, the legacy `.h5` `model_config`, its weights (drawn, with positive variances), an input
  batch and Keras' `predict` output;
* fit cases (`fit/<name>.json`, same shape as fixtures/train): a model spec, initial weights, data,
  compile/fit setup, and what `fit(shuffle=False)` ends with: history, every weight (the moving
  statistics of BatchNormalization included) and the optimizer variables.

Everything is drawn from numpy RandomState(crc32(case name)), so a rerun rewrites identical files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402  (sets KERAS_BACKEND before keras)

import h5py  # noqa: E402
import numpy as np  # noqa: E402

keras = oc.import_keras()
from keras import layers  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "norm")

# Weights whose value must be positive (variances): drawn as 0.5 + |N(0,1)|·scale.
POSITIVE = ("moving_variance", "variance")


# ----------------------------------------------------------------------------
# predict cases
# ----------------------------------------------------------------------------


class P:
    """A predict case: `build()` returns a built Keras Sequential."""

    def __init__(self, name, description, build, input_shape, *, input_scale=1.0, weight_scale=0.5,
                 input_offset=0.0, weights=None):
        self.name = name
        self.description = description
        self.build = build
        self.input_shape = tuple(input_shape)
        self.input_scale = input_scale
        self.input_offset = input_offset
        self.weight_scale = weight_scale
        self.weights = weights  # optional (rng, model) -> list of arrays


def S(*ls, name=None):
    return lambda: keras.Sequential(list(ls), name=name)


Inp, D = keras.Input, layers.Dense


def predict_cases():
    c = []
    add = c.append
    # --- reshaping -------------------------------------------------------------
    add(P("flatten_dense", "Input(4,3,2) -> Flatten -> Dense(3, tanh)",
          lambda: S(Inp((4, 3, 2)), layers.Flatten(), D(3, activation="tanh"))(), (5, 4, 3, 2)))
    add(P("flatten_channels_first", "Input(3,4,2) -> Flatten(data_format=channels_first) -> Dense(2): "
          "channels moved last before flattening",
          lambda: S(Inp((3, 4, 2)), layers.Flatten(data_format="channels_first"), D(2))(), (5, 3, 4, 2)))
    add(P("flatten_channels_first_3d", "Input(3,5) -> Flatten(channels_first) (rank 3: (batch, c, steps) -> steps, c)",
          lambda: S(Inp((3, 5)), layers.Flatten(data_format="channels_first"))(), (4, 3, 5)))
    add(P("reshape_minus1", "Input(12) -> Dense(12) -> Reshape((-1, 3)) -> Dense(2) on the 3-D result",
          lambda: S(Inp((12,)), D(12), layers.Reshape((-1, 3)), D(2))(), (5, 12)))
    add(P("reshape_4d_flatten", "Input(6,4) -> Reshape((2, 3, 4)) -> Flatten -> Dense(1)",
          lambda: S(Inp((6, 4)), layers.Reshape((2, 3, 4)), layers.Flatten(), D(1))(), (3, 6, 4)))
    add(P("permute_3d", "Input(3,4,2) -> Permute((3,1,2)) -> Dense(2)",
          lambda: S(Inp((3, 4, 2)), layers.Permute((3, 1, 2)), D(2))(), (4, 3, 4, 2)))
    add(P("permute_swap", "Input(5,3) -> Permute((2,1)) -> Dense(2) (time and features swapped)",
          lambda: S(Inp((5, 3)), layers.Permute((2, 1)), D(2))(), (4, 5, 3)))
    add(P("zero_padding_all", "Input(5,3) -> ZeroPadding1D((1,2)) -> Reshape((8,3,1)) -> ZeroPadding2D(((1,0),(2,1))) -> "
          "Reshape((9,6,1,1)) -> ZeroPadding3D(1) -> Flatten -> Dense(2)",
          lambda: S(Inp((5, 3)), layers.ZeroPadding1D((1, 2)), layers.Reshape((8, 3, 1)),
                    layers.ZeroPadding2D(((1, 0), (2, 1))), layers.Reshape((9, 6, 1, 1)), layers.ZeroPadding3D(1),
                    layers.Flatten(), D(2))(), (3, 5, 3)))
    add(P("zero_padding2d_channels_first", "Input(2,3,4) -> ZeroPadding2D((1,2), channels_first) -> Flatten -> Dense(2)",
          lambda: S(Inp((2, 3, 4)), layers.ZeroPadding2D((1, 2), data_format="channels_first"), layers.Flatten(), D(2))(),
          (3, 2, 3, 4)))
    add(P("cropping_all", "Input(8,6,5,2) -> Cropping3D(((1,0),(2,1),(0,1))) -> Reshape((7,3,8)) -> Cropping2D(((1,2),(0,1))) -> "
          "Reshape((4,16)) -> Cropping1D((1,1)) -> Flatten -> Dense(2)",
          lambda: S(Inp((8, 6, 5, 2)), layers.Cropping3D(((1, 0), (2, 1), (0, 1))), layers.Reshape((7, 3, 8)),
                    layers.Cropping2D(((1, 2), (0, 1))), layers.Reshape((4, 16)), layers.Cropping1D((1, 1)),
                    layers.Flatten(), D(2))(), (2, 8, 6, 5, 2)))
    add(P("cropping2d_channels_first", "Input(2,5,6) -> Cropping2D(((1,1),(2,0)), channels_first) -> Flatten -> Dense(2)",
          lambda: S(Inp((2, 5, 6)), layers.Cropping2D(((1, 1), (2, 0)), data_format="channels_first"), layers.Flatten(), D(2))(),
          (3, 2, 5, 6)))
    add(P("upsampling_nearest_all", "Input(3,2) -> UpSampling1D(3) -> Reshape((3,3,2)) -> UpSampling2D((2,1)) -> "
          "Reshape((2,3,3,2)) -> UpSampling3D((1,2,2)) -> Flatten -> Dense(3)",
          lambda: S(Inp((3, 2)), layers.UpSampling1D(3), layers.Reshape((3, 3, 2)), layers.UpSampling2D((2, 1)),
                    layers.Reshape((2, 3, 3, 2)), layers.UpSampling3D((1, 2, 2)), layers.Flatten(), D(3))(), (2, 3, 2)))
    add(P("upsampling2d_bilinear", "Input(3,4,2) -> UpSampling2D((2,3), interpolation=bilinear) (jax.image.resize)",
          lambda: S(Inp((3, 4, 2)), layers.UpSampling2D((2, 3), interpolation="bilinear"))(), (2, 3, 4, 2), input_scale=2.0))
    add(P("upsampling2d_bilinear_cf", "Input(2,3,3) -> UpSampling2D(2, bilinear, channels_first) -> Flatten -> Dense(2)",
          lambda: S(Inp((2, 3, 3)), layers.UpSampling2D(2, interpolation="bilinear", data_format="channels_first"),
                    layers.Flatten(), D(2))(), (2, 2, 3, 3)))
    add(P("upsampling3d_channels_first", "Input(2,2,3,2) -> UpSampling3D((2,1,3), channels_first) -> Flatten -> Dense(2)",
          lambda: S(Inp((2, 2, 3, 2)), layers.UpSampling3D((2, 1, 3), data_format="channels_first"), layers.Flatten(), D(2))(),
          (2, 2, 2, 3, 2)))
    # --- normalization -----------------------------------------------------------
    BN, LN, GN = layers.BatchNormalization, layers.LayerNormalization, layers.GroupNormalization
    add(P("bn_dense", "Dense(6) -> BatchNormalization -> Dense(2); inference with drawn moving statistics",
          lambda: S(Inp((4,)), D(6), BN(), D(2))(), (7, 4)))
    add(P("bn_large_activations", "BatchNormalization on inputs of scale 50 with offset 100 (relative tolerance)",
          lambda: S(Inp((5,)), BN(epsilon=1e-5))(), (7, 5), input_scale=50.0, input_offset=100.0, weight_scale=20.0))
    add(P("bn_channels_first", "Input(3,4,2) -> BatchNormalization(axis=1, momentum=0.9, epsilon=0.01) -> Flatten -> Dense(2)",
          lambda: S(Inp((3, 4, 2)), BN(axis=1, momentum=0.9, epsilon=0.01), layers.Flatten(), D(2))(), (4, 3, 4, 2)))
    add(P("bn_axis2_3d", "Input(5,3) -> BatchNormalization(axis=-2) (per timestep) -> Flatten",
          lambda: S(Inp((5, 3)), BN(axis=-2))(), (4, 5, 3)))
    add(P("bn_no_center_no_scale", "Dense(4) -> BatchNormalization(center=False) -> BatchNormalization(scale=False) -> "
          "BatchNormalization(center=False, scale=False)",
          lambda: S(Inp((3,)), D(4), BN(center=False), BN(scale=False), BN(center=False, scale=False))(), (6, 3)))
    add(P("bn_frozen_4d", "Input(4,3,2) -> BatchNormalization (trainable=False) -> Flatten -> Dense(3, softmax)",
          lambda: S(Inp((4, 3, 2)), BN(trainable=False), layers.Flatten(), D(3, activation="softmax"))(), (3, 4, 3, 2)))
    add(P("ln_last_axis", "Dense(8) -> LayerNormalization -> Dense(2)",
          lambda: S(Inp((4,)), D(8), LN(), D(2))(), (6, 4)))
    add(P("ln_axes_12", "Input(4,3) -> LayerNormalization(axis=[1,2], epsilon=1e-5) -> Flatten -> Dense(2)",
          lambda: S(Inp((4, 3)), LN(axis=[1, 2], epsilon=1e-5), layers.Flatten(), D(2))(), (5, 4, 3), input_scale=3.0))
    add(P("ln_axis1_no_center", "Input(4,3) -> LayerNormalization(axis=1, center=False) -> LayerNormalization(scale=False)",
          lambda: S(Inp((4, 3)), LN(axis=1, center=False), LN(scale=False))(), (5, 4, 3)))
    # Large activations: inputs ~N(200, 100²). (With |mean| >> std, Keras' own float32 formula
    # x·inv + (β − mean·inv) cancels: at mean/std = 10 its noise alone is ~1e-5 of an output of 1.)
    add(P("ln_large_activations", "LayerNormalization on inputs of scale 100 with offset 200, gamma/beta scale 10",
          lambda: S(Inp((6,)), LN())(), (4, 6), input_scale=100.0, input_offset=200.0, weight_scale=10.0))
    add(P("ln_rms_scaling", "LayerNormalization(rms_scaling=True) (deprecated in Keras 3, still in configs)",
          lambda: S(Inp((6,)), LN(rms_scaling=True))(), (4, 6), input_offset=0.5))
    add(P("gn_groups2", "Input(5,6) -> GroupNormalization(groups=2) -> Flatten -> Dense(2)",
          lambda: S(Inp((5, 6)), GN(groups=2), layers.Flatten(), D(2))(), (3, 5, 6)))
    add(P("gn_instance_4d", "Input(3,2,4) -> GroupNormalization(groups=-1) (instance normalization)",
          lambda: S(Inp((3, 2, 4)), GN(groups=-1, epsilon=1e-4))(), (2, 3, 2, 4)))
    add(P("gn_channels_first", "Input(4,3,2) -> GroupNormalization(groups=2, axis=1, center=False)",
          lambda: S(Inp((4, 3, 2)), GN(groups=2, axis=1, center=False))(), (2, 4, 3, 2)))
    add(P("unit_norm", "Dense(5) -> UnitNormalization -> Input(3,4) style UnitNormalization(axis=[1,2]) on a reshape",
          lambda: S(Inp((4,)), D(6), layers.UnitNormalization(), layers.Reshape((2, 3)), layers.UnitNormalization(axis=[1, 2]))(),
          (5, 4)))
    # --- preprocessing -------------------------------------------------------------
    add(P("normalization_adapted", "Normalization() with mean/variance/count weights (adapted layer) -> Dense(2)",
          lambda: S(Inp((4,)), layers.Normalization(), D(2))(), (6, 4), input_scale=3.0, input_offset=2.0))
    add(P("normalization_axis_none_invert", "Normalization(axis=None, invert=True) with a scalar mean/variance weight",
          lambda: S(Inp((3, 2)), layers.Normalization(axis=None, invert=True))(), (4, 3, 2)))
    add(P("normalization_config_values", "Normalization(mean=[1,2,3], variance=[4,0.25,1e-20]) (values in the config, no weights)",
          lambda: S(Inp((2, 3)), layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 0.25, 1e-20]))(), (4, 2, 3)))
    add(P("normalization_axes_12", "Input(3,2) -> Normalization(axis=(1,2)) weights of shape (3,2)",
          lambda: S(Inp((3, 2)), layers.Normalization(axis=(1, 2)))(), (4, 3, 2)))
    add(P("rescaling", "Rescaling(1/255) -> Rescaling(2.0, offset=-1.0) -> Dense(2)",
          lambda: S(Inp((4,)), layers.Rescaling(1.0 / 255), layers.Rescaling(2.0, offset=-1.0), D(2))(), (4, 4),
          input_scale=100.0, input_offset=128.0))
    add(P("rescaling_per_channel", "Input(2,3) -> Rescaling(scale=[0.5, 2, -1], offset=[1, 0, 0.25])",
          lambda: S(Inp((2, 3)), layers.Rescaling([0.5, 2.0, -1.0], offset=[1.0, 0.0, 0.25]))(), (3, 2, 3)))
    return c


def legacy_model_config(model):
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        legacy_h5_format.save_model_to_hdf5(model, f, include_optimizer=False)
        raw = f.attrs["model_config"]
    if isinstance(raw, bytes):
        raw = raw.decode("utf8")
    return json.loads(raw)


def draw_for(rng, model, scale):
    out = []
    for w in model.weights:
        shape = tuple(w.shape)
        base = w.path.split("/")[-1]
        if base in POSITIVE:
            out.append((0.5 + np.abs(rng.standard_normal(shape)) * scale).astype(np.float32))
        elif base == "count":
            out.append(np.asarray(rng.randint(1, 100), dtype=np.float32).reshape(shape))
        else:
            out.append((rng.standard_normal(shape) * scale).astype(np.float32))
    return out


def gen_predict(case: P):
    keras.backend.clear_session()
    model = case.build()
    rng = np.random.RandomState(oc.seed_for(case.name))
    weights = case.weights(rng, model) if case.weights else draw_for(rng, model, case.weight_scale)
    if weights:
        model.set_weights(weights)
    # Keras' set_weights does not refresh what an adapted Normalization computes with (loading a
    # saved model does: load_own_variables -> finalize_state); do what loading does.
    for layer in model.layers:
        if hasattr(layer, "finalize_state"):
            layer.finalize_state()
    x = (oc.draw_input(rng, case.input_shape, case.input_scale) + np.float32(case.input_offset)).astype(np.float32)
    y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
    return {
        "name": case.name,
        "description": case.description,
        "keras_version": keras.__version__,
        "reference": f"keras-{keras.__version__}",
        "model_json": json.loads(model.to_json()),
        "model_config_h5": legacy_model_config(model),
        "weights": [{"name": w.path, **oc.tensor_json(np.asarray(a, dtype=np.float32))} for w, a in zip(model.weights, model.get_weights())],
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    }


# ----------------------------------------------------------------------------
# fit cases
# ----------------------------------------------------------------------------


def L_(cls, **config):
    """A layer of a fit case's model spec: a Keras class name and config (both sides deserialize it)."""
    return {"class_name": cls, "config": config}


class F:
    def __init__(self, name, description, input_shape, layers_, optimizer, loss, y, *, metrics=None, epochs=3,
                 batch_size=8, n=30, validation_split=None, resume_after=None, x_scale=2.0, x_offset=0.5):
        self.name = name
        self.description = description
        self.input_shape = list(input_shape)
        self.layers = layers_
        self.optimizer = optimizer
        self.loss = loss
        self.y = y
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.n = n
        self.validation_split = validation_split
        self.resume_after = resume_after
        self.x_scale = x_scale
        self.x_offset = x_offset


O = keras.optimizers


def reg_y(units=1):
    return lambda rng, n: (rng.standard_normal((n, units)) * 0.8).astype(np.float32)


def onehot_y(classes=3):
    return lambda rng, n: np.eye(classes, dtype=np.float32)[rng.randint(0, classes, size=n)]


L2 = {"class_name": "L2", "config": {"l2": 0.01}}
L1 = {"class_name": "L1", "config": {"l1": 0.01}}

FIT_CASES = [
    # A Dense bias right before a BatchNormalization in training has a zero true gradient (the batch
    # mean removes it); what Keras computes for it is float noise, which Adam-like optimizers scale up
    # to ~lr per step. Those cases use use_bias=False there, as BN models usually do.
    F("bn_mlp_adam", "Dense(8, use_bias=False) -> BatchNormalization -> relu -> Dense(1); Adam; 30 samples in batches of 8 "
      "(last batch 6); validation_split 0.2 (validation in inference mode)",
      [4], [L_("Dense", units=8, use_bias=False), L_("BatchNormalization"), L_("Activation", activation="relu"), L_("Dense", units=1)],
      lambda: O.Adam(learning_rate=0.01), "mse", reg_y(), metrics=["mae"], validation_split=0.2),
    F("bn_momentum_sgd_softmax", "Dense(6, tanh) -> BatchNormalization(momentum=0.9, epsilon=0.01) -> Dense(3, softmax); SGD momentum; cce",
      [4], [L_("Dense", units=6, activation="tanh"), L_("BatchNormalization", momentum=0.9, epsilon=0.01),
            L_("Dense", units=3, activation="softmax")],
      lambda: O.SGD(learning_rate=0.1, momentum=0.9), "categorical_crossentropy", onehot_y(3), metrics=["accuracy"]),
    F("bn_no_center_scale_rmsprop", "Dense(6, use_bias=False) -> BatchNormalization(center=False, scale=False) -> Dense(1); RMSprop",
      [4], [L_("Dense", units=6, use_bias=False), L_("BatchNormalization", center=False, scale=False), L_("Dense", units=1)],
      lambda: O.RMSprop(learning_rate=0.01), "mse", reg_y()),
    F("bn_frozen", "Dense(6) -> BatchNormalization(trainable=False) -> Dense(1): the frozen BN normalizes with its moving statistics",
      [4], [L_("Dense", units=6), L_("BatchNormalization", trainable=False), L_("Dense", units=1)],
      lambda: O.Adam(learning_rate=0.02), "mse", reg_y()),
    F("bn_first_layer", "BatchNormalization(momentum=0.8) first (no input gradient) -> Dense(2); Adam",
      [5], [L_("BatchNormalization", momentum=0.8), L_("Dense", units=2)],
      lambda: O.Adam(learning_rate=0.02), "mse", reg_y(2), x_scale=3.0, x_offset=2.0),
    F("bn_channels_first", "Input(3,4,2) -> BatchNormalization(axis=1) -> Flatten -> Dense(2); Adam",
      [3, 4, 2], [L_("BatchNormalization", axis=1), L_("Flatten"), L_("Dense", units=2)],
      lambda: O.Adam(learning_rate=0.01), "mse", reg_y(2), n=24),
    F("bn_4d_regularized", "Input(4,3,2) -> BatchNormalization(gamma L2, beta L1) -> Flatten -> Dense(3, softmax); Adam; cce",
      [4, 3, 2], [L_("BatchNormalization", gamma_regularizer=L2, beta_regularizer=L1), L_("Flatten"),
                  L_("Dense", units=3, activation="softmax")],
      lambda: O.Adam(learning_rate=0.01), "categorical_crossentropy", onehot_y(3), n=24),
    F("bn_3d_sequence", "Input(5,3) -> Dense(4, use_bias=False) -> BatchNormalization (over batch and time) -> Flatten -> Dense(1); Nadam",
      [5, 3], [L_("Dense", units=4, use_bias=False), L_("BatchNormalization", epsilon=1e-4), L_("Flatten"), L_("Dense", units=1)],
      lambda: O.Nadam(learning_rate=0.01), "mse", reg_y(), n=24),
    F("bn_resume_adam", "Dense(6, use_bias=False) -> BatchNormalization -> Dense(1); Adam; resumed after 2 epochs from "
      "Keras' weights (moving statistics included) and optimizer variables",
      [4], [L_("Dense", units=6, use_bias=False), L_("BatchNormalization"), L_("Dense", units=1)],
      lambda: O.Adam(learning_rate=0.01), "mse", reg_y(), epochs=4, resume_after=2),
    F("ln_gn_unit", "Dense(8) -> LayerNormalization -> Reshape((2,4)) -> GroupNormalization(groups=2) -> UnitNormalization -> "
      "Flatten -> Dense(1); Adam",
      [4], [L_("Dense", units=8), L_("LayerNormalization"), L_("Reshape", target_shape=[2, 4]), L_("GroupNormalization", groups=2),
            L_("UnitNormalization"), L_("Flatten"), L_("Dense", units=1)],
      lambda: O.Adam(learning_rate=0.02), "mse", reg_y()),
    F("ln_axes_rms", "Input(3,4) -> LayerNormalization(axis=[1,2]) -> LayerNormalization(rms_scaling=True) -> "
      "GroupNormalization(groups=-1, axis=1) -> Flatten -> Dense(2); Adam",
      [3, 4], [L_("LayerNormalization", axis=[1, 2]), L_("LayerNormalization", rms_scaling=True),
               L_("GroupNormalization", groups=-1, axis=1), L_("Flatten"), L_("Dense", units=2)],
      lambda: O.Adam(learning_rate=0.02), "mse", reg_y(2), n=24),
    F("normalization_rescaling", "Normalization (adapted weights) -> Rescaling(0.5, offset=0.1) -> Dense(4, relu) -> Dense(1); SGD",
      [4], [L_("Normalization"), L_("Rescaling", scale=0.5, offset=0.1), L_("Dense", units=4, activation="relu"),
            L_("Dense", units=1)],
      lambda: O.SGD(learning_rate=0.05), "mse", reg_y()),
    F("reshaping_stack", "Input(4,3,2) -> ZeroPadding2D(((1,0),(0,1))) -> Cropping2D(((0,1),(1,0))) -> UpSampling2D((2,1)) -> "
      "Permute((2,1,3)) -> Reshape((-1,2)) -> UpSampling1D(2) -> ZeroPadding1D(1) -> Cropping1D((1,0)) -> Flatten -> Dense(2)",
      [4, 3, 2], [L_("ZeroPadding2D", padding=[[1, 0], [0, 1]]), L_("Cropping2D", cropping=[[0, 1], [1, 0]]),
                  L_("UpSampling2D", size=[2, 1]), L_("Permute", dims=[2, 1, 3]), L_("Reshape", target_shape=[-1, 2]),
                  L_("UpSampling1D", size=2), L_("ZeroPadding1D", padding=1), L_("Cropping1D", cropping=[1, 0]),
                  L_("Flatten"), L_("Dense", units=2)],
      lambda: O.SGD(learning_rate=0.02, momentum=0.5), "mse", reg_y(2), n=24),
    F("bilinear_3d_reshaping", "Input(3,3,2) -> UpSampling2D(2, bilinear) -> Reshape((6,6,2,1)) -> ZeroPadding3D(1) -> "
      "Cropping3D(((1,0),(0,1),(1,1))) -> UpSampling3D((1,1,2)) -> Flatten -> Dense(1); Adam",
      [3, 3, 2], [L_("UpSampling2D", size=[2, 2], interpolation="bilinear"), L_("Reshape", target_shape=[6, 6, 2, 1]),
                  L_("ZeroPadding3D", padding=1), L_("Cropping3D", cropping=[[1, 0], [0, 1], [1, 1]]),
                  L_("UpSampling3D", size=[1, 1, 2]), L_("Flatten"), L_("Dense", units=1)],
      lambda: O.Adam(learning_rate=0.005), "mse", reg_y(), n=16),
]


def build_fit_model(case):
    model = keras.Sequential([keras.Input(shape=tuple(case.input_shape))])
    for spec in case.layers:
        kw = dict(spec["config"])
        for k in list(kw):
            if k.endswith("_regularizer") and kw[k] is not None:
                kw[k] = keras.regularizers.deserialize(kw[k])
        model.add(getattr(layers, spec["class_name"])(**kw))
    return model


def history_json(h):
    return {k: [float(np.float32(v)) for v in vals] for k, vals in h.history.items()}


def opt_vars(opt):
    return [{"name": v.path, "dtype": str(v.dtype), **oc.tensor_json(np.asarray(v.numpy(), dtype=np.float32))}
            for v in opt.variables]


def run_fit(case):
    keras.backend.clear_session()
    rng = np.random.RandomState(oc.seed_for(case.name))
    model = build_fit_model(case)
    init = draw_for(rng, model, 0.4)
    model.set_weights(init)
    for layer in model.layers:
        if hasattr(layer, "finalize_state"):
            layer.finalize_state()
    x = (rng.standard_normal((case.n, *case.input_shape)) * case.x_scale + case.x_offset).astype(np.float32)
    y = case.y(rng, case.n)
    opt = case.optimizer()
    model.compile(optimizer=opt, loss=case.loss, metrics=case.metrics)
    fit_kw = dict(batch_size=case.batch_size, shuffle=False, verbose=0)
    if case.validation_split:
        fit_kw["validation_split"] = case.validation_split
    out = {
        "description": case.description,
        "keras_version": keras.__version__,
        "model": {"input_shape": case.input_shape, "layers": case.layers},
        "initial_weights": [oc.tensor_json(w) for w in init],
        "weight_names": [w.path for w in model.weights],
        "x": oc.tensor_json(x),
        "y": oc.tensor_json(y),
        "compile": {"optimizer": {"class_name": opt.__class__.__name__, "config": opt.get_config()}, "loss": case.loss,
                    "metrics": case.metrics},
        "fit": {"epochs": case.epochs, "batch_size": case.batch_size, "shuffle": False, "validation_split": case.validation_split},
    }
    if case.resume_after:
        h1 = model.fit(x, y, epochs=case.resume_after, **fit_kw)
        out["resume"] = {"after_epochs": case.resume_after, "history": history_json(h1),
                         "weights": [oc.tensor_json(w) for w in model.get_weights()], "optimizer_variables": opt_vars(opt)}
        h2 = model.fit(x, y, epochs=case.epochs, initial_epoch=case.resume_after, **fit_kw)
        hist = {k: out["resume"]["history"][k] + v for k, v in history_json(h2).items()}
    else:
        hist = history_json(model.fit(x, y, epochs=case.epochs, **fit_kw))
    out["history"] = hist
    out["weights"] = [oc.tensor_json(w) for w in model.get_weights()]
    out["optimizer_variables"] = opt_vars(opt)
    out["predict"] = oc.tensor_json(np.asarray(model.predict(x[:4], verbose=0), dtype=np.float32))
    return out


# ----------------------------------------------------------------------------
# A Keras 1.2.2-style file, written with h5py as K1.2.2 keras/models.py save_model and
# engine/topology.py save_weights_to_hdf5_group write it (TensorFlow variable names), with NumPy's
# Keras 1 outputs: BatchNormalization mode 0 normalizes with running_mean and running_std, which holds
# the variance (tf.nn.batch_normalization(x, mean, var, beta, gamma, eps)).
# ----------------------------------------------------------------------------


def k1_bn_file(out_dir):
    rng = np.random.RandomState(oc.seed_for("k1_dense_bn"))
    f32 = np.float32
    W1 = (rng.standard_normal((4, 6)) * 0.5).astype(f32)
    b1 = (rng.standard_normal(6) * 0.5).astype(f32)
    bn1 = [(rng.standard_normal(6) * 0.5 + 1).astype(f32), (rng.standard_normal(6) * 0.5).astype(f32),
           (rng.standard_normal(6) * 0.5).astype(f32), (0.5 + np.abs(rng.standard_normal(6))).astype(f32)]
    bn2 = [(rng.standard_normal(2) * 0.5 + 1).astype(f32), (rng.standard_normal(2) * 0.5).astype(f32),
           (rng.standard_normal(2) * 0.5).astype(f32), (0.5 + np.abs(rng.standard_normal(2))).astype(f32)]
    W2 = (rng.standard_normal((6, 3)) * 0.5).astype(f32)
    b2 = (rng.standard_normal(3) * 0.5).astype(f32)
    x = (rng.standard_normal((5, 4)) * 2).astype(f32)
    config = [
        {"class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "batch_input_shape": [None, 4], "input_dtype": "float32",
                                           "output_dim": 6, "init": "glorot_uniform", "activation": "linear", "W_regularizer": None,
                                           "b_regularizer": None, "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
                                           "bias": True, "input_dim": 4}},
        {"class_name": "BatchNormalization", "config": {"name": "batchnormalization_1", "trainable": True, "epsilon": 0.001, "mode": 0,
                                                        "axis": -1, "gamma_regularizer": None, "beta_regularizer": None, "momentum": 0.99}},
        {"class_name": "Activation", "config": {"name": "activation_1", "trainable": True, "activation": "relu"}},
        {"class_name": "Reshape", "config": {"name": "reshape_1", "trainable": True, "target_shape": [2, 3]}},
        {"class_name": "BatchNormalization", "config": {"name": "batchnormalization_2", "trainable": True, "epsilon": 0.01, "mode": 0,
                                                        "axis": 1, "gamma_regularizer": None, "beta_regularizer": None, "momentum": 0.99}},
        {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True}},
        {"class_name": "Dense", "config": {"name": "dense_2", "trainable": True, "output_dim": 3, "init": "glorot_uniform",
                                           "activation": "softmax", "W_regularizer": None, "b_regularizer": None,
                                           "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True,
                                           "input_dim": None}},
    ]

    def bn(v, p, axis_shape):
        g, b, m, var = (a.astype(np.float64).reshape(axis_shape) for a in p)
        return (v - m) / np.sqrt(var + eps) * g + b

    h = x.astype(np.float64) @ W1 + b1
    eps = 0.001
    h = bn(h, bn1, (1, 6))
    h = np.maximum(h, 0).reshape(5, 2, 3)
    eps = 0.01
    h = bn(h, bn2, (1, 2, 1)).reshape(5, 6)
    z = h @ W2 + b2
    y = np.exp(z - z.max(1, keepdims=True))
    y = (y / y.sum(1, keepdims=True)).astype(f32)
    weights = {
        "dense_1": [("dense_1_W:0", W1), ("dense_1_b:0", b1)],
        "batchnormalization_1": list(zip(["batchnormalization_1_gamma:0", "batchnormalization_1_beta:0",
                                          "batchnormalization_1_running_mean:0", "batchnormalization_1_running_std:0"], bn1)),
        "activation_1": [], "reshape_1": [],
        "batchnormalization_2": list(zip(["batchnormalization_2_gamma:0", "batchnormalization_2_beta:0",
                                          "batchnormalization_2_running_mean:0", "batchnormalization_2_running_std:0"], bn2)),
        "flatten_1": [],
        "dense_2": [("dense_2_W:0", W2), ("dense_2_b:0", b2)],
    }
    path = os.path.join(out_dir, "k1_dense_bn.h5")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": config}).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [c["config"]["name"].encode("utf8") for c in config]
        for c in config:
            name = c["config"]["name"]
            lg = g.create_group(name)
            lg.attrs["weight_names"] = [n.encode("utf8") for n, _ in weights[name]]
            for n, v in weights[name]:
                lg.create_dataset(n, data=v)
    with open(os.path.join(out_dir, "k1_dense_bn.io.json"), "w", encoding="utf8") as fh:
        json.dump({"description": "Keras 1.2.2-style full model (h5py, TensorFlow names): Dense -> BatchNormalization(mode 0) -> relu -> "
                                  "Reshape(2,3) -> BatchNormalization(mode 0, axis=1, epsilon 0.01) -> Flatten -> Dense(softmax); "
                                  "output from NumPy with running_std as the variance",
                   "input": oc.tensor_json(x), "output": oc.tensor_json(y)}, fh)
    print("  crafted k1_dense_bn.h5")


# ----------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    pdir = os.path.join(out, "predict")
    os.makedirs(pdir, exist_ok=True)
    cases = predict_cases()
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise AssertionError("duplicate predict case names")
    for case in cases:
        if args.only and case.name not in args.only:
            continue
        data = gen_predict(case)
        for t in [data["input"], data["output"]] + data["weights"]:
            oc.check_roundtrip(t)
        oc.dump_case(os.path.join(pdir, case.name + ".json"), data)
        print(f"  predict {case.name}: output {tuple(data['output']['shape'])}")
    fdir = os.path.join(out, "fit")
    os.makedirs(fdir, exist_ok=True)
    fit_names = [c.name for c in FIT_CASES]
    for case in FIT_CASES:
        if args.only and case.name not in args.only:
            continue
        data = run_fit(case)
        with open(os.path.join(fdir, case.name + ".json"), "w", encoding="utf8") as fh:
            json.dump(data, fh, separators=(",", ":"), allow_nan=False)
            fh.write("\n")
        print(f"  fit {case.name}: loss {data['history']['loss'][0]:.5f} -> {data['history']['loss'][-1]:.5f}")
    if not args.only:
        with open(os.path.join(fdir, "index.json"), "w", encoding="utf8") as fh:
            json.dump({"keras_version": keras.__version__, "generator": "tools/oracle/gen_norm_fixtures.py", "cases": fit_names}, fh, indent=2)
            fh.write("\n")
    if not args.only or "k1_dense_bn" in args.only:
        kdir = os.path.join(out, "k1")
        os.makedirs(kdir, exist_ok=True)
        k1_bn_file(kdir)
    if not args.only:
        keep = set(n + ".json" for n in names) | {"index.json"}
        for fn in os.listdir(pdir):
            if fn.endswith(".json") and fn not in keep:
                os.remove(os.path.join(pdir, fn))
        with open(os.path.join(pdir, "index.json"), "w", encoding="utf8") as fh:
            json.dump({"keras_version": keras.__version__, "generator": "tools/oracle/gen_norm_fixtures.py", "cases": names}, fh, indent=2)
            fh.write("\n")


if __name__ == "__main__":
    main()
