#!/usr/bin/env python3
"""Generate the kerasts recurrent-layer fixtures with real Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_rnn_fixtures.py [--out DIR] [--only NAME...] [--skip-fit]

Three sets, under tools/oracle/fixtures/rnn/:

* predict/<case>.json — one LSTM, GRU or SimpleRNN layer (Keras 3 config + weights) called on an
  input with, per case, a timestep mask, initial states, go_backwards, return_sequences,
  return_state, zero_output_for_mask, unroll; `outputs` = Keras' outputs (output, then states).
  Cases with `era: "keras2"` use Keras 2's hard_sigmoid (clip(0.2x+0.5)), which Keras 3 cannot
  compute: their outputs come from the NumPy reference below, which is first checked against Keras 3
  on the same case with Keras 3's activations (and must agree within 2e-6).
* grad/<case>.json — jax.grad of L = Σ w·output (+ Σ w_s·state) through `layer.stateless_call`
  (training=True) with respect to the weights, the input and the initial states: backpropagation
  through time exactly as Keras computes it, masks and dropout included. Dropout masks are fixed
  (the cell's cached masks are set before the call) and recorded, so kerasts can use the same ones.
* train/<case>.json — Sequential models with GRU / SimpleRNN / LSTM trained by `fit(shuffle=False)`,
  in the format of fixtures/train (gen_train_fixtures.py).

Every set has an index.json. Data come from numpy RandomState(crc32(case name)): a rerun rewrites
identical files.
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
import jax.numpy as jnp  # noqa: E402
from keras import layers  # noqa: E402

import gen_train_fixtures as gt  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "rnn")

CLASSES = {"LSTM": layers.LSTM, "GRU": layers.GRU, "SimpleRNN": layers.SimpleRNN}
STATES = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}


# ----------------------------------------------------------------------------
# NumPy reference (float64 on float32 inputs): masks, initial states, both hard_sigmoids
# ----------------------------------------------------------------------------


def np_rnn(cls, cfg, weights, x, *, mask=None, initial_state=None, dialect="keras3", rule="state"):
    """The layer's outputs [output, *states] as Keras computes them.

    rule: what a masked step outputs: "state" (the carried h: Keras 3, Keras <= 2.2), "previous"
    (the previous output, zeros first: tf.keras 2, Keras 3 unroll=True) or "zero".
    """
    act = lambda name, v: oc.np_activation(name, v, dialect)  # noqa: E731
    x = np.asarray(x, dtype=np.float64)
    B, T, _ = x.shape
    u = cfg["units"]
    W = np.asarray(weights[0], dtype=np.float64)
    U = np.asarray(weights[1], dtype=np.float64)
    use_bias = cfg.get("use_bias", True)
    bias = np.asarray(weights[2], dtype=np.float64) if use_bias else None
    n_states = STATES[cls]
    states = [np.zeros((B, u)) if initial_state is None else np.asarray(initial_state[i], dtype=np.float64) for i in range(n_states)]
    order = list(range(T - 1, -1, -1)) if cfg.get("go_backwards") else list(range(T))
    outs = []
    prev_out = np.zeros((B, u))
    for t in order:
        xt = x[:, t, :]
        h = states[0]
        if cls == "LSTM":
            b = np.zeros(4 * u) if bias is None else bias
            z = xt @ W + h @ U + b
            i = act(cfg["recurrent_activation"], z[:, :u])
            f = act(cfg["recurrent_activation"], z[:, u:2 * u])
            g = act(cfg["activation"], z[:, 2 * u:3 * u])
            o = act(cfg["recurrent_activation"], z[:, 3 * u:])
            c = f * states[1] + i * g
            hn = o * act(cfg["activation"], c)
            new = [hn, c]
        elif cls == "GRU":
            reset_after = cfg.get("reset_after", True)
            if reset_after:
                bi = np.zeros(3 * u) if bias is None else bias[0]
                br = np.zeros(3 * u) if bias is None else bias[1]
                mx = xt @ W + bi
                mi = h @ U + br
                z = act(cfg["recurrent_activation"], mx[:, :u] + mi[:, :u])
                r = act(cfg["recurrent_activation"], mx[:, u:2 * u] + mi[:, u:2 * u])
                hh = act(cfg["activation"], mx[:, 2 * u:] + r * mi[:, 2 * u:])
            else:
                bi = np.zeros(3 * u) if bias is None else bias
                mx = xt @ W + bi
                mi = h @ U[:, :2 * u]
                z = act(cfg["recurrent_activation"], mx[:, :u] + mi[:, :u])
                r = act(cfg["recurrent_activation"], mx[:, u:2 * u] + mi[:, u:2 * u])
                hh = act(cfg["activation"], mx[:, 2 * u:] + (r * h) @ U[:, 2 * u:])
            hn = z * h + (1 - z) * hh
            new = [hn]
        else:
            b = np.zeros(u) if bias is None else bias
            hn = act(cfg["activation"], xt @ W + b + h @ U)
            new = [hn]
        out = new[0]
        if mask is not None:
            keep = np.asarray(mask[:, t], dtype=bool)[:, None]
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
            if rule == "state":
                out = new[0]
            elif rule == "previous":
                out = np.where(keep, new[0], prev_out)
            else:
                out = np.where(keep, new[0], 0.0)
        states = new
        prev_out = out
        outs.append(out)
    output = np.stack(outs, axis=1) if cfg.get("return_sequences") else outs[-1]
    res = [output]
    if cfg.get("return_state"):
        res += states
    return res


# ----------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------


def mask_pattern(B, T, kind):
    """A (B, T) boolean timestep mask: sample 0 all kept, then leading, middle/trailing, all masked."""
    if kind is None:
        return None
    m = np.ones((B, T), dtype=bool)
    if B > 1:
        m[1, :2] = False  # leading masked steps (post-padding reversed / pre-padding)
    if B > 2:
        m[2, T // 2] = False
        m[2, T - 1] = False  # a masked middle step and a masked last step
    if B > 3:
        m[3, :] = False  # a sequence with no kept step
    if kind == "right_padded" and B > 1:
        m = np.ones((B, T), dtype=bool)
        for b in range(1, B):
            m[b, T - b:] = False
    return m


class P:
    """A predict (or grad) case: one layer on one input."""

    def __init__(self, name, cls, kw=None, *, B=4, T=5, D=3, units=4, mask=None, initial_state=False, era="keras3",
                 masked_output="state", dropout_masks=False, description=""):
        self.name = name
        self.cls = cls
        self.kw = kw or {}
        self.B, self.T, self.D, self.units = B, T, D, units
        self.mask = mask
        self.initial_state = initial_state
        self.era = era
        self.masked_output = masked_output
        self.dropout_masks = dropout_masks
        self.description = description


PREDICT = [
    # ---- LSTM on the driver: masks and states
    P("lstm_mask_seq", "LSTM", {"return_sequences": True}, mask="mixed", description="LSTM, mask (leading, middle, trailing, all masked), sequences"),
    P("lstm_mask_last_state", "LSTM", {"return_state": True}, mask="mixed", initial_state=True, description="LSTM, mask, last output, return_state, initial state"),
    P("lstm_mask_backwards", "LSTM", {"return_sequences": True, "return_state": True, "go_backwards": True}, mask="mixed", initial_state=True,
      description="LSTM go_backwards with mask and initial state"),
    P("lstm_mask_zero_output", "LSTM", {"return_sequences": True, "zero_output_for_mask": True}, mask="mixed", initial_state=True,
      description="LSTM zero_output_for_mask (what Bidirectional sets)"),
    P("lstm_mask_unroll", "LSTM", {"return_sequences": True, "return_state": True, "unroll": True}, mask="mixed", initial_state=True,
      description="LSTM unroll=True with mask: masked steps output the previous output (zeros first), as tf.keras does"),
    # ---- GRU
    P("gru_default", "GRU", {}, description="GRU defaults (reset_after=True, sigmoid, tanh), last output"),
    P("gru_seq_state", "GRU", {"return_sequences": True, "return_state": True}, initial_state=True, description="GRU sequences, return_state, initial state"),
    P("gru_reset_before", "GRU", {"reset_after": False, "return_sequences": True}, description="GRU reset_after=False (Keras 1/2 layout, bias (3u))"),
    P("gru_reset_before_nobias_back", "GRU", {"reset_after": False, "use_bias": False, "go_backwards": True, "return_sequences": True},
      description="GRU reset_after=False, no bias, go_backwards"),
    P("gru_nobias_back", "GRU", {"use_bias": False, "go_backwards": True, "return_state": True}, description="GRU reset_after=True, no bias, go_backwards, return_state"),
    P("gru_acts", "GRU", {"activation": "relu", "recurrent_activation": "hard_sigmoid", "return_sequences": True},
      description="GRU relu + hard_sigmoid (Keras 3 formula)"),
    P("gru_acts_other", "GRU", {"activation": "softsign", "recurrent_activation": "linear", "return_sequences": True, "reset_after": False},
      description="GRU softsign + linear (activations not inlined in the kernels)"),
    P("gru_mask_seq", "GRU", {"return_sequences": True, "return_state": True}, mask="mixed", initial_state=True, description="GRU mask + initial state"),
    P("gru_mask_back_before", "GRU", {"return_sequences": True, "go_backwards": True, "reset_after": False}, mask="mixed",
      description="GRU reset_after=False, go_backwards, mask"),
    P("gru_mask_last", "GRU", {}, mask="right_padded", description="GRU last output, right-padded mask"),
    P("gru_mask_zero_output", "GRU", {"return_sequences": True, "zero_output_for_mask": True}, mask="mixed", initial_state=True,
      description="GRU zero_output_for_mask"),
    P("gru_mask_unroll", "GRU", {"return_sequences": True, "unroll": True}, mask="mixed", initial_state=True,
      description="GRU unroll=True with mask (previous output at masked steps)"),
    P("gru_keras2_hardsig", "GRU", {"recurrent_activation": "hard_sigmoid", "reset_after": False, "return_sequences": True}, era="keras2",
      description="GRU as Keras 2 computes it: hard_sigmoid = clip(0.2x+0.5), reset_after=False"),
    P("gru_keras2_hardsig_both", "GRU", {"activation": "hard_sigmoid", "recurrent_activation": "hard_sigmoid", "return_state": True}, era="keras2",
      initial_state=True, description="GRU, Keras 2 hard_sigmoid as both activations, reset_after=True, initial state"),
    P("gru_tfkeras_mask", "GRU", {"return_sequences": True}, mask="mixed", initial_state=True, masked_output="previous",
      description="GRU in a tf.keras 2 model: masked steps output the previous output (zeros before the first kept step)"),
    P("gru_wide", "GRU", {"return_sequences": True}, B=3, T=4, D=5, units=7, mask="mixed", description="GRU with units not a multiple of 4"),
    # ---- SimpleRNN
    P("simple_rnn_default", "SimpleRNN", {}, description="SimpleRNN defaults (tanh), last output"),
    P("simple_rnn_seq_state", "SimpleRNN", {"return_sequences": True, "return_state": True}, initial_state=True, description="SimpleRNN sequences + state"),
    P("simple_rnn_relu_back_nobias", "SimpleRNN", {"activation": "relu", "use_bias": False, "go_backwards": True, "return_sequences": True},
      description="SimpleRNN relu, no bias, go_backwards"),
    P("simple_rnn_other_act", "SimpleRNN", {"activation": "gelu", "return_sequences": True}, description="SimpleRNN gelu (not inlined)"),
    P("simple_rnn_mask", "SimpleRNN", {"return_sequences": True, "return_state": True}, mask="mixed", initial_state=True, description="SimpleRNN mask + state"),
    P("simple_rnn_mask_back_zero", "SimpleRNN", {"return_sequences": True, "go_backwards": True, "zero_output_for_mask": True}, mask="mixed",
      description="SimpleRNN go_backwards, zero_output_for_mask"),
    P("simple_rnn_keras2_hardsig", "SimpleRNN", {"activation": "hard_sigmoid", "return_sequences": True}, era="keras2",
      description="SimpleRNN hard_sigmoid as Keras 2 computes it"),
    P("simple_rnn_wide", "SimpleRNN", {"return_sequences": True}, B=3, T=4, D=5, units=7, mask="mixed", description="SimpleRNN units not a multiple of 4"),
]

GRAD = [
    P("lstm_grad_mask_state", "LSTM", {"return_sequences": True, "return_state": True}, mask="mixed", initial_state=True,
      description="LSTM BPTT with mask, initial state and state gradients"),
    P("lstm_grad_mask_back_last", "LSTM", {"go_backwards": True}, mask="right_padded", description="LSTM BPTT, go_backwards, last output, mask"),
    P("lstm_grad_mask_zero", "LSTM", {"return_sequences": True, "zero_output_for_mask": True}, mask="mixed", initial_state=True,
      description="LSTM BPTT, zero_output_for_mask"),
    P("lstm_grad_dropout", "LSTM", {"return_sequences": True, "dropout": 0.3, "recurrent_dropout": 0.4}, mask="mixed", initial_state=True,
      dropout_masks=True, description="LSTM BPTT with fixed dropout and recurrent-dropout masks and a timestep mask"),
    P("gru_grad", "GRU", {"return_sequences": True, "return_state": True}, initial_state=True, description="GRU BPTT (reset_after=True)"),
    P("gru_grad_before", "GRU", {"reset_after": False, "return_sequences": True, "return_state": True}, initial_state=True,
      description="GRU BPTT (reset_after=False)"),
    P("gru_grad_mask", "GRU", {"return_sequences": True, "return_state": True}, mask="mixed", initial_state=True, description="GRU BPTT with mask"),
    P("gru_grad_mask_before_back", "GRU", {"reset_after": False, "go_backwards": True}, mask="mixed", initial_state=True,
      description="GRU BPTT reset_after=False, go_backwards, mask, last output"),
    P("gru_grad_acts", "GRU", {"activation": "relu", "recurrent_activation": "hard_sigmoid", "return_sequences": True, "use_bias": False},
      mask="mixed", description="GRU BPTT relu/hard_sigmoid, no bias"),
    P("gru_grad_other_acts", "GRU", {"activation": "softsign", "recurrent_activation": "silu", "return_sequences": True, "reset_after": False},
      description="GRU BPTT, activations not inlined"),
    P("gru_grad_zero_output", "GRU", {"return_sequences": True, "zero_output_for_mask": True}, mask="mixed", description="GRU BPTT zero_output_for_mask"),
    P("gru_grad_dropout", "GRU", {"return_sequences": True, "dropout": 0.3, "recurrent_dropout": 0.4}, mask="mixed", initial_state=True,
      dropout_masks=True, description="GRU BPTT with fixed dropout masks (reset_after=True)"),
    P("gru_grad_dropout_before", "GRU", {"return_sequences": True, "dropout": 0.25, "recurrent_dropout": 0.3, "reset_after": False},
      dropout_masks=True, description="GRU BPTT with fixed dropout masks (reset_after=False)"),
    P("gru_grad_dropout_input_only", "GRU", {"return_sequences": True, "dropout": 0.3}, dropout_masks=True,
      description="GRU BPTT with input dropout only (implementation 2, one mask)"),
    P("simple_rnn_grad", "SimpleRNN", {"return_sequences": True, "return_state": True}, initial_state=True, description="SimpleRNN BPTT"),
    P("simple_rnn_grad_mask_back", "SimpleRNN", {"go_backwards": True, "activation": "relu"}, mask="mixed", initial_state=True,
      description="SimpleRNN BPTT relu, go_backwards, mask"),
    P("simple_rnn_grad_dropout", "SimpleRNN", {"return_sequences": True, "dropout": 0.3, "recurrent_dropout": 0.4}, mask="mixed",
      dropout_masks=True, description="SimpleRNN BPTT with fixed dropout masks"),
    P("simple_rnn_grad_other_act", "SimpleRNN", {"return_sequences": True, "activation": "gelu", "use_bias": False}, description="SimpleRNN BPTT gelu"),
]


def make_layer(case):
    keras.backend.clear_session()
    kw = dict(case.kw)
    layer = CLASSES[case.cls](case.units, **kw)
    layer.build((case.B, case.T, case.D))
    return layer


def draw(case, layer):
    rng = np.random.RandomState(oc.seed_for(case.name))
    weights = oc.draw_weights(rng, [tuple(w.shape) for w in layer.get_weights()], scale=0.5)
    layer.set_weights(weights)
    x = oc.draw_input(rng, (case.B, case.T, case.D))
    mask = mask_pattern(case.B, case.T, case.mask)
    init = [oc.draw_input(rng, (case.B, case.units), 0.5) for _ in range(STATES[case.cls])] if case.initial_state else None
    return rng, weights, x, mask, init


def config_json(layer):
    return json.loads(json.dumps(layer.get_config()))


def run_predict(case):
    layer = make_layer(case)
    _, weights, x, mask, init = draw(case, layer)
    kwargs = {}
    if mask is not None:
        kwargs["mask"] = mask
    if init is not None:
        kwargs["initial_state"] = init
    keras_out = layer(x, training=False, **kwargs)
    keras_out = [np.asarray(o) for o in (keras_out if isinstance(keras_out, (list, tuple)) else [keras_out])]
    cfg = layer.get_config()
    rule = "zero" if cfg.get("zero_output_for_mask") and not cfg.get("unroll") else ("previous" if cfg.get("unroll") else "state")
    # The NumPy reference must agree with Keras 3 on this case (Keras 3 activations) before it is trusted.
    ref3 = np_rnn(case.cls, cfg, weights, x, mask=mask, initial_state=init, dialect="keras3", rule=rule)
    worst = max(float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))) for a, b in zip(ref3, keras_out))
    if worst > 1e-5:
        raise AssertionError(f"{case.name}: NumPy reference differs from Keras 3 by {worst}")
    if case.era == "keras2":
        outputs = np_rnn(case.cls, cfg, weights, x, mask=mask, initial_state=init, dialect="keras2", rule=rule)
        source = "numpy reference with Keras 2's hard_sigmoid (checked against Keras 3 with Keras 3's)"
    elif case.masked_output == "previous":
        outputs = np_rnn(case.cls, cfg, weights, x, mask=mask, initial_state=init, dialect="keras3", rule="previous")
        source = "numpy reference with tf.keras 2's masked outputs (checked against Keras 3 with Keras 3's)"
    else:
        outputs = keras_out
        source = "keras 3.15.1"
    return {
        "description": case.description,
        "keras_version": keras.__version__,
        "source": source,
        "class_name": case.cls,
        "config": config_json(layer),
        "era": case.era,
        "masked_output": case.masked_output,
        "weights": [oc.tensor_json(w) for w in weights],
        "x": oc.tensor_json(x),
        "mask": None if mask is None else oc.tensor_json(mask.astype(np.float32)),
        "initial_state": None if init is None else [oc.tensor_json(s) for s in init],
        "outputs": [oc.tensor_json(o) for o in outputs],
        "numpy_vs_keras3": worst,
    }


def run_grad(case):
    layer = make_layer(case)
    rng, weights, x, mask, init = draw(case, layer)
    cfg = layer.get_config()
    cell = layer.cell
    dropout = None
    if case.dropout_masks:
        d_rate = cfg.get("dropout", 0.0)
        r_rate = cfg.get("recurrent_dropout", 0.0)
        # kerasts draws one mask per sequence shared by the gates: give Keras the same mask for each gate
        inp = ((rng.uniform(size=(case.B, case.D)) >= d_rate) / (1 - d_rate)).astype(np.float32) if d_rate > 0 else None
        rec = ((rng.uniform(size=(case.B, case.units)) >= r_rate) / (1 - r_rate)).astype(np.float32) if r_rate > 0 else None
        count = getattr(cell, "dropout_mask_count", None)
        dropout = {"input": inp, "recurrent": rec, "count": count}
    # output weights
    outs = layer(x, training=False, **({"mask": mask} if mask is not None else {}), **({"initial_state": init} if init is not None else {}))
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    ws = [oc.draw_input(rng, tuple(o.shape)) for o in outs]
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]

    def loss(tv, x, init):
        if dropout is not None:
            n = dropout["count"]
            if dropout["input"] is not None:
                cell._dropout_mask = [jnp.asarray(dropout["input"])] * n if n else jnp.asarray(dropout["input"])
            if dropout["recurrent"] is not None:
                cell._recurrent_dropout_mask = [jnp.asarray(dropout["recurrent"])] * n if n else jnp.asarray(dropout["recurrent"])
        kwargs = {}
        if mask is not None:
            kwargs["mask"] = mask
        if init is not None:
            kwargs["initial_state"] = list(init)
        o, _ = layer.stateless_call(tv, ntv, x, training=True, **kwargs)
        o = o if isinstance(o, (list, tuple)) else [o]
        return sum(jnp.sum(oi * wi) for oi, wi in zip(o, ws)), o

    (value, o), g = jax.value_and_grad(loss, argnums=(0, 1, 2), has_aux=True)(tv, jnp.asarray(x), None if init is None else [jnp.asarray(s) for s in init])
    gw, gx, gs = g
    return {
        "description": case.description,
        "keras_version": keras.__version__,
        "class_name": case.cls,
        "config": config_json(layer),
        "weights": [oc.tensor_json(w) for w in weights],
        "x": oc.tensor_json(x),
        "mask": None if mask is None else oc.tensor_json(mask.astype(np.float32)),
        "initial_state": None if init is None else [oc.tensor_json(s) for s in init],
        "dropout": None if dropout is None else {
            "input": None if dropout["input"] is None else oc.tensor_json(dropout["input"]),
            "recurrent": None if dropout["recurrent"] is None else oc.tensor_json(dropout["recurrent"]),
        },
        "output_weights": [oc.tensor_json(w) for w in ws],
        "outputs": [oc.tensor_json(np.asarray(oi)) for oi in o],
        "loss": float(np.float32(value)),
        "grad_weights": [oc.tensor_json(np.asarray(a)) for a in gw],
        "grad_x": oc.tensor_json(np.asarray(gx)),
        "grad_initial_state": None if gs is None else [oc.tensor_json(np.asarray(a)) for a in gs],
    }


# ----------------------------------------------------------------------------
# fit cases (format of fixtures/train)
# ----------------------------------------------------------------------------


def build_model(spec):
    """gen_train_fixtures' Sequential builder, with GRU and SimpleRNN."""
    model = keras.Sequential()
    model.add(keras.Input(shape=tuple(spec["input_shape"]), batch_size=spec.get("batch_size")))
    for ls in spec["layers"]:
        t = ls["type"]
        if t in ("LSTM", "GRU", "SimpleRNN"):
            kw = {k: ls[k] for k in ("activation", "use_bias", "return_sequences", "go_backwards", "stateful", "reset_after",
                                      "recurrent_activation", "unroll") if k in ls}
            for key in ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "recurrent_constraint", "bias_constraint"):
                if ls.get(key) is not None:
                    mod = keras.regularizers if key.endswith("regularizer") else keras.constraints
                    kw[key] = mod.deserialize(ls[key])
            layer = CLASSES[t](ls["units"], **kw)
        elif t == "Dense":
            layer = layers.Dense(ls["units"], activation=ls.get("activation", "linear"), use_bias=ls.get("use_bias", True))
        else:
            raise ValueError(t)
        if ls.get("trainable") is False:
            layer.trainable = False
        model.add(layer)
    return model


