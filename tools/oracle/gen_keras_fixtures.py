#!/usr/bin/env python3
"""Keras-written `.keras` archives and native `.weights.h5` files for @kerasts/io-keras.

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_keras_fixtures.py [--out DIR]

For each case in CASES (default out: tools/oracle/fixtures/keras):

    <name>.keras          model.save()          (compiled cases: after fitting, with optimizer state)
    <name>.weights.h5     model.save_weights()  (Keras 3 native layout; optimizer too when compiled)
    <name>.json           input and Keras' prediction; the HDF5 layout Keras wrote (path -> shape);
                          for compiled Sequential cases the training data and what Keras' *further*
                          fit of the loaded archive gives (losses per epoch, weights after)

CASES is the one table to extend when a layer is added to kerasts: io-keras' registry test fails for
a registered layer class that no case here uses. Deterministic: data from seeded RandomState, weights
from seeded initializers, archive dates fixed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402

keras = oc.import_keras()
import h5py  # noqa: E402
import numpy as np  # noqa: E402

L = keras.layers
DEFAULT_OUT = os.path.join(HERE, "fixtures", "keras")


def seq_lstm_adam():
    keras.utils.set_random_seed(1)
    m = keras.Sequential([keras.Input((3, 5)), L.LSTM(4), L.Dense(2)], name="seq_lstm_adam")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return m


def seq_stack_rmsprop():
    keras.utils.set_random_seed(2)
    m = keras.Sequential(
        [
            keras.Input((4, 3)),
            L.LSTM(5, return_sequences=True, go_backwards=True),
            L.LSTM(3, recurrent_activation="hard_sigmoid", unit_forget_bias=False),
            L.Activation("relu"),
            L.Dense(3, activation="softmax"),
        ],
        name="seq_stack_rmsprop",
    )
    m.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005), loss="categorical_crossentropy")
    return m


def seq_sgd_momentum():
    keras.utils.set_random_seed(3)
    m = keras.Sequential([L.Dense(4, activation="tanh"), L.Dense(4, use_bias=False), L.Dense(1)], name="seq_sgd")
    m.build((None, 6))
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mae")
    return m


def seq_dropout_uncompiled():
    keras.utils.set_random_seed(4)
    return keras.Sequential(
        [keras.Input((2, 4)), L.LSTM(3, return_sequences=True), L.Dropout(0.4), L.LSTM(2, activation="relu"), L.Dense(2, activation="sigmoid")],
        name="seq_dropout",
    )


def func_merges():
    keras.utils.set_random_seed(5)
    a = keras.Input((6,), name="a")
    b = keras.Input((6,), name="b")
    da = L.Dense(4, activation="relu", name="da")(a)
    db = L.Dense(4, activation="tanh", name="db")(b)
    merged = [
        L.Concatenate(name="cat")([da, db]),
        L.Add(name="add")([da, db]),
        L.Subtract(name="sub")([da, db]),
        L.Multiply(name="mul")([da, db]),
        L.Average(name="avg")([da, db]),
        L.Maximum(name="max")([da, db]),
        L.Minimum(name="min")([da, db]),
    ]
    x = L.Concatenate(name="all")(merged)
    x = L.Dropout(0.2, name="drop")(x)
    x = L.Activation("elu", name="act")(x)
    out = L.Dense(3, name="out")(x)
    return keras.Model([a, b], out, name="func_merges")


def func_lstm_state_compiled():
    keras.utils.set_random_seed(6)
    inp = keras.Input((5, 2), name="seq")
    out, h, c = L.LSTM(3, return_state=True, name="enc")(inp)
    x = L.Concatenate(name="hc")([h, c])
    y = L.Dense(1, name="head")(x)
    m = keras.Model(inp, y, name="func_state")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    return m


def seq_gru_simple_rnn_adam():
    keras.utils.set_random_seed(11)
    m = keras.Sequential(
        [
            keras.Input((4, 3)),
            L.GRU(5, return_sequences=True),
            L.SimpleRNN(3, return_sequences=True, go_backwards=True),
            L.GRU(2, reset_after=False, recurrent_activation="hard_sigmoid"),
            L.Dense(2),
        ],
        name="seq_gru_simple_rnn",
    )
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def seq_reshape_flatten_adam():
    keras.utils.set_random_seed(7)
    m = keras.Sequential(
        [keras.Input((3, 4)), L.Reshape((4, 3)), L.LSTM(2, return_sequences=True), L.Flatten(), L.Dense(2)],
        name="seq_reshape_flatten",
    )
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def seq_embedding_wrappers_adam():
    keras.utils.set_random_seed(8)
    m = keras.Sequential(
        [
            keras.Input((5,)),
            L.Embedding(10, 3),
            L.Bidirectional(L.LSTM(2)),
            L.RepeatVector(3),
            L.TimeDistributed(L.Dense(3, activation="tanh")),
            L.Flatten(),
            L.Dense(1),
        ],
        name="seq_embedding_wrappers",
    )
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def seq_noise_masking_uncompiled():
    # The noise and dropout layers are identities at inference; Masking's mask reaches a Dense only
    # (kerasts does not run masked LSTMs yet).
    keras.utils.set_random_seed(9)
    return keras.Sequential(
        [
            keras.Input((4, 3)),
            L.SpatialDropout1D(0.2),
            L.GaussianNoise(0.1),
            L.GaussianDropout(0.1),
            L.AlphaDropout(0.1),
            L.ActivityRegularization(l1=0.01),
            L.Masking(0.0),
            L.Dense(2),
        ],
        name="seq_noise_masking",
    )


def func_spatial_dropout():
    keras.utils.set_random_seed(10)
    a = keras.Input((2, 3, 4), name="img")
    b = keras.Input((2, 2, 3, 4), name="vol")
    x = L.Reshape((24,), name="ra")(L.SpatialDropout2D(0.3, name="sd2")(a))
    y = L.Reshape((48,), name="rb")(L.SpatialDropout3D(0.3, name="sd3")(b))
    out = L.Dense(2, name="out")(L.Concatenate(name="cat")([x, y]))
    return keras.Model([a, b], out, name="func_spatial")


def seq_conv2d_adam():
    keras.utils.set_random_seed(8)
    m = keras.Sequential(
        [
            keras.Input((10, 9, 2)),
            L.Conv2D(4, 3, activation="relu", padding="same"),
            L.MaxPooling2D(2),
            L.SeparableConv2D(4, 3, depth_multiplier=2, padding="same"),
            L.DepthwiseConv2D(2, depth_multiplier=2),
            L.Conv2DTranspose(3, 3, strides=2, padding="same"),
            L.AveragePooling2D(2, padding="same"),
            L.GlobalMaxPooling2D(),
            L.Dense(2),
        ],
        name="seq_conv2d",
    )
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def seq_conv1d_sgd():
    keras.utils.set_random_seed(9)
    m = keras.Sequential(
        [
            keras.Input((12, 3)),
            L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="tanh"),
            L.SeparableConv1D(4, 2, padding="same"),
            L.DepthwiseConv1D(3, strides=2),
            L.Conv1DTranspose(3, 3, strides=2),
            L.MaxPooling1D(2),
            L.AveragePooling1D(2, strides=1),
            L.GlobalAveragePooling1D(),
            L.Dense(1),
        ],
        name="seq_conv1d",
    )
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
    return m


def func_conv3d_pools():
    keras.utils.set_random_seed(10)
    inp = keras.Input((4, 5, 4, 2), name="vol")
    x = L.Conv3D(3, 2, padding="same", data_format="channels_last", name="c3")(inp)
    x = L.Conv3DTranspose(2, 2, strides=(1, 2, 1), name="c3t")(x)
    a = L.GlobalMaxPooling3D(name="gmax3")(L.MaxPooling3D(2, name="mp3")(x))
    b = L.GlobalAveragePooling3D(name="gavg3")(L.AveragePooling3D(2, padding="same", name="ap3")(x))
    seq = keras.Input((6, 3), name="seq")
    c = L.GlobalMaxPooling1D(name="gmax1")(seq)
    img = keras.Input((3, 5, 4), name="img")
    d = L.GlobalAveragePooling2D(data_format="channels_first", name="gavg2")(img)
    out = L.Dense(2, name="out")(L.Concatenate(name="cat")([a, b, c, d]))
    return keras.Model([inp, seq, img], out, name="func_conv3d")


def seq_norm_adam():
    """Normalization (adapted), Rescaling, BatchNormalization (moving statistics trained), Layer/Group/Unit
    normalization and the 1-D reshaping layers. (No normalization directly undoes another one's offset
    or scale: a weight whose true gradient is zero gets Keras' float noise, which Adam scales up.)"""
    keras.utils.set_random_seed(11)
    norm = L.Normalization()
    norm.adapt(np.random.RandomState(11).uniform(-2, 3, (32, 6)).astype("float32"))
    m = keras.Sequential(
        [keras.Input((6,)), norm, L.Rescaling(0.5, offset=0.1), L.Dense(8, use_bias=False), L.BatchNormalization(momentum=0.8),
         L.Reshape((4, 2)), L.GroupNormalization(groups=2), L.Dense(2), L.LayerNormalization(), L.UnitNormalization(), L.Permute((2, 1)),
         L.ZeroPadding1D(1), L.Cropping1D((1, 0)), L.UpSampling1D(2), L.Flatten(), L.Dense(2)],
        name="seq_norm",
    )
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def seq_image_reshaping_sgd():
    """The 2-D and 3-D padding, cropping and upsampling layers (bilinear too) with a channels_first
    BatchNormalization."""
    keras.utils.set_random_seed(12)
    m = keras.Sequential(
        [keras.Input((3, 4, 2)), L.ZeroPadding2D(1), L.Cropping2D(((1, 0), (0, 1))), L.UpSampling2D((1, 2), interpolation="bilinear"),
         L.BatchNormalization(axis=1), L.Reshape((4, 10, 2, 1)), L.ZeroPadding3D(((0, 1), (1, 0), (0, 0))),
         L.Cropping3D(((1, 0), (0, 1), (0, 0))), L.UpSampling3D((1, 1, 2)), L.Flatten(), L.Dense(2)],
        name="seq_image_reshaping",
    )
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.5), loss="mse")
    return m


