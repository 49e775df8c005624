#!/usr/bin/env python3
"""Generate the image preprocessing and augmentation fixtures with real Keras 3.15.1 (JAX backend, CPU).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/gen_preprocessing_fixtures.py [--out DIR]

* ``predict/<case>.json`` -- a small Sequential per layer and option set: Resizing with every
  interpolation Keras 3 computes (bilinear, nearest, bicubic, lanczos3, lanczos5; up and down; with
  and without antialias; crop_to_aspect_ratio, pad_to_aspect_ratio with a fill value; channels_first),
  CenterCrop (crop and the smaller-than-target smart_resize path), RandomCrop (the identity at
  inference in Keras 3), and every Random* augmentation Keras 3 exports inside image models (the
  identity at inference), next to Rescaling and Normalization. Keras 3 ``to_json()``, the legacy
  ``.h5`` ``model_config``, weights, input (pixels in [0, 255]) and Keras' ``predict`` output.
* ``legacy/<case>.json`` -- the same layers as tf.keras 2.x configs name them
  (``keras.layers.experimental.preprocessing.*``: no ``data_format``, RandomContrast without
  ``value_range``, RandomHeight/RandomWidth), with the output Keras 3 computes for the same function
  (tf.keras' RandomCrop at inference is ``smart_resize``: Resizing(crop_to_aspect_ratio=True)).
* ``files/image_augment.{keras,h5}`` and ``files/image_augment.json`` -- the tutorial's model
  (RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, Resizing, CenterCrop,
  Rescaling, Conv2D, ...) as Keras saves it in both formats, with input and prediction.

Everything is seeded (RandomState(crc32(case name))); a rerun rewrites identical JSON (the .keras
archive's dates are fixed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

import oracle_common as oc  # noqa: E402  (sets KERAS_BACKEND before keras)

import numpy as np  # noqa: E402

keras = oc.import_keras()
from keras import layers as L  # noqa: E402

from gen_predict_fixtures import legacy_model_config  # noqa: E402

DEFAULT_OUT = os.path.join(HERE, "fixtures", "preprocessing")


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf8") as fh:
        json.dump(obj, fh, separators=(",", ":"), allow_nan=False)
        fh.write("\n")


def conv_head():
    return [L.Conv2D(3, 3, padding="same"), L.GlobalAveragePooling2D(), L.Dense(2)]


def every_random_layer():
    """Every Random* image layer Keras 3.15.1 exports, with non-default arguments."""
    return [
        L.RandomFlip("horizontal", seed=3), L.RandomRotation(0.2, fill_mode="nearest", interpolation="nearest", seed=4),
        L.RandomZoom((-0.2, 0.1), width_factor=0.3, fill_mode="constant", fill_value=1.0), L.RandomTranslation(0.1, (-0.2, 0.2), fill_mode="wrap"),
        L.RandomContrast(0.3, seed=5), L.RandomBrightness((-0.1, 0.2), value_range=(0, 255)), L.RandomShear(x_factor=0.2, y_factor=0.1),
        L.RandomGrayscale(factor=0.3), L.RandomHue(0.2), L.RandomSaturation(0.3), L.RandomSharpness(0.4), L.RandomColorDegeneration(0.5),
        L.RandomInvert(factor=0.5), L.RandomPosterization(factor=4), L.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3),
        L.RandomErasing(factor=0.5, scale=(0.05, 0.2)), L.RandomGaussianBlur(factor=0.5, kernel_size=3, sigma=(0.1, 1.0)),
        L.RandomPerspective(factor=0.5, scale=0.5), L.RandomElasticTransform(factor=0.5, scale=0.5),
    ]


# (name, description, input shape without batch, layer factories)
PREDICT = [
    ("resizing_bilinear_up", "Resizing(8, 11) from 5x7 (bilinear, half-pixel centres)", (5, 7, 2), lambda: [L.Resizing(8, 11)]),
    ("resizing_bilinear_down", "Resizing(4, 5) from 9x12 (bilinear, no antialias)", (9, 12, 3), lambda: [L.Resizing(4, 5)]),
    ("resizing_bilinear_antialias", "Resizing(4, 5, antialias=True) from 9x12", (9, 12, 3), lambda: [L.Resizing(4, 5, antialias=True)]),
    ("resizing_nearest_up", "Resizing(8, 10, 'nearest') from 5x7", (5, 7, 2), lambda: [L.Resizing(8, 10, interpolation="nearest")]),
    ("resizing_nearest_down", "Resizing(4, 5, 'nearest') from 9x12", (9, 12, 2), lambda: [L.Resizing(4, 5, interpolation="nearest")]),
    ("resizing_bicubic", "Resizing(9, 5, 'bicubic') from 6x7 (Keys cubic)", (6, 7, 2), lambda: [L.Resizing(9, 5, interpolation="bicubic")]),
    ("resizing_bicubic_antialias", "Resizing(4, 3, 'bicubic', antialias=True) from 10x9", (10, 9, 1), lambda: [L.Resizing(4, 3, interpolation="bicubic", antialias=True)]),
    ("resizing_lanczos3", "Resizing(5, 9, 'lanczos3') from 8x6", (8, 6, 1), lambda: [L.Resizing(5, 9, interpolation="lanczos3")]),
    ("resizing_lanczos5", "Resizing(7, 13, 'lanczos5') from 10x10, pixels in [0, 1] (from [0, 255] some outputs near 0 are sums of "
     "±255-sized terms, whose float32 rounding (1e-7 of 255) exceeds 1e-5 of the output in ONNX Runtime's order)", (10, 10, 2), lambda: [L.Resizing(7, 13, interpolation="lanczos5")]),
    ("resizing_lanczos5_antialias", "Resizing(4, 6, 'lanczos5', antialias=True) from 11x13", (11, 13, 1), lambda: [L.Resizing(4, 6, interpolation="lanczos5", antialias=True)]),
    ("resizing_same_height", "Resizing(6, 9, 'bicubic') from 6x5 (height unchanged: not resampled)", (6, 5, 2), lambda: [L.Resizing(6, 9, interpolation="bicubic")]),
    ("resizing_crop_aspect", "Resizing(6, 6, crop_to_aspect_ratio=True) from 8x12", (8, 12, 2), lambda: [L.Resizing(6, 6, crop_to_aspect_ratio=True)]),
    ("resizing_crop_aspect_tall", "Resizing(4, 8, 'nearest', crop_to_aspect_ratio=True) from 11x7", (11, 7, 1), lambda: [L.Resizing(4, 8, interpolation="nearest", crop_to_aspect_ratio=True)]),
    ("resizing_pad_aspect", "Resizing(8, 8, pad_to_aspect_ratio=True, fill_value=0.5) from 6x10 (rows padded)", (6, 10, 2), lambda: [L.Resizing(8, 8, pad_to_aspect_ratio=True, fill_value=0.5)]),
    ("resizing_pad_aspect_wide", "Resizing(5, 9, pad_to_aspect_ratio=True) from 7x6 (columns padded)", (7, 6, 2), lambda: [L.Resizing(5, 9, pad_to_aspect_ratio=True)]),
    ("resizing_channels_first", "Resizing(8, 4, data_format='channels_first') from (2, 5, 7)", (2, 5, 7), lambda: [L.Resizing(8, 4, data_format="channels_first")]),
    ("resizing_pad_channels_first", "Resizing(6, 6, pad_to_aspect_ratio=True, fill_value=-1, data_format='channels_first') from (3, 4, 8)", (3, 4, 8),
     lambda: [L.Resizing(6, 6, pad_to_aspect_ratio=True, fill_value=-1.0, data_format="channels_first")]),
    ("center_crop", "CenterCrop(5, 6) from 9x10", (9, 10, 3), lambda: [L.CenterCrop(5, 6)]),
    ("center_crop_odd", "CenterCrop(3, 4) from 6x7 (odd differences)", (6, 7, 2), lambda: [L.CenterCrop(3, 4)]),
    ("center_crop_upsize", "CenterCrop(8, 7) from 5x6 (smaller: smart_resize, crop to aspect then bilinear)", (5, 6, 2), lambda: [L.CenterCrop(8, 7)]),
    ("center_crop_channels_first", "CenterCrop(4, 3, data_format='channels_first') from (2, 7, 6)", (2, 7, 6), lambda: [L.CenterCrop(4, 3, data_format="channels_first")]),
    ("random_crop_inference", "RandomCrop(6, 8) -> Conv2D -> GlobalAveragePooling2D -> Dense: Keras 3 passes images through unchanged at inference",
     (10, 12, 3), lambda: [L.RandomCrop(6, 8, seed=1)] + conv_head()),
    ("augment_tutorial", "The image-classification tutorial: RandomFlip('horizontal'), RandomRotation(0.1), RandomZoom(0.1), "
     "RandomTranslation, RandomContrast, RandomBrightness, Rescaling(1/255), Conv2D, MaxPooling2D, Flatten, Dense",
     (12, 12, 3), lambda: [L.RandomFlip("horizontal"), L.RandomRotation(0.1), L.RandomZoom(0.1), L.RandomTranslation(0.1, 0.1), L.RandomContrast(0.2),
                           L.RandomBrightness(0.2), L.Rescaling(1.0 / 255), L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(), L.Dense(3)]),
    ("augment_every_random", "Every Random* layer Keras 3 exports (non-default arguments) -> Conv2D head: all the identity at inference",
     (9, 9, 3), lambda: every_random_layer() + conv_head()),
    ("augment_channels_first", "RandomFlip, RandomRotation, RandomZoom, RandomContrast with data_format='channels_first', then "
     "Resizing(6, 5, channels_first) and CenterCrop(4, 4, channels_first) -> Flatten -> Dense",
     (3, 8, 7), lambda: [L.RandomFlip(data_format="channels_first"), L.RandomRotation(0.2, data_format="channels_first"),
                         L.RandomZoom(0.2, data_format="channels_first"), L.RandomContrast(0.2, data_format="channels_first"),
                         L.Resizing(6, 5, data_format="channels_first"), L.CenterCrop(4, 4, data_format="channels_first"), L.Flatten(), L.Dense(2)]),
    ("resize_rescale_normalize", "Resizing(6, 6) -> Rescaling(1/127.5, offset=-1) -> Normalization(mean, variance per channel) -> Conv2D head",
     (8, 10, 3), lambda: [L.Resizing(6, 6), L.Rescaling(1.0 / 127.5, offset=-1.0), L.Normalization(mean=[0.1, -0.2, 0.05], variance=[0.5, 0.8, 1.2])] + conv_head()),
    ("bounding_box_format_kept", "RandomFlip(bounding_box_format='xyxy') -> RandomZoom(0.1, bounding_box_format='xyxy') -> Flatten -> Dense",
     (4, 5, 2), lambda: [L.RandomFlip(bounding_box_format="xyxy"), L.RandomZoom(0.1, bounding_box_format="xyxy"), L.Flatten(), L.Dense(2)]),
]


def model_for(shape, factories):
    return keras.Sequential([keras.Input(shape=shape)] + factories())


def gen_predict(out):
    for name, desc, shape, factories in PREDICT:
        keras.backend.clear_session()
        model = model_for(shape, factories)
        rng = np.random.RandomState(oc.seed_for(name))
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.05)
        model.set_weights(weights)
        x = rng.uniform(0, 1.0 if name == "resizing_lanczos5" else 255.0, (3,) + tuple(shape)).astype(np.float32)
        y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
        try:
            h5_config = legacy_model_config(model)
        except TypeError:
            # Keras 3.15.1 cannot write these to a legacy .h5 (RandomBrightness, RandomSaturation, RandomSharpness,
            # RandomColorDegeneration, RandomPosterization: "cannot pickle 'module' object" when it copies the config).
            h5_config = None
        data = {
            "name": name,
            "description": desc,
            "keras_version": keras.__version__,
            "reference": f"keras-{keras.__version__}",
            "model_json": json.loads(model.to_json()),
            "model_config_h5": h5_config,
            "output_shape": [None] + list(model.output_shape[1:]),
            "weights": [{"name": w.path, **oc.tensor_json(a)} for w, a in zip(model.weights, weights)],
            "input": oc.tensor_json(x),
            "output": oc.tensor_json(y),
        }
        write(os.path.join(out, "predict", f"{name}.json"), data)
    print(f"  predict: {len(PREDICT)} cases")


def tfk(cls, name, **cfg):
    return {"class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32", **cfg}}


def tfk_conv_head(h, w, c):
    return [
        tfk("Conv2D", "conv2d", filters=3, kernel_size=[3, 3], strides=[1, 1], padding="same", data_format="channels_last", dilation_rate=[1, 1],
            groups=1, activation="linear", use_bias=True, kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
            bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
            kernel_constraint=None, bias_constraint=None),
        tfk("GlobalAveragePooling2D", "global_average_pooling2d", data_format="channels_last", keepdims=False),
        tfk("Dense", "dense", units=2, activation="linear", use_bias=True, kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
            bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
            kernel_constraint=None, bias_constraint=None),
    ]


def tfk_seq(shape, layers):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, *shape], "dtype": "float32", "sparse": False, "ragged": False, "name": "input_1"}},
        *layers]}}


# (name, description, keras_version, model_config, Keras 3 model computing the same function, input shape)
def legacy_cases():
    s = (10, 12, 3)
    return [
        ("tfkeras_augment_resize",
         "tf.keras 2.15 config: RandomFlip(mode, seed), RandomRotation, RandomZoom, RandomTranslation, RandomContrast (no value_range), "
         "RandomBrightness, RandomHeight, RandomWidth, Resizing(8, 8, bicubic), CenterCrop(6, 6), Rescaling -> Conv2D head; "
         "the augmentations are the identity at inference",
         "2.15.0",
         tfk_seq(s, [
             tfk("RandomFlip", "random_flip", mode="horizontal_and_vertical", seed=None),
             tfk("RandomRotation", "random_rotation", factor=0.1, fill_mode="reflect", fill_value=0.0, interpolation="bilinear", seed=7),
             tfk("RandomZoom", "random_zoom", height_factor=[-0.2, 0.1], width_factor=None, fill_mode="reflect", fill_value=0.0, interpolation="bilinear", seed=None),
             tfk("RandomTranslation", "random_translation", height_factor=0.1, width_factor=0.2, fill_mode="constant", fill_value=0.0, interpolation="nearest", seed=None),
             tfk("RandomContrast", "random_contrast", factor=0.2, seed=None),
             tfk("RandomBrightness", "random_brightness", factor=0.1, value_range=[0, 255], seed=None),
             tfk("RandomHeight", "random_height", factor=0.2, interpolation="bilinear", seed=None),
             tfk("RandomWidth", "random_width", factor=[0.1, 0.3], interpolation="nearest", seed=None),
             tfk("Resizing", "resizing", height=8, width=8, interpolation="bicubic", crop_to_aspect_ratio=False),
             tfk("CenterCrop", "center_crop", height=6, width=6),
             tfk("Rescaling", "rescaling", scale=1.0 / 255, offset=0.0),
             *tfk_conv_head(6, 6, 3)]),
         lambda: keras.Sequential([keras.Input(s), L.Resizing(8, 8, interpolation="bicubic"), L.CenterCrop(6, 6), L.Rescaling(1.0 / 255), *conv_head()]),
         s),
        ("tfkeras_random_crop",
         "tf.keras 2.15 config: RandomCrop(6, 8) -> Conv2D head; tf.keras crops at inference with smart_resize "
         "(Keras 3 computes that as Resizing(6, 8, crop_to_aspect_ratio=True); Keras 3's own RandomCrop would pass the image through)",
         "2.15.0",
         tfk_seq(s, [tfk("RandomCrop", "random_crop", height=6, width=8, seed=None), *tfk_conv_head(6, 8, 3)]),
         lambda: keras.Sequential([keras.Input(s), L.Resizing(6, 8, crop_to_aspect_ratio=True), *conv_head()]),
         s),
        ("tfkeras_resizing_nearest_crop",
         "tf.keras 2.9 config: Resizing(5, 9, nearest, crop_to_aspect_ratio) -> CenterCrop(12, 14) (larger: smart_resize) -> Conv2D head",
         "2.9.0",
         tfk_seq(s, [tfk("Resizing", "resizing", height=5, width=9, interpolation="nearest", crop_to_aspect_ratio=True),
                     tfk("CenterCrop", "center_crop", height=12, width=14), *tfk_conv_head(12, 14, 3)]),
         lambda: keras.Sequential([keras.Input(s), L.Resizing(5, 9, interpolation="nearest", crop_to_aspect_ratio=True), L.CenterCrop(12, 14), *conv_head()]),
         s),
    ]


def gen_legacy(out):
    cases = legacy_cases()
    for name, desc, version, config, build, shape in cases:
        keras.backend.clear_session()
        model = build()
        rng = np.random.RandomState(oc.seed_for(name))
        weights = oc.draw_weights(rng, [tuple(w.shape) for w in model.get_weights()], 0.05)
        model.set_weights(weights)
        x = rng.uniform(0, 255, (3,) + tuple(shape)).astype(np.float32)
        y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
        write(os.path.join(out, "legacy", f"{name}.json"), {
            "name": name,
            "description": desc,
            "keras_version": version,
            "reference": f"keras-{keras.__version__} computing the same function",
            "model_config": config,
            "weights": [oc.tensor_json(a) for a in weights],
            "input": oc.tensor_json(x),
            "output": oc.tensor_json(y),
        })
    print(f"  legacy: {len(cases)} cases")


def fixed_date_archive(path):
    """Rewrite a zip with fixed member dates so that reruns give the same bytes."""
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for fname, data in members:
            info = zipfile.ZipInfo(fname, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def gen_files(out):
    """The tutorial's model saved by Keras as .keras and as legacy .h5, with Keras' prediction (no
    RandomBrightness: Keras 3.15.1 cannot write it to a legacy .h5)."""
    name = "image_augment"
    keras.backend.clear_session()
    keras.utils.set_random_seed(21)
    shape = (14, 12, 3)
    model = keras.Sequential([
        keras.Input(shape), L.RandomFlip("horizontal"), L.RandomRotation(0.1), L.RandomZoom(0.1), L.RandomTranslation(0.1, 0.1),
        L.RandomContrast(0.2), L.Resizing(10, 10, interpolation="bilinear"), L.CenterCrop(8, 8), L.Rescaling(1.0 / 255),
        L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(), L.Flatten(), L.Dense(3)], name="image_augment")
    rng = np.random.RandomState(oc.seed_for(name))
    x = rng.uniform(0, 255, (4,) + shape).astype(np.float32)
    y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
    d = os.path.join(out, "files")
    os.makedirs(d, exist_ok=True)
    kpath = os.path.join(d, f"{name}.keras")
    model.save(kpath)
    fixed_date_archive(kpath)
    model.save(os.path.join(d, f"{name}.h5"))
    for path in (kpath, os.path.join(d, f"{name}.h5")):
        again = keras.models.load_model(path)
        np.testing.assert_allclose(np.asarray(again.predict(x, verbose=0)), y, atol=1e-6)
    write(os.path.join(d, f"{name}.json"), {
        "name": name,
        "description": gen_files.__doc__.strip(),
        "keras_version": keras.__version__,
        "model_json": json.loads(model.to_json()),
        "input": oc.tensor_json(x),
        "output": oc.tensor_json(y),
    })
    print("  files: image_augment.keras, image_augment.h5")


def gen_transforms(out):
    """Keras' training-mode transforms for given draws (``transform_images(x, transformation)``): RandomFlip
    (per image flip or not; every mode, both data formats), RandomContrast (per image factor, clipped to
    value_range), RandomBrightness (per image delta = u * (max - min), clipped), RandomCrop (one window per
    batch at a given start), RandomRotation / RandomZoom / RandomTranslation (per image angle, zooms or shifts
    through Keras' own matrices and affine_transform: every fill mode, both interpolations, channels_first). kerasts draws its own numbers; with the same draws it must compute the same."""
    cases = []
    rng = np.random.RandomState(oc.seed_for("transforms"))
    x_last = rng.uniform(0, 255, (3, 5, 6, 2)).astype(np.float32)
    x_first = np.ascontiguousarray(np.transpose(x_last, (0, 3, 1, 2)))
    flips = np.array([True, False, True])
    for mode in ("horizontal", "vertical", "horizontal_and_vertical"):
        for fmt, x in (("channels_last", x_last), ("channels_first", x_first)):
            layer = L.RandomFlip(mode, data_format=fmt)
            y = layer.transform_images(x, {"flips": flips.reshape(-1, 1, 1, 1), "input_shape": x.shape}, training=True)
            cases.append({"name": f"flip_{mode}_{fmt}", "class_name": "RandomFlip", "config": layer.get_config(),
                          "draws": {"flips": flips.tolist()}, "input": oc.tensor_json(x), "output": oc.tensor_json(np.asarray(y))})
    factors = np.array([0.6, 1.4, 1.05], np.float32)
    for fmt, x in (("channels_last", x_last), ("channels_first", x_first)):
        layer = L.RandomContrast(0.5, value_range=(0, 255), data_format=fmt)
        y = layer.transform_images(x, {"contrast_factor": factors.reshape(-1, 1, 1, 1)}, training=True)
        cases.append({"name": f"contrast_{fmt}", "class_name": "RandomContrast", "config": layer.get_config(),
                      "draws": {"factors": factors.tolist()}, "input": oc.tensor_json(x), "output": oc.tensor_json(np.asarray(y))})
    u = np.array([-0.3, 0.15, 0.45], np.float32)
    layer = L.RandomBrightness(0.5, value_range=(0, 255))
    y = layer.transform_images(x_last, {"rgb_delta": (u * 255.0).reshape(-1, 1, 1, 1)}, training=True)
    cases.append({"name": "brightness", "class_name": "RandomBrightness", "config": layer.get_config(),
                  "draws": {"u": u.tolist()}, "input": oc.tensor_json(x_last), "output": oc.tensor_json(np.asarray(y))})
    layer = L.RandomCrop(3, 4, seed=1)
    y = layer.transform_images(x_last, (1, 2), training=True)
    cases.append({"name": "crop", "class_name": "RandomCrop", "config": layer.get_config(), "draws": {"start": [1, 2]},
                  "input": oc.tensor_json(x_last), "output": oc.tensor_json(np.asarray(y))})
    layer = L.RandomCrop(7, 4, seed=1)
    h_start, w_start = layer.get_random_transformation(x_last, training=True)
    y = layer.transform_images(x_last, (h_start, w_start), training=True)
    cases.append({"name": "crop_taller_than_image", "class_name": "RandomCrop", "config": layer.get_config(),
                  "draws": {"start": [int(h_start), int(w_start)]}, "input": oc.tensor_json(x_last), "output": oc.tensor_json(np.asarray(y))})
    # Affine augmentations: Keras' own matrices for given draws, then transform_images.
    angles = np.array([12.0, -33.0, 71.0], np.float32)
    for fill in ("reflect", "wrap", "constant", "nearest"):
        for interp in ("bilinear", "nearest"):
            for fmt, x in ((("channels_last", x_last),) if (fill, interp) != ("reflect", "bilinear") else (("channels_last", x_last), ("channels_first", x_first))):
                layer = L.RandomRotation(0.25, fill_mode=fill, interpolation=interp, fill_value=17.0, data_format=fmt)
                n = x.shape[0]
                h, w = (x.shape[1], x.shape[2]) if fmt == "channels_last" else (x.shape[2], x.shape[3])
                m = layer._compute_affine_matrix(center_x=0.5, center_y=0.5, angle=keras.ops.convert_to_tensor(angles), translate_x=np.zeros(n, np.float32),
                                                 translate_y=np.zeros(n, np.float32), scale=np.ones(n, np.float32), shear_x=np.zeros(n, np.float32),
                                                 shear_y=np.zeros(n, np.float32), height=h, width=w)
                y = layer.transform_images(x, {"rotation_matrix": m}, training=True)
                cases.append({"name": f"rotation_{fill}_{interp}_{fmt}", "class_name": "RandomRotation", "config": layer.get_config(),
                              "draws": {"range": angles.tolist()}, "input": oc.tensor_json(x), "output": oc.tensor_json(np.asarray(y))})
    hz = np.array([0.7, 1.25, 0.9], np.float32)
    wz = np.array([1.1, 0.8, 1.3], np.float32)
    for fill in ("reflect", "constant"):
        layer = L.RandomZoom((-0.3, 0.3), width_factor=(-0.2, 0.3), fill_mode=fill, fill_value=-5.0)
        y = layer.transform_images(x_last, {"height_zoom": hz.reshape(-1, 1), "width_zoom": wz.reshape(-1, 1)}, training=True)
        cases.append({"name": f"zoom_{fill}", "class_name": "RandomZoom", "config": layer.get_config(),
                      "draws": {"range": [v for pair in zip(hz.tolist(), wz.tolist()) for v in pair]}, "input": oc.tensor_json(x_last), "output": oc.tensor_json(np.asarray(y))})
    layer = L.RandomZoom(0.3, interpolation="nearest", data_format="channels_first")
    y = layer.transform_images(x_first, {"height_zoom": hz.reshape(-1, 1), "width_zoom": hz.reshape(-1, 1)}, training=True)
    cases.append({"name": "zoom_keep_aspect_nearest_channels_first", "class_name": "RandomZoom", "config": layer.get_config(),
                  "draws": {"range": hz.tolist()}, "input": oc.tensor_json(x_first), "output": oc.tensor_json(np.asarray(y))})
    uh = np.array([0.2, -0.1, 0.35], np.float32)
    uw = np.array([-0.3, 0.15, 0.05], np.float32)
    for fill, interp in (("reflect", "bilinear"), ("wrap", "nearest"), ("constant", "bilinear")):
        layer = L.RandomTranslation((-0.4, 0.4), (-0.4, 0.4), fill_mode=fill, interpolation=interp, fill_value=3.0)
        h, w = x_last.shape[1], x_last.shape[2]
        tr = np.stack([uw * np.float32(w), uh * np.float32(h)], axis=1).astype(np.float32)
        y = layer.transform_images(x_last, {"translations": tr}, training=True)
        cases.append({"name": f"translation_{fill}_{interp}", "class_name": "RandomTranslation", "config": layer.get_config(),
                      "draws": {"range": [v for pair in zip(uh.tolist(), uw.tolist()) for v in pair]}, "input": oc.tensor_json(x_last), "output": oc.tensor_json(np.asarray(y))})
    write(os.path.join(out, "transforms", "transforms.json"), {"description": gen_transforms.__doc__.strip(), "keras_version": keras.__version__, "cases": cases})
    print(f"  transforms: {len(cases)} cases")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    out = ap.parse_args().out
    gen_predict(out)
    gen_legacy(out)
    gen_files(out)
    gen_transforms(out)


if __name__ == "__main__":
    main()