gt.build_model = build_model
O = keras.optimizers
C = gt.Case


def rnn_dense(cls, units=4, **kw):
    return {"input_shape": [5, 3], "layers": [{"type": cls, "units": units, **kw}, {"type": "Dense", "units": 1}]}


FIT = [
    C("gru_adam_mse", "GRU (reset_after=True) + Dense, Adam", rnn_dense("GRU"), lambda: O.Adam(learning_rate=0.01), "mse",
      gt.seq_x(), gt.reg_y(), metrics=["mae"], resume_after=2),
    C("gru_reset_before_sgd", "GRU reset_after=False + Dense, SGD momentum", rnn_dense("GRU", reset_after=False), lambda: O.SGD(learning_rate=0.05, momentum=0.9),
      "mse", gt.seq_x(), gt.reg_y()),
    C("gru_backwards_nobias_hardsig", "GRU go_backwards, no bias, hard_sigmoid, relu",
      rnn_dense("GRU", go_backwards=True, use_bias=False, recurrent_activation="hard_sigmoid", activation="relu"),
      lambda: O.Adam(learning_rate=0.01), "mse", gt.seq_x(), gt.reg_y()),
    C("gru_seq_dense3d_rmsprop", "GRU return_sequences + Dense on 3-D output, RMSprop",
      {"input_shape": [5, 3], "layers": [{"type": "GRU", "units": 4, "return_sequences": True}, {"type": "Dense", "units": 2}]},
      lambda: O.RMSprop(learning_rate=0.005), "mse", gt.seq_x(), lambda rng, x: rng.standard_normal((x.shape[0], 5, 2)).astype(np.float32) * 0.5),
    C("gru_stacked_bce", "stacked GRUs (reset_after both ways), sigmoid output, binary_crossentropy",
      {"input_shape": [5, 3], "layers": [{"type": "GRU", "units": 5, "return_sequences": True, "reset_after": False},
                                         {"type": "GRU", "units": 3, "go_backwards": True}, {"type": "Dense", "units": 1, "activation": "sigmoid"}]},
      lambda: O.Adam(learning_rate=0.02), "binary_crossentropy", gt.seq_x(), gt.binary_y(), metrics=["accuracy"]),
    C("gru_stateful", "stateful GRU, state carried across batches and epochs",
      {"input_shape": [5, 3], "batch_size": 6, "layers": [{"type": "GRU", "units": 4, "stateful": True}, {"type": "Dense", "units": 1}]},
      lambda: O.Adam(learning_rate=0.01), "mse", gt.seq_x(n=24), gt.reg_y(), batch_size=6, epochs=3),
    C("gru_regularized", "GRU with kernel/recurrent L2 and bias L1 regularizers, MaxNorm on the recurrent kernel",
      rnn_dense("GRU", kernel_regularizer={"class_name": "L2", "config": {"l2": 0.01}}, recurrent_regularizer={"class_name": "L2", "config": {"l2": 0.02}},
                bias_regularizer={"class_name": "L1", "config": {"l1": 0.01}}, recurrent_constraint={"class_name": "MaxNorm", "config": {"max_value": 1.0, "axis": 0}}),
      lambda: O.Adam(learning_rate=0.02), "mse", gt.seq_x(), gt.reg_y()),
    C("gru_frozen_head", "GRU frozen, Dense head trained", rnn_dense("GRU", trainable=False), lambda: O.SGD(learning_rate=0.05), "mse", gt.seq_x(), gt.reg_y()),
    C("simple_rnn_adam", "SimpleRNN + Dense, Adam", rnn_dense("SimpleRNN"), lambda: O.Adam(learning_rate=0.01), "mse",
      gt.seq_x(), gt.reg_y(), metrics=["mae"], resume_after=2),
    C("simple_rnn_relu_back_nobias", "SimpleRNN relu, go_backwards, no bias, Nadam", rnn_dense("SimpleRNN", activation="relu", go_backwards=True, use_bias=False),
      lambda: O.Nadam(learning_rate=0.01), "mse", gt.seq_x(), gt.reg_y()),
    C("simple_rnn_seq_softmax", "SimpleRNN sequences -> SimpleRNN -> softmax, categorical_crossentropy",
      {"input_shape": [5, 3], "layers": [{"type": "SimpleRNN", "units": 6, "return_sequences": True}, {"type": "SimpleRNN", "units": 4},
                                         {"type": "Dense", "units": 3, "activation": "softmax"}]},
      lambda: O.Adam(learning_rate=0.02), "categorical_crossentropy", gt.seq_x(), gt.onehot_y(3), metrics=["accuracy"]),
    C("simple_rnn_stateful", "stateful SimpleRNN",
      {"input_shape": [5, 3], "batch_size": 6, "layers": [{"type": "SimpleRNN", "units": 4, "stateful": True}, {"type": "Dense", "units": 1}]},
      lambda: O.RMSprop(learning_rate=0.005), "mse", gt.seq_x(n=24), gt.reg_y(), batch_size=6, epochs=3),
    C("lstm_gru_simple_stack", "LSTM -> GRU -> SimpleRNN -> Dense, Adam",
      {"input_shape": [5, 3], "layers": [{"type": "LSTM", "units": 4, "return_sequences": True}, {"type": "GRU", "units": 4, "return_sequences": True},
                                         {"type": "SimpleRNN", "units": 3}, {"type": "Dense", "units": 1}]},
      lambda: O.Adam(learning_rate=0.01), "mse", gt.seq_x(), gt.reg_y()),
]