def seq_activations_adam():
    """The activation layers: LeakyReLU, PReLU (shared axis, trained alpha), ELU, ReLU with every
    parameter, and a Softmax over the time axis."""
    keras.utils.set_random_seed(13)
    m = keras.Sequential(
        [keras.Input((5, 4)), L.Dense(6), L.LeakyReLU(negative_slope=0.2), L.PReLU(alpha_initializer=keras.initializers.Constant(0.25), shared_axes=[1]),
         L.ELU(alpha=0.7), L.Dense(4), L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2), L.Dense(3), L.Softmax(axis=1), L.Flatten(), L.Dense(2)],
        name="seq_activations",
    )
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def func_numpy_ops_adam():
    """keras.ops nodes in a functional graph, as Keras 3 records `x + 3.0`, `x * y`, `1.0 / t`, `-x`
    and a residual `x + shortcut` (MobileNetV3's hard-swish is `x * relu6(x + 3) * (1 / 6)`)."""
    keras.utils.set_random_seed(14)
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    x = L.Dense(4)(a)
    hs = x * L.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)
    z = L.Dense(4)(b)
    w = hs * z - z
    w = 1.0 / (w * w + 2.0)
    w = -w + x
    out = L.Dense(2)(w)
    m = keras.Model([a, b], out, name="func_numpy_ops")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return m


