"""Interop for HDF5 files, Keras side (real Keras 3.15.1).

1. Files kerasts wrote (listed in <dir>/h5cases.json) must load in Keras and predict what kerasts
   predicted: load_model(x.h5), model_from_json + load_weights (topological), and load_weights with
   by_name=True into a model whose head differs (the tutorial's transfer step).
2. Keras writes fresh files (full model, legacy weights) with their predictions into <dir>/keras/ for
   check-keras-h5.mjs to read back with kerasts.
Prints one line per check and a final "N passed, M failed"; exits 1 on any failure.
"""
import json, os, sys
import numpy as np
import keras
from keras.src.legacy.saving import legacy_h5_format
from keras.src.applications.convnext import LayerScale
import h5py

d = sys.argv[1]
spec = json.load(open(os.path.join(d, "h5cases.json")))
passed = failed = 0

def check(name, got, want, tol=1e-5):
    global passed, failed
    diff = float(np.max(np.abs(np.asarray(got, np.float32).reshape(-1) - np.asarray(want, np.float32).reshape(-1))))
    if diff <= tol:
        passed += 1; print(f"ok {name} max|Δ|={diff:.2e}")
    else:
        failed += 1; print(f"FAIL {name} max|Δ|={diff:.2e}")

def arr(a):
    return np.asarray(a["values"], np.float32).reshape(a["shape"])


def predicted(m, xs):
    out = m.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    return np.concatenate([np.asarray(o, np.float32).reshape(-1) for o in (out if isinstance(out, (list, tuple)) else [out])])


for c in spec["cases"]:
    # Several inputs or outputs come as lists, compared output after output.
    xs = [arr(a) for a in c["inputs"]] if "inputs" in c else [arr(c["input"])]
    want = np.concatenate([np.asarray(o["values"], np.float32) for o in (c["outputs"] if "outputs" in c else [c["output"]])])
    try:
        compiled = c.get("compiled")
        m = keras.models.load_model(os.path.join(d, c["model_file"]), compile=bool(compiled))
        check(f"{c['name']} load_model", predicted(m, xs), want)
        if compiled:
            ok = type(m.optimizer).__name__ == compiled["optimizer"] and int(m.optimizer.iterations.numpy()) == compiled["iterations"]
            if ok:
                passed += 1; print(f"ok {c['name']} compiled by Keras: {type(m.optimizer).__name__}, iterations {int(m.optimizer.iterations.numpy())}")
            else:
                failed += 1; print(f"FAIL {c['name']} compile: {type(m.optimizer).__name__} iterations {int(m.optimizer.iterations.numpy())}")
            if "evaluate" in compiled:
                ys = [arr(a) for a in compiled["targets"]]
                theirs = m.evaluate(xs, ys, verbose=0, return_dict=True)
                # kerasts spells metric aliases out in the file (Keras 3.15.1's .h5 loader cannot read
                # 'mae'), so Keras logs the full name: dense_1_mae -> dense_1_mean_absolute_error.
                full = {"mae": "mean_absolute_error", "mse": "mean_squared_error"}
                for k, v in compiled["evaluate"].items():
                    key = k if k in theirs else next((k[: -len(a)] + b for a, b in full.items() if k.endswith("_" + a)), k)
                    check(f"{c['name']} Keras evaluate {key}", [theirs[key]], [v], 1e-5)
    except Exception as e:
        failed += 1; print(f"FAIL {c['name']} load_model: {type(e).__name__}: {e}")
    if not c.get("weights_file"):
        continue
    try:
        m = keras.models.model_from_json(c["json"])
        m.load_weights(os.path.join(d, c["weights_file"]))
        check(f"{c['name']} load_weights", predicted(m, xs), want)
    except Exception as e:
        failed += 1; print(f"FAIL {c['name']} load_weights: {type(e).__name__}: {e}")

# by_name: the tutorial's model_new takes lstm_old from our weights file, keeps dense_new.
src = spec["by_name"]
keras.utils.set_random_seed(3)
new = keras.Sequential([keras.Input((1, 8)), keras.layers.LSTM(4, name="lstm_old"), keras.layers.Dense(10, name="dense_new")])
before = [w.copy() for w in new.get_layer("dense_new").get_weights()]
new.load_weights(os.path.join(d, src["source"]), by_name=True)
with h5py.File(os.path.join(d, src["source"]), "r") as f:
    g = f[src["layer"]]
    names = [n.decode() if hasattr(n, "decode") else n for n in g.attrs["weight_names"]]
    ours = [g[n][()] for n in names]
