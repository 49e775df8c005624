"""Interop for .keras archives and .weights.h5, Keras side (real Keras 3.15.1).

Files kerasts wrote (listed in <dir>/kerascases.json) must:
1. load with keras.models.load_model and predict what kerasts predicted (within 1e-5);
2. load with model_from_json + load_weights('x.weights.h5') and predict the same;
3. for compiled cases: come back compiled with kerasts' optimizer (class, iterations, every variable);
   and Keras' further fit must match kerasts' further fit of the same archive within 1e-4.
Prints one line per check and a final "N passed, M failed"; exits 1 on any failure.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import keras  # noqa: E402

d = sys.argv[1]
spec = json.load(open(os.path.join(d, "kerascases.json")))
passed = failed = 0


def arr(t):
    return np.asarray(t["values"], np.float32).reshape(t["shape"])


def check(name, diff, tol, what="max|Δ|"):
    global passed, failed
    if diff <= tol:
        passed += 1
        print(f"ok {name} {what}={diff:.2e}")
    else:
        failed += 1
        print(f"FAIL {name} {what}={diff:.2e} (tolerance {tol:g})")


def fail(name, e):
    global failed
    failed += 1
    print(f"FAIL {name}: {type(e).__name__}: {e}")


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float32).reshape(-1) - np.asarray(b, np.float32).reshape(-1)))) if np.size(a) else 0.0


for c in spec["cases"]:
    xs = [arr(t) for t in c["inputs"]]
    xin = xs if len(xs) > 1 else xs[0]
    want = arr(c["output"])
    try:
        m = keras.models.load_model(os.path.join(d, c["keras_file"]))
        check(f"{c['name']} load_model(.keras) predict", maxdiff(m.predict(xin, verbose=0), want), 1e-5)
        compiled = c.get("compiled")
        if compiled:
            name = type(m.optimizer).__name__
            it = int(m.optimizer.iterations.numpy())
            ok = name == compiled["optimizer"] and it == compiled["iterations"]
            if ok:
                passed += 1
                print(f"ok {c['name']} compiled by Keras: {name}, iterations {it}")
            else:
                failed += 1
                print(f"FAIL {c['name']} compiled: {name}, iterations {it}, expected {compiled}")
        r = c.get("resume")
        if r:
            ours = [np.asarray(v.numpy(), np.float32) for v in m.optimizer.variables]
            hist = m.fit(arr(r["x"]), arr(r["y"]), batch_size=r["batch_size"], epochs=r["epochs"], shuffle=False, verbose=0)
            wd = max(maxdiff(w.numpy(), arr(t)) for w, t in zip(m.weights, r["weights"]))
            check(f"{c['name']} Keras' further fit vs kerasts' further fit: weights", wd, 1e-4)
            ld = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(hist.history["loss"], r["loss"]))
            check(f"{c['name']} Keras' further fit vs kerasts' further fit: loss per epoch", ld, 1e-4, "rel|Δ|")
            od = max(maxdiff(v.numpy(), arr(t)) for v, t in zip(m.optimizer.variables, r["optimizer_variables"]))
            check(f"{c['name']} optimizer variables after the further fit", od, 1e-4)
            del ours
    except Exception as e:  # noqa: BLE001
        fail(f"{c['name']} load_model(.keras)", e)
    if not c.get("weights_file"):
        continue
    try:
        m = keras.models.model_from_json(c["json"])
        m.load_weights(os.path.join(d, c["weights_file"]))
        check(f"{c['name']} model_from_json + load_weights(.weights.h5) predict", maxdiff(m.predict(xin, verbose=0), want), 1e-5)
    except Exception as e:  # noqa: BLE001
        fail(f"{c['name']} load_weights(.weights.h5)", e)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