def seq_image_augment_uncompiled():
    """Every image augmentation layer Keras 3 exports (the identity at inference), RandomCrop (also the
    identity at inference in Keras 3), Resizing, CenterCrop and Rescaling in front of a Conv2D head.
    Uncompiled: Keras' fit would draw random transforms kerasts cannot reproduce. RandomShear keeps its
    zero default: Keras 3.15.1 writes a nonzero factor as [-f, f] and then refuses to load it (bounds [0, 1]).
    RandomColorJitter has no factors here: with one it creates a sub-layer named from Keras' session
    counter, which the weights file records."""
    keras.utils.set_random_seed(15)
    m = keras.Sequential(
        [keras.Input((11, 10, 3)), L.RandomFlip("horizontal", seed=1), L.RandomRotation(0.1, fill_mode="constant"), L.RandomZoom(0.1, 0.2),
         L.RandomTranslation(0.1, 0.1, interpolation="nearest"), L.RandomContrast(0.2), L.RandomBrightness(0.2), L.RandomShear(),
         L.RandomGrayscale(0.2), L.RandomHue(0.1), L.RandomSaturation(0.2), L.RandomSharpness(0.2), L.RandomColorDegeneration(0.2),
         L.RandomInvert(0.1), L.RandomPosterization(6), L.RandomColorJitter(), L.RandomErasing(0.2),
         L.RandomGaussianBlur(0.2), L.RandomPerspective(0.2), L.RandomElasticTransform(0.2), L.RandomCrop(8, 8, seed=2),
         L.Resizing(9, 7, interpolation="bicubic"), L.CenterCrop(6, 6), L.Rescaling(0.5), L.Conv2D(3, 3), L.GlobalAveragePooling2D(), L.Dense(2)],
        name="seq_image_augment",
    )
    return m


