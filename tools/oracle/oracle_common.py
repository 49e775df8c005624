"""Shared helpers for the kerasts Python oracle.

Imported by gen_predict_fixtures.py, gen_h5_fixtures.py and interop_check.py.
Importing this module pins the Keras backend to JAX on CPU *before* keras is
imported anywhere (importing keras without KERAS_BACKEND tries TensorFlow,
which is not installed in .venv-oracle).
"""

from __future__ import annotations

import json
import math
import os
import zlib

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

KERAS_VERSION_EXPECTED = "3.15.1"


def import_keras():
    """Import keras, check the backend and version, and silence its chatter."""
    import warnings

    warnings.filterwarnings("ignore")
    import keras  # noqa: WPS433

    if keras.backend.backend() != "jax":
        raise SystemExit(
            f"oracle: expected the JAX backend, got {keras.backend.backend()!r} "
            "(run with KERAS_BACKEND=jax)"
        )
    if keras.__version__ != KERAS_VERSION_EXPECTED:
        raise SystemExit(
            f"oracle: expected keras {KERAS_VERSION_EXPECTED}, found {keras.__version__} "
            "(run tools/oracle/setup.sh)"
        )
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except Exception:  # pragma: no cover - absl is a keras dependency
        pass
    return keras


# ----------------------------------------------------------------------------
# Determinism and float32 <-> JSON
# ----------------------------------------------------------------------------


def seed_for(name: str) -> int:
    """A stable 32-bit seed derived from a case name (crc32, not hash())."""
    return zlib.crc32(name.encode("utf8")) & 0xFFFFFFFF


def f32_values(arr) -> list:
    """Flat row-major list of Python floats, each *exactly* a float32 value.

    float(np.float32(v)) is the float64 that equals the float32; json writes it
    with repr(), the shortest decimal that reads back to that float64, so both
    `parseFloat` and `Math.fround(parseFloat(...))` give the float32 back
    unchanged.
    """
    a = np.asarray(arr, dtype=np.float32)
    if not np.all(np.isfinite(a)):
        raise ValueError("non-finite value in fixture data")
    return [float(v) for v in a.ravel(order="C")]


def tensor_json(arr) -> dict:
    a = np.asarray(arr, dtype=np.float32)
    return {"shape": [int(d) for d in a.shape], "values": f32_values(a)}


def tensor_from_json(obj) -> np.ndarray:
    return np.asarray(obj["values"], dtype=np.float32).reshape(obj["shape"])


def check_roundtrip(obj) -> None:
    """Assert that every float in a tensor_json object survives JSON text."""
    values = obj["values"]
    back = json.loads(json.dumps(values))
    a = np.asarray(values, dtype=np.float64)
    b = np.asarray(back, dtype=np.float64)
    if not np.array_equal(a, b) or not np.array_equal(a.astype(np.float32).astype(np.float64), a):
        raise AssertionError("float32 JSON round-trip failed")


def draw_weights(rng: np.random.RandomState, shapes, scale: float = 0.5):
    """One array per weight shape, N(0, 1) * scale, as float32."""
    return [(rng.standard_normal(tuple(s)) * scale).astype(np.float32) for s in shapes]


def draw_input(rng: np.random.RandomState, shape, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(tuple(shape)) * scale).astype(np.float32)


def dump_case(path: str, case: dict) -> None:
    """Write a case as JSON: one top-level key per line, values compact.

    Compact enough for the ~3 MB budget, still diff-able per field.
    """
    parts = []
    for key, value in case.items():
        if key == "weights":
            inner = ",\n    ".join(json.dumps(w, separators=(",", ":")) for w in value)
            text = "[\n    " + inner + "\n  ]" if value else "[]"
        else:
            text = json.dumps(value, separators=(",", ":"), allow_nan=False)
        parts.append(f"  {json.dumps(key)}: {text}")
    with open(path, "w", encoding="utf8") as fh:
        fh.write("{\n" + ",\n".join(parts) + "\n}\n")


# ----------------------------------------------------------------------------
# NumPy reference (float64 arithmetic on float32 inputs)
# ----------------------------------------------------------------------------

_erf = np.vectorize(math.erf, otypes=[np.float64])

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _softplus(x):
    # log(1 + exp(x)) without overflow
    return np.logaddexp(0.0, x)