# ----------------------------------------------------------------------------


def write_set(out_dir, cases, runner, only, summary):
    os.makedirs(out_dir, exist_ok=True)
    index = []
    for case in cases:
        if only and case.name not in only:
            continue
        data = runner(case)
        path = os.path.join(out_dir, f"{case.name}.json")
        with open(path, "w", encoding="utf8") as fh:
            json.dump(data, fh, separators=(",", ":"), allow_nan=False)
            fh.write("\n")
        index.append({"name": case.name, "description": case.description})
        print(f"  {case.name}: {summary(data)}")
    if not only:
        with open(os.path.join(out_dir, "index.json"), "w", encoding="utf8") as fh:
            json.dump(index, fh, indent=1)
            fh.write("\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--skip-fit", action="store_true")
    args = ap.parse_args()
    write_set(os.path.join(args.out, "predict"), PREDICT, run_predict, args.only, lambda d: d["source"])
    write_set(os.path.join(args.out, "grad"), GRAD, run_grad, args.only, lambda d: f"loss {d['loss']:.5f}")
    if not args.skip_fit:
        write_set(os.path.join(args.out, "train"), FIT, gt.run_case, args.only,
                  lambda d: f"loss {d['history']['loss'][0]:.5f} -> {d['history']['loss'][-1]:.5f}")


if __name__ == "__main__":
    main()