def seq_resize_crop_sgd():
    """Resizing (bicubic, then bilinear with crop_to_aspect_ratio) and CenterCrop trained through: Keras'
    resize is differentiable, so the resumed fit checks kerasts' backward pass through them."""
    keras.utils.set_random_seed(16)
    m = keras.Sequential(
        [keras.Input((9, 10, 2)), L.Resizing(7, 8, interpolation="bicubic"), L.Conv2D(3, 2), L.Resizing(5, 5, crop_to_aspect_ratio=True),
         L.CenterCrop(4, 3), L.Flatten(), L.Dense(2)],
        name="seq_resize_crop",
    )
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.5), loss="mse")
    return m


def seq_layer_scale_adam():
    """ConvNeXt's LayerScale (keras.src.applications.convnext, saved with that module): x * gamma over
    the last axis, gamma trained, after a LayerNormalization as in a ConvNeXt block."""
    from keras.src.applications.convnext import LayerScale
    keras.utils.set_random_seed(15)
    m = keras.Sequential([keras.Input((5, 4)), L.Dense(6), L.LayerNormalization(epsilon=1e-6), LayerScale(0.5, 6, name="layer_scale"),
                          L.Flatten(), L.Dense(2)], name="seq_layer_scale")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="mse")
    return m


# name -> (builder, input shapes (without batch), output width, fit?[, integer inputs below this
# vocabulary size]). Every layer class kerasts
# registers must appear in some case (io-keras' registry test checks it).
CASES = {
    "seq_lstm_adam": (seq_lstm_adam, [(3, 5)], 2, True),
    "seq_stack_rmsprop": (seq_stack_rmsprop, [(4, 3)], 3, True),
    "seq_sgd_momentum": (seq_sgd_momentum, [(6,)], 1, True),
    "seq_dropout_uncompiled": (seq_dropout_uncompiled, [(2, 4)], 2, False),
    "func_merges": (func_merges, [(6,), (6,)], 3, False),
    "func_lstm_state_compiled": (func_lstm_state_compiled, [(5, 2)], 1, True),
    "seq_reshape_flatten_adam": (seq_reshape_flatten_adam, [(3, 4)], 2, True),
    "seq_embedding_wrappers_adam": (seq_embedding_wrappers_adam, [(5,)], 1, True, 10),
    "seq_noise_masking_uncompiled": (seq_noise_masking_uncompiled, [(4, 3)], 2, False),
    "func_spatial_dropout": (func_spatial_dropout, [(2, 3, 4), (2, 2, 3, 4)], 2, False),
    "seq_conv2d_adam": (seq_conv2d_adam, [(10, 9, 2)], 2, True),
    "seq_conv1d_sgd": (seq_conv1d_sgd, [(12, 3)], 1, True),
    "func_conv3d_pools": (func_conv3d_pools, [(4, 5, 4, 2), (6, 3), (3, 5, 4)], 2, False),
    "seq_gru_simple_rnn_adam": (seq_gru_simple_rnn_adam, [(4, 3)], 2, True),
    "seq_norm_adam": (seq_norm_adam, [(6,)], 2, True),
    "seq_image_reshaping_sgd": (seq_image_reshaping_sgd, [(3, 4, 2)], 2, True),
    "seq_activations_adam": (seq_activations_adam, [(5, 4)], 2, True),
    "func_numpy_ops_adam": (func_numpy_ops_adam, [(4,), (4,)], 2, True),
    "seq_image_augment_uncompiled": (seq_image_augment_uncompiled, [(11, 10, 3)], 2, False),
    "seq_resize_crop_sgd": (seq_resize_crop_sgd, [(9, 10, 2)], 2, True),
    "seq_layer_scale_adam": (seq_layer_scale_adam, [(5, 4)], 2, True),
}

TRAIN_N, BATCH, EPOCHS_BEFORE, EPOCHS_AFTER = 16, 4, 2, 2

# keras.ops numpy operations kerasts computes as graph nodes (its NumpyOperation layer).
NUMPY_OPERATIONS = {"Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Negative"}


def renumber_shared_ids(data):
    """shared_object_id values are Python id()s; number them 1, 2, ... in order of appearance instead
    (same sharing structure, reproducible bytes)."""
    ids = {}

    def walk(v):
        if isinstance(v, dict):
            if "shared_object_id" in v:
                v["shared_object_id"] = ids.setdefault(v["shared_object_id"], len(ids) + 1)
            for e in v.values():
                walk(e)
        elif isinstance(v, list):
            for e in v:
                walk(e)
    cfg = json.loads(data)
    walk(cfg)
    return json.dumps(cfg).encode()


