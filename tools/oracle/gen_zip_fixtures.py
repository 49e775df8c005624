#!/usr/bin/env python3
"""Crafted ZIP archives for @kerasts/io-keras' safe archive reader, written with Python's zipfile.

    .venv-oracle/bin/python tools/oracle/gen_zip_fixtures.py [--out DIR]

Default out: tools/oracle/fixtures/keras/zip. Each file is small; index.json says what each one is
and what the reader must do with it. Deterministic (fixed dates, fixed data).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import warnings
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "fixtures", "keras", "zip")
DATE = (1980, 1, 1, 0, 0, 0)


def info(name, compress=zipfile.ZIP_STORED):
    zi = zipfile.ZipInfo(name, date_time=DATE)
    zi.compress_type = compress
    return zi


def archive(entries, compress=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicated names
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in entries:
                zf.writestr(info(name, compress), data)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    cases = {}

    def put(name, data, expect, what):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        cases[name] = {"expect": expect, "what": what}

    meta = b'{"keras_version": "3.15.1", "date_saved": "1980-01-01@00:00:00"}'
    put("stored.zip", archive([("metadata.json", meta), ("assets/a.txt", b"asset\n"), ("config.json", b"{}")]),
        "ok", "three stored entries, one in a folder")
    put("deflated.zip", archive([("metadata.json", meta), ("big.bin", bytes(range(256)) * 64)], zipfile.ZIP_DEFLATED),
        "ok", "deflated entries")
    put("traversal.zip", archive([("metadata.json", meta), ("../evil.txt", b"x")]), "error:traversal", "a '../' entry name")
    put("absolute.zip", archive([("/etc/evil", b"x")]), "error:absolute", "an absolute entry name")
    put("duplicate.zip", archive([("config.json", b"{}"), ("config.json", b'{"a": 1}')]), "error:twice", "config.json twice")
    # 64 MiB of zeros deflates to ~64 KiB: refused under a 1 MiB maxBytes before anything is inflated.
    put("bomb.zip", archive([("model.weights.h5", bytes(64 << 20))], zipfile.ZIP_DEFLATED), "error:maxBytes", "64 MiB of zeros, deflated")
    full = archive([("metadata.json", meta), ("config.json", b'{"class_name": "Sequential"}')])
    put("truncated.zip", full[: len(full) - 30], "error:truncated", "the last 30 bytes cut off")
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"zip fixtures: {len(cases)} archives in {out}")


if __name__ == "__main__":
    sys.exit(main())
