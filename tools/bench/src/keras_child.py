"""Runs one workload on Keras 3 + JAX and prints one line `RESULT {json}` (timing inside Python).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/bench/src/keras_child.py <workload-id>
    ... keras_child.py --make-h5     # writes .cache/large.h5 (the W4 file) with Keras

Same weights and inputs as the JavaScript systems (tools/bench/.cache/*.json + *.bin, made by
common.mjs), same protocol as common.mjs timeIt: warm-up, then samples of >= 20 ms each.
"""
import base64
import json
import os
import resource
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, "..", ".cache")



def load_set(name):
    with open(os.path.join(CACHE, f"{name}.json")) as f:
        manifest = json.load(f)
    data = np.fromfile(os.path.join(CACHE, f"{name}.bin"), dtype="<f4")
    out = {}
    for e in manifest["arrays"]:
        n = int(np.prod(e["shape"])) if e["shape"] else 1
        out[e["name"]] = data[e["offset"] : e["offset"] + n].reshape(e["shape"])
    return out


def weight_names(model):
    names = []
    for i, l in enumerate(model["layers"]):
        if l["type"] == "lstm":
            names += [f"lstm_{i}/kernel", f"lstm_{i}/recurrent_kernel", f"lstm_{i}/bias"]
        elif l["type"] == "embedding":
            names += [f"embedding_{i}/embeddings"]
        elif l["type"] == "bigru":
            names += [f"bigru_{i}/{d}/{w}" for d in ("forward", "backward") for w in ("kernel", "recurrent_kernel", "bias")]
        elif l["type"] in ("conv1d", "conv2d"):
            names += [f"conv_{i}/kernel", f"conv_{i}/bias"]
        elif l["type"] in ("maxpool2d", "flatten", "globalmaxpool1d"):
            pass
        else:
            names += [f"dense_{i}/kernel", f"dense_{i}/bias"]
    return names


def build(keras, spec, model_name):
    m = spec["models"][model_name]
    layers = [keras.Input(tuple(m["input"]))]
    for l in m["layers"]:
        if l["type"] == "lstm":
            layers.append(keras.layers.LSTM(l["units"], return_sequences=bool(l.get("returnSequences", False)), kernel_initializer="zeros", recurrent_initializer="zeros"))
        elif l["type"] == "embedding":
            layers.append(keras.layers.Embedding(l["inputDim"], l["outputDim"]))
        elif l["type"] == "bigru":
            # reset_after=False: the GRU tfjs computes (it has no reset_after=True)
            gru = keras.layers.GRU(l["units"], reset_after=False, kernel_initializer="zeros", recurrent_initializer="zeros")
            layers.append(keras.layers.Bidirectional(gru))
        elif l["type"] == "conv1d":
            layers.append(keras.layers.Conv1D(l["filters"], l["kernelSize"], activation=l.get("activation"), kernel_initializer="zeros"))
        elif l["type"] == "conv2d":
            layers.append(keras.layers.Conv2D(l["filters"], l["kernelSize"], activation=l.get("activation"), kernel_initializer="zeros"))
        elif l["type"] == "maxpool2d":
            layers.append(keras.layers.MaxPooling2D(l["poolSize"]))
        elif l["type"] == "flatten":
            layers.append(keras.layers.Flatten())
        elif l["type"] == "globalmaxpool1d":
            layers.append(keras.layers.GlobalMaxPooling1D())
        else:
            layers.append(keras.layers.Dense(l["units"], activation=l.get("activation"), kernel_initializer="zeros"))
    model = keras.Sequential(layers)
    ws = load_set(f"weights-{model_name}")
    model.set_weights([ws[n] for n in weight_names(m)])
    return model


def time_it(fn, warmup_ms=300, warmup_calls=2, min_samples=5, max_samples=30, budget_ms=3000):
    """common.mjs' timeIt: reps sized from the median warm-up call; CPU time per call (all threads) too."""
    t0 = time.perf_counter()
    warm = []
    while len(warm) < warmup_calls or (warmup_ms > 0 and (time.perf_counter() - t0) * 1000 < warmup_ms):
        s = time.perf_counter()
        fn()
        d = (time.perf_counter() - s) * 1000
        warm.append(d)
        if d > warmup_ms:
            break
    typical = float(np.median(warm)) if warm else 0.0
    reps = 1 if not warm else max(1, min(100000, int(np.ceil(20 / max(typical, 1e-4)))))
    samples = []
    cpu = []
    start = time.perf_counter()
    while len(samples) < min_samples or (len(samples) < max_samples and (time.perf_counter() - start) * 1000 < budget_ms):
        c = time.process_time()
        s = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - s) * 1000 / reps)
        cpu.append((time.process_time() - c) * 1000 / reps)
    return {"median": float(np.median(samples)), "min": float(min(samples)), "max": float(max(samples)), "samples": len(samples), "reps": reps,
            "cpu": {"median": float(np.median(cpu)), "min": float(min(cpu)), "max": float(max(cpu))}}


