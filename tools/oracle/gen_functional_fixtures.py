#!/usr/bin/env python3
"""Generate the kerasts functional-model fixtures (Keras 3.15.1, JAX backend).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_functional_fixtures.py [--out DIR]

Writes <out>/<case>.json for every case plus <out>/index.json. Default out:
tools/oracle/fixtures/functional. Each case holds one functional model:

    name, description, keras_version, reference,
    model_json         the architecture: Keras 3 `to_json()` (native form), or a
                       hand-written Keras 1 / Keras 2 config for the `k1_` / `k2_` cases
    model_config_h5    Keras 3 cases: the `model_config` a legacy .h5 holds
    layer_names        Keras' `model.layers` names (input layers included)
    weights            get_weights() order: [{name, shape, values}]
    inputs, outputs    lists (model order) of {shape, values}

Weights are N(0,1)*0.5 and inputs N(0,1), drawn with numpy RandomState(crc32(name));
`keras.backend.clear_session()` runs before each case. Everything is deterministic.

The `k2_` case is a Keras 2-style config (class "Model", `[[[name, node, tensor, {}]]]` nodes,
VarianceScaling initializers) loaded by Keras 3's legacy loader (what `load_model('x.h5')` uses).
The `k1_` case is a Keras 1.2-style config (3-element refs, `Merge` layers, `output_dim`/`init`);
Keras 3 cannot read it, so its reference is an equivalent Keras 3 model with the same weights.
The `func_h5_sample` case is /work/shared/keras-samples/func.h5 with its own weights.
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
from keras import layers as L  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format, saving_utils  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "functional")
SAMPLE_CANDIDATES = [
    os.path.join(HERE, "..", "..", "..", "shared", "keras-samples", "func.h5"),
    "/work/shared/keras-samples/func.h5",
]
BATCH = 3


def Inp(shape, name):
    return keras.Input(shape=shape, name=name)


# ----------------------------------------------------------------------------
# Keras 3 cases: build() returns a keras.Model
# ----------------------------------------------------------------------------


def chain_explicit_input():
    x = Inp((5,), "x")
    h = L.Dense(8, activation="relu", name="hidden")(x)
    return keras.Model(x, L.Dense(3, activation="softmax", name="probs")(h), name="chain")


def two_inputs_concat():
    a, b = Inp((3,), "a"), Inp((2,), "b")
    c = L.Concatenate(name="cat")([a, b])
    return keras.Model([a, b], L.Dense(4, activation="tanh", name="d")(c), name="two_in")


def inputs_reordered():
    a, b = Inp((3,), "a"), Inp((2,), "b")
    c = L.Concatenate(name="cat")([a, b])
    return keras.Model([b, a], L.Dense(2, name="d")(c), name="reordered")


def two_outputs():
    x = Inp((6,), "x")
    h = L.Dense(5, activation="tanh", name="trunk")(x)
    return keras.Model(x, [L.Dense(2, name="head_a")(h), L.Dense(3, activation="sigmoid", name="head_b")(h)], name="two_out")


def shared_dense():
    x1, x2 = Inp((3,), "x1"), Inp((3,), "x2")
    s = L.Dense(4, activation="tanh", name="shared")
    h1, h2 = s(x1), s(x2)
    diff = L.Subtract(name="diff")([h1, h2])
    return keras.Model([x1, x2], [L.Dense(1, name="score")(diff), L.Minimum(name="low")([h1, h2])], name="siamese")


def merges():
    a = Inp((4,), "a")
    d1 = L.Dense(3, name="d1")(a)
    d2 = L.Dense(3, activation="tanh", name="d2")(a)
    d3 = L.Dense(3, activation="sigmoid", name="d3")(a)
    add = L.Add(name="add")([d1, d2, d3])
    mul = L.Multiply(name="mul")([d1, d2, d3])
    avg = L.Average(name="avg")([d1, d2, d3])
    mx = L.Maximum(name="max")([d1, d2])
    mn = L.Minimum(name="min")([d2, d3])
    sub = L.Subtract(name="sub")([d1, d3])
    cat = L.Concatenate(name="cat")([add, mul, avg, mx, mn, sub])
    return keras.Model(a, [L.Dense(2, name="out")(cat), avg], name="merges")


def merge_broadcast():
    a, b, c = Inp((1, 4), "a"), Inp((3, 4), "b"), Inp((4,), "c")
    return keras.Model([a, b, c], [L.Add(name="add")([a, b]), L.Multiply(name="mul")([c, b])], name="bcast")


def lstm_seq_lstm():
    x = Inp((5, 3), "seq")
    h = L.LSTM(6, return_sequences=True, name="lstm_1")(x)
    h = L.LSTM(4, name="lstm_2")(h)
    return keras.Model(x, L.Dense(2, name="out")(h), name="stacked")


def lstm_return_state():
    x = Inp((4, 3), "seq")
    o, h, c = L.LSTM(5, return_state=True, name="enc")(x)
    hc = L.Concatenate(name="hc")([h, c])
    return keras.Model(x, [L.Dense(2, name="from_o")(o), L.Dense(1, name="from_hc")(hc)], name="states")


def concat_time_axis():
    a, b = Inp((2, 3), "a"), Inp((4, 3), "b")
    t = L.Concatenate(axis=1, name="time_cat")([a, b])
    h = L.LSTM(3, name="lstm")(t)
    return keras.Model([a, b], L.Dense(1, name="out")(h), name="time_cat_model")


def shared_nested():
    x = Inp((3,), "x")
    s = L.Dense(3, activation="tanh", name="s")
    y = s(s(x))
    return keras.Model(x, L.Dense(2, name="out")(L.Add(name="res")([y, x])), name="nested")


def dropout_branch():
    x = Inp((2, 4), "x")
    h = L.LSTM(3, name="lstm")(x)
    d = L.Dropout(0.3, name="drop")(h)
    return keras.Model(x, L.Dense(2, activation="softmax", name="out")(d), name="drop_model")


K3_CASES = [
    ("chain_explicit_input", "Input(5) -> Dense(8, relu) -> Dense(3, softmax)", chain_explicit_input),
    ("two_inputs_concat", "inputs a(3), b(2) -> Concatenate -> Dense(4, tanh)", two_inputs_concat),
    ("inputs_reordered", "Model(inputs=[b, a]) with a created first: input order differs from layer order", inputs_reordered),
    ("two_outputs", "Input(6) -> Dense(5, tanh) -> [Dense(2), Dense(3, sigmoid)]", two_outputs),
    ("shared_dense", "one Dense applied to two inputs (two nodes, one set of weights) -> Subtract -> Dense; Minimum", shared_dense),
    ("merges", "Add/Multiply/Average of 3 branches, Maximum, Minimum, Subtract -> Concatenate -> Dense; 2 outputs", merges),
    ("merge_broadcast", "Add of (1,4)+(3,4) broadcasting; Multiply of (4,) and (3,4) (rank alignment)", merge_broadcast),
    ("lstm_seq_lstm", "LSTM(6, return_sequences) -> LSTM(4) -> Dense(2)", lstm_seq_lstm),
    ("lstm_return_state", "LSTM(5, return_state) -> o, h, c; Dense(o); Concatenate([h, c]) -> Dense", lstm_return_state),
    ("concat_time_axis", "Concatenate(axis=1) of (2,3) and (4,3) -> LSTM(3) -> Dense(1)", concat_time_axis),
    ("shared_nested", "a Dense shared at two depths: s(s(x)), then Add with x -> Dense", shared_nested),
    ("dropout_branch", "LSTM -> Dropout -> Dense(softmax) (Keras 3 records training=False kwargs)", dropout_branch),
]


# ----------------------------------------------------------------------------
# Hand-written Keras 2 and Keras 1 configs
# ----------------------------------------------------------------------------

VS = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
ORTH = {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}}
ZEROS = {"class_name": "Zeros", "config": {}}


def k2_dense(name, units, activation="linear"):
    return {"name": name, "trainable": True, "units": units, "activation": activation, "use_bias": True,
            "kernel_initializer": VS, "bias_initializer": ZEROS, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}


def k2_lstm(name, units, return_sequences=False):
    return {"name": name, "trainable": True, "return_sequences": return_sequences, "return_state": False,
            "go_backwards": False, "stateful": False, "unroll": False, "units": units, "activation": "tanh",
            "recurrent_activation": "sigmoid", "use_bias": True, "kernel_initializer": VS,
            "recurrent_initializer": ORTH, "bias_initializer": ZEROS, "unit_forget_bias": True,
            "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
            "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 1}


def k2_entry(name, cls, config, nodes):
    """A Keras 2.2.4 functional layer entry (key order as Container.get_config wrote it)."""
    return {"name": name, "class_name": cls, "config": config,
            "inbound_nodes": [[[ref[0], ref[1], ref[2], {}] for ref in node] for node in nodes]}


def k2_input(name, batch_input_shape):
    return k2_entry(name, "InputLayer", {"batch_input_shape": batch_input_shape, "dtype": "float32",
                                         "sparse": False, "name": name}, [])


def k2_list_nodes_config():
    """Keras 2.2.4-style to_json(): two inputs, LSTM, shared Dense, Concatenate, Add, two outputs."""
    layers = [
        k2_input("seq_in", [None, 4, 3]),
        k2_input("vec_in", [None, 5]),
        k2_entry("lstm_1", "LSTM", k2_lstm("lstm_1", 4), [[("seq_in", 0, 0)]]),
        k2_entry("dense_1", "Dense", k2_dense("dense_1", 4, "tanh"), [[("vec_in", 0, 0)]]),
        k2_entry("shared", "Dense", k2_dense("shared", 4, "relu"), [[("lstm_1", 0, 0)], [("dense_1", 0, 0)]]),
        k2_entry("add_1", "Add", {"name": "add_1", "trainable": True}, [[("shared", 0, 0), ("shared", 1, 0)]]),
        k2_entry("concatenate_1", "Concatenate", {"name": "concatenate_1", "trainable": True, "axis": -1},
                 [[("lstm_1", 0, 0), ("add_1", 0, 0)]]),
        k2_entry("out_a", "Dense", k2_dense("out_a", 2, "softmax"), [[("concatenate_1", 0, 0)]]),
        k2_entry("out_b", "Dense", k2_dense("out_b", 1), [[("add_1", 0, 0)]]),
    ]
    return {"class_name": "Model",
            "config": {"name": "model_1", "layers": layers,
                       "input_layers": [["seq_in", 0, 0], ["vec_in", 0, 0]],
                       "output_layers": [["out_a", 0, 0], ["out_b", 0, 0]]},
            "keras_version": "2.2.4", "backend": "tensorflow"}


def k1_config():
    """Keras 1.2.2-style to_json(): 3-element refs, Merge layers (concat, sum), Keras 1 Dense arguments."""
    def dense(name, units, activation):
        return {"name": name, "trainable": True, "output_dim": units, "init": "glorot_uniform",
                "activation": activation, "W_regularizer": None, "b_regularizer": None,
                "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
                "bias": True, "input_dim": None}

    def merge(name, mode):
        return {"name": name, "mode": mode, "concat_axis": -1, "dot_axes": -1, "output_shape": None,
                "output_mask": None, "arguments": {}, "mode_type": "raw", "output_shape_type": "raw",
                "output_mask_type": "raw"}

    def entry(name, cls, config, nodes):
        return {"name": name, "class_name": cls, "config": config,
                "inbound_nodes": [[list(ref) for ref in node] for node in nodes]}

    layers = [
        entry("input_1", "InputLayer", {"batch_input_shape": [None, 3], "input_dtype": "float32", "sparse": False, "name": "input_1"}, []),
        entry("input_2", "InputLayer", {"batch_input_shape": [None, 2], "input_dtype": "float32", "sparse": False, "name": "input_2"}, []),
        entry("dense_1", "Dense", dense("dense_1", 4, "tanh"), [[("input_1", 0, 0)]]),
        entry("dense_2", "Dense", dense("dense_2", 4, "relu"), [[("input_2", 0, 0)]]),
        entry("merge_1", "Merge", merge("merge_1", "sum"), [[("dense_1", 0, 0), ("dense_2", 0, 0)]]),
        entry("merge_2", "Merge", merge("merge_2", "concat"), [[("merge_1", 0, 0), ("input_1", 0, 0)]]),
        entry("dense_3", "Dense", dense("dense_3", 2, "linear"), [[("merge_2", 0, 0)]]),
    ]
    return {"class_name": "Model",
            "config": {"name": "model_1", "layers": layers,
                       "input_layers": [["input_1", 0, 0], ["input_2", 0, 0]],
                       "output_layers": [["dense_3", 0, 0]]},
            "keras_version": "1.2.2", "backend": "tensorflow"}


def k1_equivalent():
    a, b = Inp((3,), "input_1"), Inp((2,), "input_2")
    d1 = L.Dense(4, activation="tanh", name="dense_1")(a)
    d2 = L.Dense(4, activation="relu", name="dense_2")(b)
    m1 = L.Add(name="merge_1")([d1, d2])
    m2 = L.Concatenate(name="merge_2")([m1, a])
    return keras.Model([a, b], L.Dense(2, name="dense_3")(m2), name="model_1")


# ----------------------------------------------------------------------------
# Generation
# ----------------------------------------------------------------------------


def legacy_model_config(model):
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        legacy_h5_format.save_model_to_hdf5(model, f, include_optimizer=False)
        raw = f.attrs["model_config"]
    if isinstance(raw, bytes):
        raw = raw.decode("utf8")
    return json.loads(raw)


def as_list(v):
    return list(v) if isinstance(v, (list, tuple)) else [v]


def run(model, name, draw_weights=True):
    rng = np.random.RandomState(oc.seed_for(name))
    if draw_weights:
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.5)
        model.set_weights(weights)
    weights = model.get_weights()
    inputs = [oc.draw_input(rng, (BATCH,) + tuple(int(d) for d in t.shape[1:])) for t in model.inputs]
    outputs = [np.asarray(y, dtype=np.float32) for y in as_list(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))]
    return weights, inputs, outputs


def case_dict(name, description, reference, model_json, model, weights, inputs, outputs, h5=None, keras_version=None):
    out = {
        "name": name,
        "description": description,
        "keras_version": keras_version or keras.__version__,
        "reference": reference,
        "model_json": model_json,
    }
    if h5 is not None:
        out["model_config_h5"] = h5
    out["layer_names"] = [layer.name for layer in model.layers]
    out["weights"] = [{"name": w.path, **oc.tensor_json(a)} for w, a in zip(model.weights, weights)]
    out["inputs"] = [oc.tensor_json(x) for x in inputs]
    out["outputs"] = [oc.tensor_json(y) for y in outputs]
    return out


def gen_k3(name, description, build):
    keras.backend.clear_session()
    model = build()
    weights, inputs, outputs = run(model, name)
    model_json = json.loads(model.to_json())
    h5 = legacy_model_config(model)
    # The JSON we ship must rebuild the same model in Keras.
    again = keras.models.model_from_json(json.dumps(model_json))
    again.set_weights(weights)
    check = as_list(again.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
    for y, z in zip(outputs, check):
        assert np.array_equal(y, np.asarray(z, dtype=np.float32)), name
    return case_dict(name, description, f"keras-{keras.__version__}", model_json, model, weights, inputs, outputs, h5)


def gen_func_sample():
    path = next((p for p in SAMPLE_CANDIDATES if os.path.exists(p)), None)
    if path is None:
        print("  note: keras-samples/func.h5 not found; skipping func_h5_sample", file=sys.stderr)
        return None
    keras.backend.clear_session()
    model = keras.models.load_model(path, compile=False)
    weights, inputs, outputs = run(model, "func_h5_sample", draw_weights=False)
    return case_dict("func_h5_sample", "keras-samples/func.h5 (Functional: Input -> LSTM -> Dropout -> Dense) with its own weights",
                     f"keras-{keras.__version__}", json.loads(model.to_json()), model, weights, inputs, outputs,
                     legacy_model_config(model))


def gen_k2():
    name = "k2_list_nodes"
    keras.backend.clear_session()
    cfg = k2_list_nodes_config()
    model = saving_utils.model_from_config(json.loads(json.dumps(cfg)))
    weights, inputs, outputs = run(model, name)
    return case_dict(name, "hand-written Keras 2.2.4-style config: class Model, [[[name, node, tensor, {}]]] nodes, "
                     "shared Dense at two nodes, Add, Concatenate, 2 inputs, 2 outputs; reference: Keras 3 legacy loader",
                     f"keras-{keras.__version__}-legacy-loader", cfg, model, weights, inputs, outputs, keras_version="2.2.4")


def gen_k1():
    name = "k1_merge_modes"
    keras.backend.clear_session()
    model = k1_equivalent()
    weights, inputs, outputs = run(model, name)
    return case_dict(name, "hand-written Keras 1.2.2-style config: 3-element refs, Merge(sum), Merge(concat), output_dim/init; "
                     "reference: the equivalent Keras 3 model (Add, Concatenate) with the same weights",
                     f"keras-{keras.__version__}-equivalent-model", k1_config(), model, weights, inputs, outputs, keras_version="1.2.2")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    cases = [gen_k3(n, d, b) for n, d, b in K3_CASES]
    sample = gen_func_sample()
    if sample:
        cases.append(sample)
    cases.append(gen_k2())
    cases.append(gen_k1())
    names = []
    for c in cases:
        for t in c["inputs"] + c["outputs"] + c["weights"]:
            oc.check_roundtrip(t)
        oc.dump_case(os.path.join(out, c["name"] + ".json"), c)
        names.append(c["name"])
    keep = set(n + ".json" for n in names) | {"index.json", "README.md"}
    for fn in os.listdir(out):
        if fn.endswith(".json") and fn not in keep:
            os.remove(os.path.join(out, fn))
    with open(os.path.join(out, "index.json"), "w", encoding="utf8") as fh:
        json.dump({"keras_version": keras.__version__, "generator": "tools/oracle/gen_functional_fixtures.py", "cases": names}, fh, indent=2)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(out, n + ".json")) for n in names)
    print(f"wrote {len(names)} functional cases to {os.path.relpath(out)} ({total / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