def fixed_date_archive(path):
    """Rewrite an archive with fixed dates (Keras stamps model.weights.h5 and metadata with the time)
    and reproducible shared_object_ids."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in items:
            if name == "config.json":
                data = renumber_shared_ids(data)
            if name == "metadata.json":
                meta = json.loads(data)
                meta["date_saved"] = "2026-01-01@00:00:00"
                data = json.dumps(meta).encode()
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def layout(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = {"shape": list(obj.shape), "dtype": str(obj.dtype)}
            elif "name" in obj.attrs:
                out[name] = {"name": str(obj.attrs["name"])}
        f.visititems(visit)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    index = {}
    for name, spec in CASES.items():
        build, in_shapes, width, fit = spec[:4]
        vocab = spec[4] if len(spec) > 4 else None
        rs = np.random.RandomState(oc.seed_for(name))
        model = build()
        if vocab:
            # Integer tokens (as float32, which Embedding casts).
            xs = [rs.randint(0, vocab, (TRAIN_N, *s)).astype("float32") for s in in_shapes]
        else:
            xs = [rs.uniform(-1, 1, (TRAIN_N, *s)).astype("float32") for s in in_shapes]
            if name == "seq_noise_masking_uncompiled":
                xs[0][::4, -1, :] = 0.0  # masked timesteps
        xin = xs if len(xs) > 1 else xs[0]
        entry = {"name": name, "class_name": model.__class__.__name__, "compiled": getattr(model, "optimizer", None) is not None}
        if getattr(model, "optimizer", None) is not None:
            y = rs.uniform(0, 1, (TRAIN_N, width)).astype("float32")
            if name == "seq_stack_rmsprop":
                y = y / y.sum(axis=1, keepdims=True)
            if fit:
                model.fit(xin, y, batch_size=BATCH, epochs=EPOCHS_BEFORE, shuffle=False, verbose=0)
            entry["train"] = {"x": [oc.tensor_json(x) for x in xs], "y": oc.tensor_json(y), "batch_size": BATCH, "epochs_before": EPOCHS_BEFORE if fit else 0}
        kpath = os.path.join(out, f"{name}.keras")
        wpath = os.path.join(out, f"{name}.weights.h5")
        model.save(kpath)
        fixed_date_archive(kpath)
        model.save_weights(wpath)
        pred = np.asarray(model.predict(xin, verbose=0), dtype=np.float32)
        entry["input"] = [oc.tensor_json(x) for x in xs]
        entry["output"] = oc.tensor_json(pred)
        entry["layout"] = layout(wpath)
        # What Keras does with its own archive: load it and keep training (the resume reference).
        again = keras.models.load_model(kpath)
        np.testing.assert_allclose(np.asarray(again.predict(xin, verbose=0)), pred, atol=1e-6)
        if getattr(model, "optimizer", None) is not None:
            entry["optimizer"] = {"class_name": again.optimizer.__class__.__name__, "iterations": int(again.optimizer.iterations.numpy()),
                                  "variables": [oc.tensor_json(np.asarray(v.numpy(), dtype=np.float32)) for v in again.optimizer.variables]}
            if isinstance(again, keras.Sequential):
                hist = again.fit(xin, y, batch_size=BATCH, epochs=EPOCHS_AFTER, shuffle=False, verbose=0)
                entry["resume"] = {"epochs": EPOCHS_AFTER, "loss": [float(v) for v in hist.history["loss"]],
                                   "weights": [oc.tensor_json(np.asarray(w.numpy())) for w in again.weights],
                                   "iterations": int(again.optimizer.iterations.numpy())}
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(entry, f)
        index[name] = {"class_name": entry["class_name"], "compiled": entry["compiled"],
                       "layers": sorted({l.__class__.__name__ for l in model._flatten_layers(include_self=False, recursive=True)} | ({"InputLayer"} if isinstance(model, keras.Model) else set())
                                        | ({"NumpyOperation"} if any(type(op).__module__ == "keras.src.ops.numpy" and type(op).__name__ in NUMPY_OPERATIONS for op in getattr(model, "operations", [])) else set()))}
        print(f"keras fixtures: {name} ({os.path.getsize(kpath)} + {os.path.getsize(wpath)} bytes)")
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": index}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
