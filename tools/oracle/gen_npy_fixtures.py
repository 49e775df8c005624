#!/usr/bin/env python3
"""`.npy` / `.npz` / CSV files as NumPy writes them, for @kerasts/io-npy's tests.

    .venv-oracle/bin/python tools/oracle/gen_npy_fixtures.py [--out DIR]

Default out: packages/io-npy/test/fixtures. Every file is small (a few hundred bytes).
manifest.json lists, per file, what numpy reads back: dtype name, shape, and the values flattened in
C order as strings (ints exactly, floats as repr: 'nan', 'inf', '-0.0'), so int64 extremes survive
JSON. Files numpy writes for types kerasts refuses (complex, strings, objects, records) are listed
with "unsupported". Fixed data: a rerun gives the same .npy and CSV bytes; numpy.savez dates the
.npz members with the current time, so those bytes differ between runs (their contents do not).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_OUT = os.path.join(ROOT, "packages", "io-npy", "test", "fixtures")

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float16", "float32", "float64"]


def values_for(dtype: str) -> np.ndarray:
    """Six values per dtype that exercise its range (extremes, signs, specials)."""
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return np.array([True, False, True, True, False, False])
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return np.array([info.min, info.max, 0, 1, info.max // 3, info.min // 5 if dt.kind == "i" else 7], dtype=dt)
    if dt == np.float16:
        return np.array([65504.0, -6.1035156e-05, 5.9604645e-08, np.nan, -np.inf, -0.0], dtype=dt)
    return np.array([np.finfo(dt).max, np.finfo(dt).tiny, -1.5, np.nan, np.inf, -0.0], dtype=dt)


def flat_strings(a: np.ndarray) -> list[str]:
    out = []
    for v in a.ravel(order="C").tolist():
        if isinstance(v, bool):
            out.append("1" if v else "0")
        elif isinstance(v, int):
            out.append(str(v))
        else:
            out.append(repr(float(v)))
    return out


def entry(a: np.ndarray, **extra) -> dict:
    return {"dtype": a.dtype.name, "shape": list(a.shape), "values": flat_strings(a), **extra}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    manifest: dict[str, dict] = {}

    def save(name: str, a: np.ndarray, **extra) -> None:
        np.save(os.path.join(out, name), a)
        manifest[name] = entry(a, **extra)

    # Every numeric dtype, C and Fortran order, both byte orders (one-byte types have no byte order).
    for dtype in DTYPES:
        base = values_for(dtype).reshape(2, 3)
        endians = ["<", ">"] if np.dtype(dtype).itemsize > 1 else ["|"]
        for e in endians:
            a = base.astype(np.dtype(dtype).newbyteorder(e) if e != "|" else dtype)
            tag = {"<": "le", ">": "be", "|": "na"}[e]
            save(f"{dtype}_{tag}_c.npy", np.ascontiguousarray(a), order="C", byteorder=tag)
            save(f"{dtype}_{tag}_f.npy", np.asfortranarray(a), order="F", byteorder=tag)

    # Shapes: scalar, 1-D, empty, 3-D Fortran (the reorder over more than two axes).
    save("scalar_f64.npy", np.array(3.25))
    save("vector_i32.npy", np.arange(5, dtype=np.int32))
    save("empty_f32.npy", np.zeros((0, 3), dtype=np.float32))
    save("cube_f32_f.npy", np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)), order="F")
    save("cube_i16_be_f.npy", np.asfortranarray(np.arange(-12, 12, dtype=">i2").reshape(2, 3, 4)), order="F")

    # Format versions 2.0 and 3.0 (numpy picks them only for huge or non-latin-1 headers).
    for ver in [(2, 0), (3, 0)]:
        name = f"version{ver[0]}_f32.npy"
        a = np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2)
        with open(os.path.join(out, name), "wb") as f:
            np.lib.format.write_array(f, a, version=ver)
        manifest[name] = entry(a)

    # What kerasts refuses: not numbers. The object array is pickled; it must never be unpickled.
    for name, a in [
        ("complex64.npy", np.array([1 + 2j, 3 - 1j], dtype=np.complex64)),
        ("unicode.npy", np.array(["a", "bc"])),
        ("bytes.npy", np.array([b"a", b"bc"])),
        ("datetime.npy", np.array(["2024-01-01"], dtype="datetime64[D]")),
        ("structured.npy", np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")])),
        ("object.npy", np.array([{"x": 1}, None], dtype=object)),
        ("longdouble.npy", np.array([1.5], dtype=np.longdouble)),
    ]:
        np.save(os.path.join(out, name), a, allow_pickle=True)
        manifest[name] = {"unsupported": True, "dtype": str(a.dtype)}

    # .npz: stored (savez) and deflated (savez_compressed), several arrays of several dtypes.
    rs = np.random.RandomState(0)
    arrays = {
        "x": rs.uniform(-1, 1, (4, 1, 8)).astype(np.float32),
        "y": rs.uniform(-1, 1, (4, 1)).astype(np.float32),
        "labels": np.array([0, 2, 1, 2], dtype=np.int64),
        "mask": np.array([True, False, True, True]),
        "xf": np.asfortranarray(rs.uniform(-1, 1, (3, 2)).astype(">f8")),
    }
    np.savez(os.path.join(out, "stored.npz"), **arrays)
    np.savez_compressed(os.path.join(out, "deflated.npz"), **arrays)
    for name in ["stored.npz", "deflated.npz"]:
        manifest[name] = {"arrays": {k: entry(v) for k, v in arrays.items()}, "names": list(np.load(os.path.join(out, name)).files)}
    # A .npz with a member that is not a .npy (numpy lists it, but it is not an array).
    with zipfile.ZipFile(os.path.join(out, "extra_member.npz"), "w") as zf:
        buf = io.BytesIO()
        np.save(buf, arrays["y"])
        zf.writestr(zipfile.ZipInfo("y.npy", date_time=(1980, 1, 1, 0, 0, 0)), buf.getvalue())
        zf.writestr(zipfile.ZipInfo("notes.txt", date_time=(1980, 1, 1, 0, 0, 0)), b"hello")
    manifest["extra_member.npz"] = {"arrays": {"y": entry(arrays["y"])}, "names": list(np.load(os.path.join(out, "extra_member.npz")).files)}

    # CSV as numpy writes it: savetxt's defaults (space, %.18e), with a header line, comma-separated.
    t = rs.uniform(-1, 1, (4, 3)).astype(np.float32)
    np.savetxt(os.path.join(out, "savetxt_default.txt"), t)
    np.savetxt(os.path.join(out, "savetxt_header.csv"), t, delimiter=",", header="a,b,c")
    np.savetxt(os.path.join(out, "savetxt_names.csv"), t, delimiter=",", header="a,b,c", comments="")
    for name in ["savetxt_default.txt", "savetxt_header.csv", "savetxt_names.csv"]:
        back = np.loadtxt(os.path.join(out, name), delimiter=None if name.endswith(".txt") else ",", skiprows=1 if name == "savetxt_names.csv" else 0)
        manifest[name] = entry(back.astype(np.float32))

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(manifest)} fixtures to {out}")


if __name__ == "__main__":
    main()
