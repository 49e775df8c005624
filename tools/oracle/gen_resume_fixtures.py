"""Resume fixtures: Keras 3.15.1 trains a model 2 epochs, saves a legacy .h5 (training config and
optimizer weights), then trains 1 more epoch from its in-memory state. kerasts must load the .h5,
train 1 epoch and reach the same weights (tests in packages/io-hdf5/test/resume.test.ts).

Run: KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_resume_fixtures.py
"""
import json, os
import numpy as np
import keras

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "resume")
os.makedirs(OUT, exist_ok=True)

def f32(a):
    return [float(v) for v in np.asarray(a, np.float32).reshape(-1)]

cases = []
for name, make_opt, loss in [
    ("adam_mse", lambda: keras.optimizers.Adam(learning_rate=0.01), "mean_squared_error"),
    ("sgd_momentum_mae", lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), "mean_absolute_error"),
    ("rmsprop_mse", lambda: keras.optimizers.RMSprop(learning_rate=0.005), "mean_squared_error"),
]:
    keras.backend.clear_session()
    rs = np.random.RandomState(7)
    model = keras.Sequential([keras.Input((1, 8)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.set_weights([rs.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in model.get_weights()])
    x = rs.uniform(-1, 1, (32, 1, 8)).astype(np.float32)
    y = rs.uniform(-1, 1, (32, 1)).astype(np.float32)
    model.compile(optimizer=make_opt(), loss=loss)
    h1 = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    model.save(os.path.join(OUT, f"{name}.h5"))
    h2 = model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    json.dump({
        "name": name,
        "description": f"Keras 3.15.1: LSTM(4)+Dense(1), {loss}, {type(model.optimizer).__name__}; 2 epochs, save {name}.h5, then 1 more epoch in memory",
        "x": {"shape": list(x.shape), "values": f32(x)},
        "y": {"shape": list(y.shape), "values": f32(y)},
        "batch_size": 8,
        "losses_first_two_epochs": [float(v) for v in h1.history["loss"]],
        "loss_third_epoch": float(h2.history["loss"][0]),
        "weights_after_third_epoch": [{"shape": list(w.shape), "values": f32(w)} for w in model.get_weights()],
        "iterations_after": int(model.optimizer.iterations.numpy()),
    }, open(os.path.join(OUT, f"{name}.io.json"), "w"))
    cases.append(name)
json.dump({"keras_version": keras.__version__, "cases": cases}, open(os.path.join(OUT, "index.json"), "w"), indent=1)
print("wrote", cases)
