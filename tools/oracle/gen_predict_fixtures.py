#!/usr/bin/env python3
"""Generate the kerasts predict fixtures (Keras 3.15.1 + NumPy Keras-2 references).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_predict_fixtures.py [--out DIR]

Writes <out>/<case>.json for every case plus <out>/index.json. Default out:
tools/oracle/fixtures/predict. Everything is seeded (numpy RandomState seeded
with crc32 of the case name), and keras.backend.clear_session() runs before
each model so default layer names restart at `lstm`, `dense`, ... per case.

Before writing anything the script checks its NumPy LSTM/Dense reference
against Keras 3 (sigmoid and Keras-3 hard_sigmoid) and every Keras-3 case
against the same reference; it aborts if they disagree.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402  (sets KERAS_BACKEND before keras)

import h5py  # noqa: E402
import numpy as np  # noqa: E402

keras = oc.import_keras()
from keras import layers  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "predict")
SEED_FILE_CANDIDATES = [
    os.path.join(HERE, "..", "..", "..", "shared", "seed", "keras-2.0.8-seed-model.json"),
    "/work/shared/seed/keras-2.0.8-seed-model.json",
]

# |NumPy - Keras 3| allowed when validating the reference (brief: < 1e-6)
VALIDATE_TOL = 1e-6


# ----------------------------------------------------------------------------
# Case definitions
# ----------------------------------------------------------------------------


class K3Case:
    """A Keras 3 Sequential case: `build()` returns an un-weighted, built model."""

    def __init__(self, name, description, build, input_shape, *, input_scale=1.0,
                 weight_scale=0.5):
        self.name = name
        self.description = description
        self.build = build
        self.input_shape = tuple(input_shape)  # including batch
        self.input_scale = input_scale
        self.weight_scale = weight_scale


class K2Case:
    """A Keras 2.0.8 case: list-form to_json + NumPy reference outputs."""

    def __init__(self, name, description, layers_list, input_shape, *, input_scale=1.0,
                 weight_scale=0.5, must_equal_seed_file=False):
        self.name = name
        self.description = description
        self.layers = layers_list
        self.input_shape = tuple(input_shape)
        self.input_scale = input_scale
        self.weight_scale = weight_scale
        self.must_equal_seed_file = must_equal_seed_file


def seq(*ls, name=None):
    return lambda: keras.Sequential([f() if callable(f) else f for f in ls], name=name)


def k3_cases():
    L, D, Inp = layers.LSTM, layers.Dense, keras.Input
    c = []
    add = c.append

    # --- the seed model -----------------------------------------------------
    add(K3Case("seed_keras3",
               "The tutorial seed model in Keras 3: Sequential([LSTM(4, input_shape=(1, 8)), Dense(1)]); "
               "batch 7, timesteps 1",
               lambda: keras.Sequential([L(4, input_shape=(1, 8)), D(1)]), (7, 1, 8)))

    # --- LSTM units / shapes --------------------------------------------------
    add(K3Case("lstm_u4_seq",
               "LSTM(4, return_sequences) + Dense(1) (Dense on the 3-D sequence), batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(4, return_sequences=True), D(1)]), (7, 13, 8)))
    add(K3Case("lstm_u1_t13_d1",
               "LSTM(1) + Dense(1), batch 7, timesteps 13, dim 1",
               lambda: keras.Sequential([Inp((13, 1)), L(1), D(1)]), (7, 13, 1)))
    add(K3Case("lstm_u1_seq_only_b1",
               "LSTM(1, return_sequences) alone (no Dense), batch 1, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(1, return_sequences=True)]), (1, 13, 3)))
    add(K3Case("lstm_u16_t13_d8_softmax",
               "LSTM(16) + Dense(5, softmax), batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(16), D(5, activation="softmax")]), (7, 13, 8)))
    add(K3Case("lstm_u16_seq_t13_d3_tanh",
               "LSTM(16, return_sequences) + Dense(3, tanh), batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(16, return_sequences=True),
                                         D(3, activation="tanh")]), (7, 13, 3)))
    add(K3Case("lstm_u4_b1_t1_d1",
               "LSTM(4) + Dense(1), batch 1, timesteps 1, dim 1 (input_shape kwarg on the LSTM)",
               lambda: keras.Sequential([L(4, input_shape=(1, 1)), D(1)]), (1, 1, 1)))
    add(K3Case("lstm_u4_b1_t13_d8",
               "LSTM(4) + Dense(2), batch 1, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(4), D(2)]), (1, 13, 8)))
    add(K3Case("lstm_u4_seq_t1_d3",
               "LSTM(4, return_sequences) + Dense(2), batch 7, timesteps 1, dim 3",
               lambda: keras.Sequential([Inp((1, 3)), L(4, return_sequences=True), D(2)]), (7, 1, 3)))

    # --- go_backwards ----------------------------------------------------------
    add(K3Case("lstm_u4_go_backwards",
               "LSTM(4, go_backwards) + Dense(1), batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(4, go_backwards=True), D(1)]), (7, 13, 3)))
    add(K3Case("lstm_u4_go_backwards_seq",
               "LSTM(4, go_backwards, return_sequences) alone: output[:, t] is the state after reading "
               "x[:, T-1-t] (processing order, NOT re-reversed); batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(4, go_backwards=True, return_sequences=True)]),
               (7, 13, 3)))
    add(K3Case("lstm_u16_go_backwards_seq_dense",
               "LSTM(16, go_backwards, return_sequences) + Dense(2), batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(16, go_backwards=True, return_sequences=True),
                                         D(2)]), (7, 13, 8)))

    # --- bias options ----------------------------------------------------------
    add(K3Case("lstm_u4_nobias",
               "LSTM(4, use_bias=False) + Dense(1): LSTM has only kernel and recurrent_kernel; "
               "batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(4, use_bias=False), D(1)]), (7, 13, 8)))
    add(K3Case("lstm_u16_nobias_seq_dense_nobias",
               "LSTM(16, use_bias=False, return_sequences) + Dense(2, use_bias=False), batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(16, use_bias=False, return_sequences=True),
                                         D(2, use_bias=False)]), (7, 13, 3)))
    add(K3Case("lstm_u4_no_unit_forget_bias",
               "LSTM(4, unit_forget_bias=False) + Dense(1) (config only: weights are set explicitly), "
               "batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(4, unit_forget_bias=False), D(1)]), (7, 13, 3)))

    # --- recurrent_activation --------------------------------------------------
    add(K3Case("lstm_u4_recact_hard_sigmoid",
               "LSTM(4, recurrent_activation=hard_sigmoid) + Dense(1); Keras 3 hard_sigmoid = clip(x/6+0.5); "
               "input scale 2 so gates saturate; batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(4, recurrent_activation="hard_sigmoid"), D(1)]),
               (7, 13, 8), input_scale=2.0))
    add(K3Case("lstm_u16_recact_hard_sigmoid_seq",
               "LSTM(16, recurrent_activation=hard_sigmoid, return_sequences) + Dense(1); input scale 2; "
               "batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(16, recurrent_activation="hard_sigmoid",
                                                         return_sequences=True), D(1)]),
               (7, 13, 3), input_scale=2.0, weight_scale=0.7))
    add(K3Case("lstm_u3_recact_softmax_seq",
               "LSTM(3, recurrent_activation=softmax, return_sequences) + Dense(1): a row-wise activation "
               "applies to each gate separately; batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(3, recurrent_activation="softmax",
                                                         return_sequences=True), D(1)]), (7, 13, 3)))
    add(K3Case("lstm_u4_recact_tanh",
               "LSTM(4, recurrent_activation=tanh) + Dense(1), batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(4, recurrent_activation="tanh"), D(1)]), (7, 13, 8)))

    # --- LSTM activation -------------------------------------------------------
    # (activation, weight scale): unbounded activations get smaller weights so
    # the cell state stays moderate and float32 rounding stays far below 1e-5.
    for act, units, wscale in (("relu", 4, 0.5), ("linear", 4, 0.5), ("sigmoid", 4, 0.5),
                               ("softsign", 4, 0.5), ("elu", 4, 0.3)):
        add(K3Case(f"lstm_u{units}_act_{act}",
                   f"LSTM({units}, activation={act}) + Dense(1), batch 7, timesteps 13, dim 3",
                   (lambda a=act, u=units: keras.Sequential([Inp((13, 3)), L(u, activation=a), D(1)])),
                   (7, 13, 3), weight_scale=wscale))

    # --- stacks ------------------------------------------------------------------
    add(K3Case("lstm_stacked2",
               "LSTM(8, return_sequences) -> LSTM(4) -> Dense(1), batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(8, return_sequences=True), L(4), D(1)]), (7, 13, 8)))
    add(K3Case("lstm_stacked3_seq_named",
               "Explicit names: enc1 LSTM(16, rs) -> enc2 LSTM(8, rs) -> enc3 LSTM(4, rs) -> head Dense(2); "
               "model name 'stack3'; batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3), name="seq_in"),
                                         L(16, return_sequences=True, name="enc1"),
                                         L(8, return_sequences=True, name="enc2"),
                                         L(4, return_sequences=True, name="enc3"),
                                         D(2, name="head")], name="stack3"), (7, 13, 3)))
    add(K3Case("lstm_stacked2_go_backwards_first",
               "LSTM(8, go_backwards, return_sequences) -> LSTM(4) -> Dense(1): the second LSTM reads the "
               "first one's outputs in processing order; batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(8, go_backwards=True, return_sequences=True),
                                         L(4), D(1)]), (7, 13, 3)))
    add(K3Case("lstm_stacked2_mixed_recact",
               "LSTM(8, hard_sigmoid, rs) -> LSTM(4, recurrent_activation=tanh) -> Dense(3, softmax); "
               "input scale 2; batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(8, recurrent_activation="hard_sigmoid",
                                                         return_sequences=True),
                                         L(4, recurrent_activation="tanh"), D(3, activation="softmax")]),
               (7, 13, 8), input_scale=2.0))
    add(K3Case("lstm_stacked2_b1_t1",
               "LSTM(4, rs) -> LSTM(4) -> Dense(1), batch 1, timesteps 1, dim 8",
               lambda: keras.Sequential([Inp((1, 8)), L(4, return_sequences=True), L(4), D(1)]), (1, 1, 8)))

    # --- Dropout / Activation layers ---------------------------------------------
    add(K3Case("lstm_dropout_dense",
               "LSTM(8) -> Dropout(0.5) -> Dense(1); Dropout is the identity in predict; "
               "batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(8), layers.Dropout(0.5), D(1)]), (7, 13, 8)))
    add(K3Case("lstm_dropout_config",
               "LSTM(4, dropout=0.3, recurrent_dropout=0.2) + Dense(1): no effect in predict; "
               "batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(4, dropout=0.3, recurrent_dropout=0.2), D(1)]),
               (7, 13, 3)))
    add(K3Case("lstm_dense_activation_softmax",
               "LSTM(4) -> Dense(3) -> Activation(softmax), batch 7, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), L(4), D(3), layers.Activation("softmax")]), (7, 13, 8)))
    add(K3Case("lstm_seq_activation_layers",
               "LSTM(8, rs) -> Dense(4) -> Activation(relu) -> Dropout(0.25) -> Dense(1) -> Activation(sigmoid), "
               "batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), L(8, return_sequences=True), D(4),
                                         layers.Activation("relu"), layers.Dropout(0.25), D(1),
                                         layers.Activation("sigmoid")]), (7, 13, 3)))
    add(K3Case("seed_named_old",
               "Tutorial by-name source model: Sequential(name='tutorial') of LSTM(4, name='lstm_old') + "
               "Dense(1, name='dense_old'), input_shape=(1, 8); batch 7",
               lambda: keras.Sequential([L(4, input_shape=(1, 8), name="lstm_old"), D(1, name="dense_old")],
                                        name="tutorial"), (7, 1, 8)))
    add(K3Case("seed_named_new_head",
               "Tutorial target model: LSTM(4, name='lstm_old') + Dense(10, softmax, name='dense_new'); batch 7",
               lambda: keras.Sequential([L(4, input_shape=(1, 8), name="lstm_old"),
                                         D(10, activation="softmax", name="dense_new")]), (7, 1, 8)))

    # --- Dense on 3-D input ----------------------------------------------------------
    add(K3Case("dense_3d_input",
               "Dense(5, relu) -> Dense(2) on a rank-3 input (applied to the last axis at every timestep), "
               "batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), D(5, activation="relu"), D(2)]), (7, 13, 3)))
    add(K3Case("dense_3d_softmax_b1",
               "Dense(4, softmax) on a rank-3 input (softmax over the last axis), batch 1, timesteps 13, dim 8",
               lambda: keras.Sequential([Inp((13, 8)), D(4, activation="softmax")]), (1, 13, 8)))
    add(K3Case("dense_3d_then_lstm",
               "Dense(6, tanh) on rank-3 input -> LSTM(4) -> Dense(1), batch 7, timesteps 13, dim 3",
               lambda: keras.Sequential([Inp((13, 3)), D(6, activation="tanh"), L(4), D(1)]), (7, 13, 3)))

    # --- Dense-only MLPs ------------------------------------------------------------
    add(K3Case("mlp_relu_tanh",
               "Dense(16, relu) -> Dense(8, tanh) -> Dense(1), batch 7, dim 8",
               lambda: keras.Sequential([Inp((8,)), D(16, activation="relu"), D(8, activation="tanh"), D(1)]),
               (7, 8)))
    add(K3Case("mlp_b1_d1",
               "Dense(4, sigmoid) -> Dense(1) with input_shape kwarg, batch 1, dim 1",
               lambda: keras.Sequential([D(4, activation="sigmoid", input_shape=(1,)), D(1)]), (1, 1)))
    add(K3Case("mlp_nobias",
               "Dense(8, relu, use_bias=False) -> Dense(3, use_bias=False), batch 7, dim 3",
               lambda: keras.Sequential([Inp((3,)), D(8, activation="relu", use_bias=False),
                                         D(3, use_bias=False)]), (7, 3)))
    add(K3Case("mlp_activation_layers",
               "Dense(6) -> Activation(elu) -> Dense(6) -> Activation(selu) -> Dropout(0.1) -> Dense(4) -> "
               "Activation(log_softmax); explicit names; batch 7, dim 8",
               lambda: keras.Sequential([Inp((8,), name="features"), D(6, name="fc1"),
                                         layers.Activation("elu", name="act1"), D(6, name="fc2"),
                                         layers.Activation("selu", name="act2"),
                                         layers.Dropout(0.1, name="drop"), D(4, name="logits"),
                                         layers.Activation("log_softmax", name="log_probs")],
                                        name="mlp_named"), (7, 8)))

    # --- Dense activation sweep ---------------------------------------------------
    # (activation, input scale): scales keep the interesting regions in reach
    # (relu6 above 6, hard_sigmoid beyond +-3) while keeping exp() moderate so
    # that an absolute 1e-5 tolerance stays meaningful in float32.
    sweep = [
        ("tanh", 1.5), ("relu", 1.5), ("sigmoid", 1.5), ("linear", 1.5), ("softmax", 1.5),
        ("elu", 1.5), ("selu", 1.5), ("gelu", 1.5), ("swish", 1.5), ("silu", 1.5),
        ("softplus", 1.5), ("softsign", 1.5), ("mish", 1.5), ("leaky_relu", 1.5),
        ("relu6", 3.0), ("hard_sigmoid", 3.0), ("exponential", 0.35), ("log_softmax", 1.5),
    ]
    for act, scale in sweep:
        desc = f"Dense(6, activation={act}), batch 7, dim 8, input scale {scale}"
        if act == "swish":
            desc += "; Keras 3 serializes 'swish' as 'silu'"
        if act == "hard_sigmoid":
            desc += "; Keras 3 formula clip(x/6+0.5, 0, 1)"
        if act == "leaky_relu":
            desc += "; activation string uses negative_slope 0.2"
        if act == "gelu":
            desc += "; exact erf form (approximate=False)"
        add(K3Case(f"dense_act_{act}", desc,
                   (lambda a=act: keras.Sequential([Inp((8,)), D(6, activation=a)])),
                   (7, 8), input_scale=scale))
    return c


def k2_cases():
    from oracle_common import k2_activation, k2_dense, k2_dropout, k2_lstm

    c = []
    c.append(K2Case(
        "k2_seed",
        "The tutorial seed model as Keras 2.0.8 wrote it (to_json identical to the published seed); "
        "hard_sigmoid = clip(0.2x+0.5); batch 7, timesteps 1",
        [k2_lstm("lstm_1", 4, batch_input_shape=[None, 1, 8]), k2_dense("dense_1", 1)],
        (7, 1, 8), input_scale=2.0, must_equal_seed_file=True))
    c.append(K2Case(
        "k2_lstm_u4_seq_softmax",
        "Keras 2.0.8: LSTM(4, return_sequences) + Dense(3, softmax) on the sequence; hard_sigmoid 0.2x+0.5; "
        "batch 7, timesteps 13, dim 3",
        [k2_lstm("lstm_1", 4, batch_input_shape=[None, 13, 3], return_sequences=True),
         k2_dense("dense_1", 3, activation="softmax")],
        (7, 13, 3), input_scale=2.0))
    c.append(K2Case(
        "k2_stacked_lstm",
        "Keras 2.0.8: LSTM(8, rs) -> LSTM(4) -> Dense(1, sigmoid); hard_sigmoid 0.2x+0.5; "
        "batch 7, timesteps 13, dim 8",
        [k2_lstm("lstm_1", 8, batch_input_shape=[None, 13, 8], return_sequences=True),
         k2_lstm("lstm_2", 4), k2_dense("dense_1", 1, activation="sigmoid")],
        (7, 13, 8), input_scale=1.5))
    c.append(K2Case(
        "k2_lstm_go_backwards_seq",
        "Keras 2.0.8: LSTM(4, go_backwards, return_sequences) + Dense(1); outputs in processing order; "
        "batch 7, timesteps 13, dim 3",
        [k2_lstm("lstm_1", 4, batch_input_shape=[None, 13, 3], return_sequences=True, go_backwards=True),
         k2_dense("dense_1", 1)],
        (7, 13, 3), input_scale=2.0))
    c.append(K2Case(
        "k2_mlp_hard_sigmoid",
        "Keras 2.0.8: Dense(8, relu) -> Dense(4, hard_sigmoid) -> Dense(1); Dense hard_sigmoid is also "
        "clip(0.2x+0.5); batch 7, dim 3",
        [k2_dense("dense_1", 8, batch_input_shape=[None, 3], activation="relu"),
         k2_dense("dense_2", 4, activation="hard_sigmoid"), k2_dense("dense_3", 1)],
        (7, 3), input_scale=2.0, weight_scale=0.8))
    c.append(K2Case(
        "k2_lstm_u16_dropout_activation",
        "Keras 2.0.8: LSTM(16, name='encoder') -> Dropout(0.5) -> Dense(5) -> Activation(softmax); "
        "Dropout/Activation in the 2.0.8 dialect ({name, trainable, rate|activation}); batch 1, "
        "timesteps 13, dim 8",
        [k2_lstm("encoder", 16, batch_input_shape=[None, 13, 8]), k2_dropout("dropout_1", 0.5),
         k2_dense("dense_1", 5), k2_activation("activation_1", "softmax")],
        (1, 13, 8), input_scale=1.5))
    c.append(K2Case(
        "k2_lstm_sigmoid_nobias_b1_t1",
        "Keras 2.0.8: LSTM(4, recurrent_activation=sigmoid, use_bias=False) + Dense(2, tanh); "
        "batch 1, timesteps 1, dim 1",
        [k2_lstm("lstm_1", 4, batch_input_shape=[None, 1, 1], recurrent_activation="sigmoid",
                 use_bias=False), k2_dense("dense_1", 2, activation="tanh")],
        (1, 1, 1), input_scale=1.5))
    return c


# ----------------------------------------------------------------------------
# Generation
# ----------------------------------------------------------------------------


def legacy_model_config(model):
    """The model_config attribute Keras 3 writes into a legacy .h5 (in memory)."""
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        legacy_h5_format.save_model_to_hdf5(model, f, include_optimizer=False)
        raw = f.attrs["model_config"]
    if isinstance(raw, bytes):
        raw = raw.decode("utf8")
    return json.loads(raw)


def sequential_layer_entries(model_json):
    return model_json["config"]["layers"]


def build_k3(case: K3Case):
    keras.backend.clear_session()
    model = case.build()
    rng = np.random.RandomState(oc.seed_for(case.name))
    shapes = [tuple(w.shape) for w in model.get_weights()]
    weights = oc.draw_weights(rng, shapes, case.weight_scale)
    model.set_weights(weights)
    x = oc.draw_input(rng, case.input_shape, case.input_scale)
    y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
    return model, weights, x, y


def gen_k3(case: K3Case, stats):
    model, weights, x, y = build_k3(case)
    model_json = json.loads(model.to_json())
    h5_config = legacy_model_config(model)
    names = [w.path for w in model.weights]
    assert len(names) == len(weights)
    for w, arr in zip(model.weights, model.get_weights()):
        assert tuple(w.shape) == arr.shape

    # Cross-check against the NumPy reference built from the JSON we ship.
    ref = oc.np_sequential(sequential_layer_entries(model_json), weights, x, "keras3")
    diff = float(np.max(np.abs(ref - y.astype(np.float64))))
    scale = float(np.max(np.abs(ref)))
    tol = VALIDATE_TOL * max(1.0, scale)
    if not diff <= tol:
        raise AssertionError(f"{case.name}: NumPy reference disagrees with Keras 3: {diff:.3g} > {tol:.3g}")
    stats.append((case.name, diff, float(np.max(np.abs(y)))))
    sat = saturation(sequential_layer_entries(model_json), weights, x, "keras3", 3.0)
    if sat is not None:
        print(f"  {case.name}: {100 * sat:.1f}% of hard_sigmoid gate inputs beyond +-3 (saturated)")

    return {
        "name": case.name,
        "description": case.description,
        "keras_version": keras.__version__,
        "reference": f"keras-{keras.__version__}",
        "model_json": model_json,
        "model_config_h5": h5_config,
        "weights": [{"name": n, **oc.tensor_json(a)} for n, a in zip(names, weights)],
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    }


def gen_k2(case: K2Case):
    model_json = oc.k2_model_json(case.layers)
    if case.must_equal_seed_file:
        seed_text = None
        for p in SEED_FILE_CANDIDATES:
            if os.path.exists(p):
                with open(p, encoding="utf8") as fh:
                    seed_text = fh.read().strip()
                break
        if seed_text is not None:
            if json.dumps(model_json) != seed_text:
                raise AssertionError("k2 seed JSON differs from the published Keras 2.0.8 seed file")
        else:
            print("  note: seed file not found; skipping the byte-equality check", file=sys.stderr)
    rng = np.random.RandomState(oc.seed_for(case.name))
    input_dim = case.input_shape[-1]
    specs = oc.k2_weight_specs(case.layers, input_dim)
    weights = oc.draw_weights(rng, [s for _, s in specs], case.weight_scale)
    x = oc.draw_input(rng, case.input_shape, case.input_scale)
    y = oc.np_sequential(case.layers, weights, x, "keras2").astype(np.float32)
    sat = saturation(case.layers, weights, x, "keras2", 2.5)
    if sat is not None:
        print(f"  {case.name}: {100 * sat:.1f}% of hard_sigmoid gate inputs beyond +-2.5 (saturated)")
    return {
        "name": case.name,
        "description": case.description,
        "keras_version": "2.0.8",
        "reference": "numpy-keras2",
        "model_json": model_json,
        "weights": [{"name": n, **oc.tensor_json(a)} for (n, _), a in zip(specs, weights)],
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    }, (x, weights, y)


# ----------------------------------------------------------------------------
# Validation of the NumPy reference against Keras 3
# ----------------------------------------------------------------------------


def validate_numpy_reference():
    """NumPy LSTM/Dense vs Keras 3 for sigmoid and Keras-3 hard_sigmoid (< 1e-6)."""
    L, D, Inp = layers.LSTM, layers.Dense, keras.Input
    configs = []
    for ra in ("sigmoid", "hard_sigmoid"):
        configs += [
            (f"{ra}/u4", lambda ra=ra: [Inp((13, 8)), L(4, recurrent_activation=ra), D(1)], (7, 13, 8)),
            (f"{ra}/u16_seq", lambda ra=ra: [Inp((13, 3)), L(16, recurrent_activation=ra,
                                                         return_sequences=True), D(2)], (7, 13, 3)),
            (f"{ra}/u4_back_seq", lambda ra=ra: [Inp((13, 3)), L(4, recurrent_activation=ra, go_backwards=True,
                                                              return_sequences=True)], (7, 13, 3)),
            (f"{ra}/u4_back", lambda ra=ra: [Inp((13, 3)), L(4, recurrent_activation=ra, go_backwards=True),
                                             D(1, activation="sigmoid")], (7, 13, 3)),
            (f"{ra}/nobias", lambda ra=ra: [Inp((13, 8)), L(4, recurrent_activation=ra, use_bias=False),
                                            D(3, activation="softmax")], (7, 13, 8)),
            (f"{ra}/stack", lambda ra=ra: [Inp((13, 8)), L(8, recurrent_activation=ra, return_sequences=True),
                                           L(4, recurrent_activation=ra), D(1, activation="relu")], (7, 13, 8)),
            (f"{ra}/b1_t1", lambda ra=ra: [Inp((1, 1)), L(4, recurrent_activation=ra), D(2, activation="tanh")],
             (1, 1, 1)),
            (f"{ra}/dense_act", lambda ra=ra: [Inp((3,)), D(8, activation="relu"), D(4, activation=ra), D(1)],
             (7, 3)),
        ]
    worst = 0.0
    saturated = []
    for label, build, shape in configs:
        keras.backend.clear_session()
        model = keras.Sequential(build())
        rng = np.random.RandomState(oc.seed_for("validate/" + label))
        ws = oc.draw_weights(rng, [w.shape for w in model.get_weights()], 0.5)
        model.set_weights(ws)
        x = oc.draw_input(rng, shape, 2.0)
        y = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
        entries = json.loads(model.to_json())["config"]["layers"]
        ref3 = oc.np_sequential(entries, ws, x, "keras3")
        d3 = float(np.max(np.abs(ref3 - y)))
        worst = max(worst, d3)
        if not d3 < VALIDATE_TOL:
            raise AssertionError(f"NumPy reference vs Keras 3 [{label}]: max|diff| = {d3:.3g} >= {VALIDATE_TOL}")
        if label.startswith("hard_sigmoid"):
            ref2 = oc.np_sequential(entries, ws, x, "keras2")
            saturated.append((label, float(np.max(np.abs(ref2 - y)))))
    print(f"NumPy reference validated against Keras 3 on {len(configs)} models "
          f"(sigmoid and hard_sigmoid=x/6+0.5): worst max|diff| = {worst:.3g}")
    print("  (for contrast, Keras-2 hard_sigmoid 0.2x+0.5 vs Keras 3 on the hard_sigmoid models: "
          + ", ".join(f"{lab.split('/')[1]} {d:.2g}" for lab, d in saturated) + ")")
    return worst


def saturation(entries, weights, x, dialect, limit):
    """Fraction of hard_sigmoid gate pre-activations with |z| > limit (saturated)."""
    sink = []
    oc.np_sequential(entries, weights, x, dialect, z_sink=sink)
    if not sink:
        return None
    z = np.concatenate([a.ravel() for a in sink])
    return float(np.mean(np.abs(z) > limit))


# ----------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*", help="generate only these case names (index.json untouched)")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    validate_numpy_reference()

    all_k3 = k3_cases()
    all_k2 = k2_cases()
    names = [c.name for c in all_k3] + [c.name for c in all_k2]
    if len(set(names)) != len(names):
        raise AssertionError("duplicate case names")
    selected = set(args.only) if args.only else None

    stats = []
    written = []
    for case in all_k3:
        if selected and case.name not in selected:
            continue
        data = gen_k3(case, stats)
        for t in [data["input"], data["output"]] + data["weights"]:
            oc.check_roundtrip(t)
        oc.dump_case(os.path.join(out, case.name + ".json"), data)
        written.append(case.name)
    for case in all_k2:
        if selected and case.name not in selected:
            continue
        data, _ = gen_k2(case)
        for t in [data["input"], data["output"]] + data["weights"]:
            oc.check_roundtrip(t)
        oc.dump_case(os.path.join(out, case.name + ".json"), data)
        written.append(case.name)
        if case.must_equal_seed_file and os.path.abspath(args.out) == os.path.abspath(DEFAULT_OUT):
            # package.json's `start` script reads this path: the Keras 2.0.8
            # to_json() string of the seed model, one line, no newline.
            seed_dir = os.path.join(HERE, "fixtures", "seed")
            os.makedirs(seed_dir, exist_ok=True)
            with open(os.path.join(seed_dir, "keras-2.0.8-seed-model.json"), "w", encoding="utf8") as fh:
                fh.write(json.dumps(data["model_json"]))

    if not selected:
        # remove stale case files from earlier grids
        keep = set(n + ".json" for n in names) | {"index.json", "README.md"}
        for fn in os.listdir(out):
            if fn.endswith(".json") and fn not in keep:
                os.remove(os.path.join(out, fn))
        index = {
            "keras_version": keras.__version__,
            "generator": "tools/oracle/gen_predict_fixtures.py",
            "cases": names,
        }
        with open(os.path.join(out, "index.json"), "w", encoding="utf8") as fh:
            json.dump(index, fh, indent=2)
            fh.write("\n")

    worst = max((d for _, d, _ in stats), default=0.0)
    biggest = max((m for _, _, m in stats), default=0.0)
    total = sum(os.path.getsize(os.path.join(out, n + ".json")) for n in written)
    print(f"wrote {len(written)} cases to {os.path.relpath(out)} ({total / 1e6:.2f} MB); "
          f"Keras-3 cases vs NumPy: worst max|diff| = {worst:.3g}; largest |output| = {biggest:.3g}")


if __name__ == "__main__":
    main()