for i, (a, b) in enumerate(zip(new.get_layer("lstm_old").get_weights(), ours)):
    check(f"by_name lstm_old weight {i}", a, b, 0.0)
for i, (a, b) in enumerate(zip(new.get_layer("dense_new").get_weights(), before)):
    check(f"by_name dense_new untouched {i}", a, b, 0.0)

# Keras -> kerasts: fresh files for the TypeScript side to read.
kd = os.path.join(d, "keras"); os.makedirs(kd, exist_ok=True)
rs = np.random.RandomState(1)
made = []
for name, layers, shape in [
    ("k_seed", [keras.layers.LSTM(4), keras.layers.Dense(1)], (1, 8)),
    ("k_stack", [keras.layers.LSTM(7, return_sequences=True, recurrent_activation="hard_sigmoid"), keras.layers.LSTM(3, go_backwards=True), keras.layers.Dense(2, activation="tanh")], (6, 2)),
    ("k_gru_simple", [keras.layers.GRU(6, return_sequences=True), keras.layers.SimpleRNN(4, return_sequences=True, go_backwards=True, activation="relu"),
                      keras.layers.GRU(3, reset_after=False, recurrent_activation="hard_sigmoid"), keras.layers.Dense(2)], (5, 3)),
    # token ids (an Embedding first): integers in [0, 12)
    ("k_wrappers", [keras.layers.Embedding(12, 3), keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True), merge_mode="ave"),
                    keras.layers.TimeDistributed(keras.layers.Dense(2, activation="tanh")), keras.layers.Bidirectional(keras.layers.LSTM(2)),
                    keras.layers.RepeatVector(3), keras.layers.Dense(1)], ("ids", 12, (5,))),
    ("k_norm", [keras.layers.Normalization(), keras.layers.Rescaling(2.0, offset=-0.5), keras.layers.BatchNormalization(),
                keras.layers.ZeroPadding2D(((1, 0), (0, 1))), keras.layers.UpSampling2D((1, 2), interpolation="bilinear"),
                keras.layers.Cropping2D(((0, 1), (1, 0))), keras.layers.BatchNormalization(axis=1, center=False),
                keras.layers.Permute((3, 1, 2)), keras.layers.Reshape((2, -1)), keras.layers.LayerNormalization(),
                keras.layers.GroupNormalization(groups=2, axis=1), keras.layers.UnitNormalization(), keras.layers.UpSampling1D(2),
                keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")], (3, 4, 2)),
    ("k_activations", [keras.layers.Dense(6), keras.layers.LeakyReLU(negative_slope=0.15), keras.layers.PReLU(shared_axes=[1]),
                       keras.layers.ELU(alpha=0.8), keras.layers.ReLU(max_value=1.2, negative_slope=0.05, threshold=0.1),
                       keras.layers.Softmax(axis=1), keras.layers.Flatten(), keras.layers.Dense(2)], (3, 4)),
    # ConvNeXt's LayerScale (its legacy .h5 entry has no module; its weight is named "variable")
    ("k_layer_scale", [keras.layers.Dense(6), keras.layers.LayerNormalization(epsilon=1e-6), LayerScale(0.3, 6), keras.layers.Flatten(),
                       keras.layers.Dense(2)], (3, 4)),
]:
    keras.backend.clear_session()
    ids = shape[0] == "ids"
    if ids:
        shape = shape[2]
    m = keras.Sequential([keras.Input(shape)] + layers)
    m.set_weights([(rs.uniform(0.5, 1.5, w.shape) if "variance" in w.path else rs.uniform(-0.6, 0.6, w.shape)).astype(np.float32)
                   for w in m.weights])
    for layer in m.layers:
        if hasattr(layer, "finalize_state"):
            layer.finalize_state()
    x = rs.randint(0, 12, (4,) + shape).astype(np.float32) if ids else rs.uniform(-2, 2, (4,) + shape).astype(np.float32)
    m.save(os.path.join(kd, f"{name}.h5"))
    with h5py.File(os.path.join(kd, f"{name}.legacy.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, m)
    json.dump({"json": m.to_json(), "input": {"shape": list(x.shape), "values": x.reshape(-1).tolist()},
               "output": {"shape": list(m.predict(x, verbose=0).shape), "values": m.predict(x, verbose=0).reshape(-1).tolist()}},
              open(os.path.join(kd, f"{name}.io.json"), "w"))
    made.append(name)
json.dump(made, open(os.path.join(kd, "index.json"), "w"))
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