def np_activation(name, x, dialect: str):
    """Activation `name` as Keras `dialect` ("keras2" or "keras3") computes it."""
    x = np.asarray(x, dtype=np.float64)
    if name in (None, "linear"):
        return x
    if name == "tanh":
        return np.tanh(x)
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if name == "hard_sigmoid":
        if dialect == "keras2":
            return np.clip(0.2 * x + 0.5, 0.0, 1.0)
        if dialect == "keras3":
            return np.clip(x / 6.0 + 0.5, 0.0, 1.0)
        raise ValueError(dialect)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "log_softmax":
        m = x.max(axis=-1, keepdims=True)
        return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    if name == "elu":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))
    if name == "selu":
        return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))
    if name == "softplus":
        return _softplus(x)
    if name == "softsign":
        return x / (1.0 + np.abs(x))
    if name == "exponential":
        return np.exp(x)
    if dialect == "keras2":
        raise ValueError(f"activation {name!r} does not exist in Keras 2.0.8")
    # Keras 3 only below
    if name == "relu6":
        return np.clip(x, 0.0, 6.0)
    if name == "leaky_relu":  # keras.activations.leaky_relu: negative_slope=0.2
        return np.where(x >= 0, x, 0.2 * x)
    if name in ("silu", "swish"):
        return x / (1.0 + np.exp(-x))
    if name == "gelu":  # approximate=False: exact erf form
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))
    if name == "mish":
        return x * np.tanh(_softplus(x))
    raise ValueError(f"no NumPy reference for activation {name!r}")


def np_lstm(x, kernel, recurrent_kernel, bias, *, units, activation="tanh",
            recurrent_activation="sigmoid", return_sequences=False,
            go_backwards=False, dialect="keras3", z_sink=None):
    """LSTM forward, gate order i, f, c, o. Zero initial state.

    With go_backwards the sequence is consumed from the last timestep to the
    first and, with return_sequences, the outputs are returned in *processing*
    order (output[:, 0] is the state after reading x[:, T-1]), as Keras does.
    """
    x = np.asarray(x, dtype=np.float64)
    W = np.asarray(kernel, dtype=np.float64)
    U = np.asarray(recurrent_kernel, dtype=np.float64)
    b = np.zeros(4 * units) if bias is None else np.asarray(bias, dtype=np.float64)
    batch, steps, _ = x.shape
    h = np.zeros((batch, units))
    c = np.zeros((batch, units))
    u = units
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outs = []
    for t in order:
        z = x[:, t, :] @ W + h @ U + b
        if z_sink is not None and recurrent_activation == "hard_sigmoid":
            z_sink.extend([z[:, :2 * u], z[:, 3 * u:]])
        i = np_activation(recurrent_activation, z[:, :u], dialect)
        f = np_activation(recurrent_activation, z[:, u:2 * u], dialect)
        g = np_activation(activation, z[:, 2 * u:3 * u], dialect)
        o = np_activation(recurrent_activation, z[:, 3 * u:], dialect)
        c = f * c + i * g
        h = o * np_activation(activation, c, dialect)
        outs.append(h)
    if return_sequences:
        return np.stack(outs, axis=1)
    return h


def np_dense(x, kernel, bias, activation, dialect):
    y = np.asarray(x, dtype=np.float64) @ np.asarray(kernel, dtype=np.float64)
    if bias is not None:
        y = y + np.asarray(bias, dtype=np.float64)
    return np_activation(activation, y, dialect)


def np_sequential(layer_entries, weights, x, dialect, z_sink=None):
    """Run a Sequential given as [{"class_name", "config"}, ...] (any dialect).

    `weights` is the flat get_weights() list. InputLayer entries are skipped.
    `z_sink`, if a list, collects the hard_sigmoid gate pre-activations.
    Supports LSTM, Dense, Dropout (identity at inference) and Activation.
    """
    ws = list(weights)
    y = np.asarray(x, dtype=np.float64)
    for entry in layer_entries:
        cls, cfg = entry["class_name"], entry["config"]
        if cls == "InputLayer":
            continue
        if cls == "LSTM":
            use_bias = cfg.get("use_bias", True)
            kernel, rec = ws.pop(0), ws.pop(0)
            bias = ws.pop(0) if use_bias else None
            y = np_lstm(
                y, kernel, rec, bias,
                units=cfg["units"],
                activation=cfg.get("activation", "tanh"),
                recurrent_activation=cfg.get("recurrent_activation", "sigmoid"),
                return_sequences=cfg.get("return_sequences", False),
                go_backwards=cfg.get("go_backwards", False),
                dialect=dialect,
                z_sink=z_sink,
            )
        elif cls == "Dense":
            use_bias = cfg.get("use_bias", True)
            kernel = ws.pop(0)
            bias = ws.pop(0) if use_bias else None
            y = np_dense(y, kernel, bias, cfg.get("activation", "linear"), dialect)
        elif cls == "Dropout":
            pass
        elif cls == "Activation":
            y = np_activation(cfg["activation"], y, dialect)
        else:
            raise ValueError(f"np_sequential: unsupported layer {cls}")
    if ws:
        raise ValueError(f"np_sequential: {len(ws)} unused weight arrays")
    return y