def enc(a, n=4096):
    a = np.asarray(a, dtype="<f4").reshape(-1)
    if a.size > n:
        a = a[(np.arange(n) * (a.size / n)).astype(np.int64)]
    return base64.b64encode(a.tobytes()).decode()


def rss_mb():
    # VmHWM (Linux): ru_maxrss carries the parent's peak over fork+exec.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak_rss():
    """VmHWM back to the current RSS (Linux), so that a later peak measures what came after."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def current_rss_mb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return rss_mb()


def main():
    spec = json.loads(os.environ["BENCH_SPEC"])
    import jax
    import keras

    info = {"keras": keras.__version__, "jax": jax.__version__, "backend": keras.backend.backend()}
    if sys.argv[1] == "--make-h5":
        model = build(keras, spec, "large")
        model.save(os.path.join(CACHE, "large.h5"))
        print("RESULT " + json.dumps({"status": "ok"}))
        return
    wid = sys.argv[1]
    w = next(x for x in spec["workloads"] if x["id"] == wid)
    base = current_rss_mb()
    res = {"system": "keras-jax", "workload": wid}
    if w["kind"] == "predict":
        model = build(keras, spec, w["model"])
        x = load_set(f"input-{wid}")["x"]
        out = np.asarray(model.predict_on_batch(x))
        t = time_it(lambda: model.predict_on_batch(x), **({"min_samples": 3, "max_samples": 10} if wid == "large" else {}))
        res.update(status="ok", time=t, output=enc(out))
    elif w["kind"] == "gemm":
        import jax.numpy as jnp

        s = load_set(f"input-{wid}")
        a, b = jnp.asarray(s["a"]), jnp.asarray(s["b"])
        dot = jax.jit(jnp.dot)
        out = np.asarray(dot(a, b))
        t = time_it(lambda: dot(a, b).block_until_ready())
        n = w["size"]
        res.update(status="ok", time=t, output=enc(out), gflops=2 * n**3 / (t["median"] * 1e6))
    elif w["kind"] == "train":
        model = build(keras, spec, w["model"])
        s = load_set(f"input-{wid}")
        model.compile(optimizer=keras.optimizers.Adam(), loss=w.get("loss", "mse"))
        fit = lambda: model.fit(s["x"], s["y"], batch_size=w["batch"], epochs=1, shuffle=False, verbose=0)  # noqa: E731
        t = time_it(fit, warmup_ms=0, warmup_calls=1, min_samples=3, max_samples=5, budget_ms=10000)
        res.update(status="ok", time=t)
    elif w["kind"] == "load-cold":
        path = os.path.join(CACHE, "large.h5")
        if not os.path.exists(path):
            res.update(status="skipped", reason="no large.h5")
        else:
            reset = reset_peak_rss()
            s = time.perf_counter()
            keras.models.load_model(path, compile=False)
            ms = (time.perf_counter() - s) * 1000
            res.update(status="ok", time={"median": ms, "min": ms, "max": ms, "samples": 1, "reps": 1},
                       loadPeakAboveBaseMB=round(rss_mb() - base, 1) if reset else None, note="keras.models.load_model of the .h5")
    elif w["kind"] == "load":
        path = os.path.join(CACHE, "large.h5")
        if not os.path.exists(path):
            res.update(status="skipped", reason="no large.h5")
        else:
            m = keras.models.load_model(path, compile=False)
            x = load_set("input-large")["x"]
            out = np.asarray(m.predict_on_batch(x))
            t = time_it(lambda: keras.models.load_model(path, compile=False), warmup_ms=0, warmup_calls=0, min_samples=3, max_samples=5, budget_ms=8000)
            res.update(status="ok", time=t, output=enc(out), note="keras.models.load_model of the .h5")
    res.update(peakRssMB=rss_mb(), baseRssMB=base, info=info)
    print("RESULT " + json.dumps(res))


if __name__ == "__main__":
    main()
