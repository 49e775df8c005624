#!/usr/bin/env python3
"""Generate the kerasts HDF5 fixtures with real Keras 3.15.1 (JAX backend).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_h5_fixtures.py [--out DIR]

For each model (default out: tools/oracle/fixtures/h5):

    <name>.h5                 model.save('<name>.h5')         legacy full model (model_config,
                                                              model_weights[, training_config,
                                                              optimizer_weights])
    <name>.legacy_weights.h5  legacy_h5_format.save_weights_to_hdf5_group(h5py.File, model)
                              (what save_weights('x.h5') wrote before Keras 3: layer_names at
                              the root, one group per layer name)
    <name>.weights.h5         model.save_weights('<name>.weights.h5')   Keras 3 native layout
    <name>.io.json            architecture, weights, input/output (and training data for the
                              trained model), see fixtures/h5/README.md

plus the tutorial's by-name transfer flow (by_name_*.io.json). Every file is
read back with Keras before the script finishes, and predictions must match.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tools/oracle free of __pycache__
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import gen_predict_fixtures as gp  # noqa: E402  (imports keras with the JAX backend)

keras = gp.keras
layers = gp.layers
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "h5")


def weights_json(model):
    return [{"name": w.path, **oc.tensor_json(np.asarray(w.numpy()))} for w in model.weights]


def write_legacy_weights(model, path):
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def predict(model, x):
    return np.asarray(model.predict(x, verbose=0), dtype=np.float32)


def assert_same(a, b, what):
    d = float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
    if d != 0.0:
        raise AssertionError(f"{what}: reload differs by {d:.3g}")


def save_all(model, out, name):
    """Write the three HDF5 flavours; .weights.h5 first (see KERAS-FORMAT §8)."""
    files = {
        "weights": f"{name}.weights.h5",
        "legacy_weights": f"{name}.legacy_weights.h5",
        "model": f"{name}.h5",
    }
    model.save_weights(os.path.join(out, files["weights"]))
    write_legacy_weights(model, os.path.join(out, files["legacy_weights"]))
    model.save(os.path.join(out, files["model"]))
    return {"model": files["model"], "legacy_weights": files["legacy_weights"], "weights": files["weights"]}


def verify_reload(model_json_text, out, files, x, y, *, compile_ok):
    # full model, legacy .h5
    keras.backend.clear_session()
    m = keras.models.load_model(os.path.join(out, files["model"]), compile=compile_ok)
    assert_same(predict(m, x), y, files["model"])
    # architecture + legacy weights (topological)
    for key in ("legacy_weights", "weights", "model"):
        keras.backend.clear_session()
        m = keras.models.model_from_json(model_json_text)
        m.load_weights(os.path.join(out, files[key]))
        assert_same(predict(m, x), y, f"load_weights({files[key]})")


def write_io(out, name, payload):
    oc.dump_case(os.path.join(out, f"{name}.io.json"), payload)


def gen_from_grid(out, case_name, description):
    case = next(c for c in gp.k3_cases() if c.name == case_name)
    model, weights, x, y = gp.build_k3(case)
    model_json_text = model.to_json()
    files = save_all(model, out, case_name)
    verify_reload(model_json_text, out, files, x, y, compile_ok=False)
    write_io(out, case_name, {
        "name": case_name,
        "description": description,
        "keras_version": keras.__version__,
        "source_case": f"fixtures/predict/{case_name}.json",
        "files": files,
        "compiled": False,
        "model_json": json.loads(model_json_text),
        "weights": weights_json(model),
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    })
    return [case_name]


def gen_trained(out):
    """Seed model + Adam, one epoch of fit -> training_config + optimizer_weights."""
    name = "seed_adam_trained"
    keras.backend.clear_session()
    keras.utils.set_random_seed(1234)
    model = keras.Sequential([layers.LSTM(4, input_shape=(1, 8)), layers.Dense(1)])
    rng = np.random.RandomState(oc.seed_for(name))
    init = oc.draw_weights(rng, [w.shape for w in model.get_weights()], 0.5)
    model.set_weights(init)
    train_x = oc.draw_input(rng, (32, 1, 8), 1.0)
    train_y = oc.draw_input(rng, (32, 1), 0.5)
    x = oc.draw_input(rng, (7, 1, 8), 1.0)
    # "mean_squared_error", not the alias "mse": Keras 3.15.1 cannot reload its
    # own .h5 with compile=True when training_config.loss == "mse".
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mean_squared_error")
    hist = model.fit(train_x, train_y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    y = predict(model, x)
    opt_vars = [{"name": v.path, **oc.tensor_json(np.asarray(v.numpy(), dtype=np.float32))}
                for v in model.optimizer.variables]
    opt_vars[0]["dtype"] = str(np.asarray(model.optimizer.variables[0].numpy()).dtype)
    model_json_text = model.to_json()  # before .h5 save (which strips compile_config.optimizer)
    files = save_all(model, out, name)
    with h5py.File(os.path.join(out, files["model"]), "r") as f:
        assert "training_config" in f.attrs and "optimizer_weights" in f
    verify_reload(model_json_text, out, files, x, y, compile_ok=True)
    keras.backend.clear_session()
    m = keras.models.load_model(os.path.join(out, files["model"]))
    iterations = int(m.optimizer.iterations.numpy())
    write_io(out, name, {
        "name": name,
        "description": "Seed model Sequential([LSTM(4, input_shape=(1, 8)), Dense(1)]) compiled with "
                       "Adam(learning_rate=0.01), loss mean_squared_error, fit 1 epoch on 32 samples, "
                       "batch_size 8, shuffle False (4 optimizer steps). The .h5 has training_config and "
                       "optimizer_weights; the .weights.h5 has /optimizer/vars.",
        "keras_version": keras.__version__,
        "files": files,
        "compiled": True,
        "model_json": json.loads(model_json_text),
        "training": {
            "optimizer": "Adam", "learning_rate": 0.01, "loss": "mean_squared_error",
            "epochs": 1, "batch_size": 8, "shuffle": False, "steps": 4,
            "loss_history": [float(v) for v in hist.history["loss"]],
            "iterations_after_h5_reload": iterations,
        },
        "initial_weights": [{"name": w["name"], **oc.tensor_json(a)}
                            for w, a in zip(weights_json(model), init)],
        "train_x": oc.tensor_json(train_x),
        "train_y": oc.tensor_json(train_y),
        "weights": weights_json(model),
        "optimizer_weights": opt_vars,
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    })
    return [name]


def gen_by_name(out):
    """The tutorial's transfer: lstm_old + dense_old -> lstm_old + Dense(10, name='dense_new')."""
    names = []
    L, D = layers.LSTM, layers.Dense

    # source
    src_name = "by_name_source"
    keras.backend.clear_session()
    src = keras.Sequential([L(4, input_shape=(1, 8), name="lstm_old"), D(1, name="dense_old")])
    rng = np.random.RandomState(oc.seed_for(src_name))
    src.set_weights(oc.draw_weights(rng, [w.shape for w in src.get_weights()], 0.5))
    x = oc.draw_input(rng, (7, 1, 8), 1.0)
    y = predict(src, x)
    src_json = src.to_json()
    files = save_all(src, out, src_name)
    verify_reload(src_json, out, files, x, y, compile_ok=False)
    src_weights = weights_json(src)
    write_io(out, src_name, {
        "name": src_name,
        "description": "By-name source: Sequential([LSTM(4, input_shape=(1, 8), name='lstm_old'), "
                       "Dense(1, name='dense_old')]), weights from a seeded draw.",
        "keras_version": keras.__version__,
        "files": files,
        "compiled": False,
        "model_json": json.loads(src_json),
        "weights": src_weights,
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    })
    names.append(src_name)

    def target(tname, head, description, skip_mismatch):
        keras.backend.clear_session()
        tgt = keras.Sequential([L(4, input_shape=(1, 8), name="lstm_old"), head()])
        trng = np.random.RandomState(oc.seed_for(tname))
        before = oc.draw_weights(trng, [w.shape for w in tgt.get_weights()], 0.5)
        tgt.set_weights(before)
        per_file = {}
        for key in ("legacy_weights", "model"):
            tgt.set_weights(before)
            tgt.load_weights(os.path.join(out, files[key]), by_name=True, skip_mismatch=skip_mismatch)
            per_file[key] = [np.asarray(a) for a in tgt.get_weights()]
        for a, b in zip(per_file["legacy_weights"], per_file["model"]):
            assert np.array_equal(a, b)
        after = per_file["legacy_weights"]
        # the LSTM took the source's weights, the head kept its own
        for i in range(3):
            assert np.array_equal(after[i], oc.tensor_from_json(src_weights[i]))
        for i in range(3, len(after)):
            assert np.array_equal(after[i], before[i])
        # .weights.h5 refuses by_name
        try:
            tgt.load_weights(os.path.join(out, files["weights"]), by_name=True)
            raise AssertionError("by_name on .weights.h5 unexpectedly worked")
        except ValueError:
            pass
        tgt.set_weights(after)
        ty = predict(tgt, x)
        write_io(out, tname, {
            "name": tname,
            "description": description,
            "keras_version": keras.__version__,
            "load": {"files": [files["legacy_weights"], files["model"]], "by_name": True,
                     "skip_mismatch": skip_mismatch,
                     "loaded_layers": ["lstm_old"],
                     "note": "both files give the same weights; by_name on "
                             f"{files['weights']} raises ValueError in Keras 3"},
            "model_json": json.loads(tgt.to_json()),
            "weights_before": [{"name": w.path, **oc.tensor_json(a)} for w, a in zip(tgt.weights, before)],
            "weights_after": [{"name": w.path, **oc.tensor_json(a)} for w, a in zip(tgt.weights, after)],
            "input": oc.tensor_json(x),
            "output": oc.tensor_json(ty),
        })
        names.append(tname)

    target("by_name_target",
           lambda: D(10, name="dense_new"),
           "By-name target (the tutorial's model_new): LSTM(4, name='lstm_old') + Dense(10, name='dense_new'); "
           "weights_before from a seeded draw, then load_weights(<source>, by_name=True): lstm_old is "
           "replaced, dense_new is untouched (no layer of that name in the file).",
           False)
    # Same name, different shape: needs skip_mismatch; Keras 3 skips the two
    # mismatching weights (kernel and bias) one by one and warns.
    target("by_name_target_skip_mismatch",
           lambda: D(10, name="dense_old"),
           "LSTM(4, name='lstm_old') + Dense(10, name='dense_old') loaded by_name with skip_mismatch=True "
           "from the source: lstm_old is replaced, dense_old's kernel (4,10) vs (4,1) and bias (10,) vs (1,) "
           "are skipped (Keras 3 warns per weight). Without skip_mismatch Keras raises ValueError "
           "'Shape mismatch in layer #1 (named dense_old)...'.",
           True)
    # and without skip_mismatch it must raise
    keras.backend.clear_session()
    bad = keras.Sequential([L(4, input_shape=(1, 8), name="lstm_old"), D(10, name="dense_old")])
    try:
        bad.load_weights(os.path.join(out, files["legacy_weights"]), by_name=True)
        raise AssertionError("shape mismatch by_name unexpectedly worked")
    except ValueError:
        pass
    return names


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for fn in os.listdir(out):  # start clean: no stale files
        if fn.endswith(".h5") or fn.endswith(".io.json"):
            os.remove(os.path.join(out, fn))

    names = []
    names += gen_from_grid(out, "seed_keras3",
                           "The seed model Sequential([LSTM(4, input_shape=(1, 8)), Dense(1)]), not compiled "
                           "(no training_config / optimizer_weights); weights as in the predict fixture.")
    names += gen_from_grid(out, "lstm_stacked2",
                           "Stacked LSTM(8, return_sequences) -> LSTM(4) -> Dense(1), timesteps 13, dim 8.")
    names += gen_from_grid(out, "lstm_stacked3_seq_named",
                           "Explicitly named layers enc1/enc2/enc3/head in a model named 'stack3': weight "
                           "paths are stack3/enc1/lstm_cell/kernel..., .weights.h5 keys are lstm, lstm_1, "
                           "lstm_2, dense (class-based, not names).")
    names += gen_from_grid(out, "mlp_activation_layers",
                           "Dense/Activation/Dropout MLP with explicit names: weightless layers appear in "
                           "layer_names with an empty (float64, shape (0,)) weight_names attribute.")
    names += gen_trained(out)
    names += gen_by_name(out)

    with open(os.path.join(out, "index.json"), "w", encoding="utf8") as fh:
        json.dump({"keras_version": keras.__version__, "generator": "tools/oracle/gen_h5_fixtures.py",
                   "cases": names}, fh, indent=2)
        fh.write("\n")
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"wrote {len(names)} h5 fixture sets to {os.path.relpath(out)} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