# ----------------------------------------------------------------------------
# Keras 2.0.8 dialect (to_json of a Sequential, list form)
# ----------------------------------------------------------------------------

K2_GLOROT = {"class_name": "VarianceScaling",
             "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
K2_ORTHOGONAL = {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}}
K2_ZEROS = {"class_name": "Zeros", "config": {}}


def _k2_base(name, batch_input_shape):
    cfg = {"name": name, "trainable": True}
    if batch_input_shape is not None:
        cfg["batch_input_shape"] = list(batch_input_shape)
        cfg["dtype"] = "float32"
    return cfg


def k2_lstm(name, units, *, batch_input_shape=None, return_sequences=False,
            go_backwards=False, activation="tanh", recurrent_activation="hard_sigmoid",
            use_bias=True, unit_forget_bias=True):
    """An LSTM entry exactly as Keras 2.0.8 `to_json` writes it (key order too)."""
    cfg = _k2_base(name, batch_input_shape)
    cfg.update({
        "return_sequences": return_sequences, "return_state": False,
        "go_backwards": go_backwards, "stateful": False, "unroll": False,
        "implementation": 0, "units": units, "activation": activation,
        "recurrent_activation": recurrent_activation, "use_bias": use_bias,
        "kernel_initializer": K2_GLOROT, "recurrent_initializer": K2_ORTHOGONAL,
        "bias_initializer": K2_ZEROS, "unit_forget_bias": unit_forget_bias,
        "kernel_regularizer": None, "recurrent_regularizer": None,
        "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "recurrent_constraint": None,
        "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0,
    })
    return {"class_name": "LSTM", "config": cfg}


def k2_dense(name, units, *, batch_input_shape=None, activation="linear", use_bias=True):
    cfg = _k2_base(name, batch_input_shape)
    cfg.update({
        "units": units, "activation": activation, "use_bias": use_bias,
        "kernel_initializer": K2_GLOROT, "bias_initializer": K2_ZEROS,
        "kernel_regularizer": None, "bias_regularizer": None,
        "activity_regularizer": None, "kernel_constraint": None,
        "bias_constraint": None,
    })
    return {"class_name": "Dense", "config": cfg}


def k2_dropout(name, rate):
    cfg = _k2_base(name, None)
    cfg["rate"] = rate
    return {"class_name": "Dropout", "config": cfg}


def k2_activation(name, activation):
    cfg = _k2_base(name, None)
    cfg["activation"] = activation
    return {"class_name": "Activation", "config": cfg}


def k2_model_json(layers, backend="tensorflow"):
    """Keras 2.0.8 Sequential.to_json() object (config is a bare list)."""
    return {"class_name": "Sequential", "config": layers,
            "keras_version": "2.0.8", "backend": backend}


def k2_weight_specs(layers, input_dim):
    """[(name, shape)] in get_weights() order, with Keras 2 TF names (`lstm_1/kernel:0`)."""
    specs = []
    last = input_dim
    for entry in layers:
        cls, cfg = entry["class_name"], entry["config"]
        n = cfg["name"]
        if cls == "LSTM":
            u = cfg["units"]
            specs.append((f"{n}/kernel:0", (last, 4 * u)))
            specs.append((f"{n}/recurrent_kernel:0", (u, 4 * u)))
            if cfg["use_bias"]:
                specs.append((f"{n}/bias:0", (4 * u,)))
            last = u
        elif cls == "Dense":
            u = cfg["units"]
            specs.append((f"{n}/kernel:0", (last, u)))
            if cfg["use_bias"]:
                specs.append((f"{n}/bias:0", (u,)))
            last = u
    return specs
