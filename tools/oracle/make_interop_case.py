#!/usr/bin/env python3
"""Turn predict fixtures into interop `*.case.json` files (for testing interop_check.py).

    KERAS_BACKEND=jax .venv-oracle/bin/python tools/oracle/make_interop_case.py OUT_DIR [CASE ...]

For each named predict fixture (default: every Keras-3 case in
fixtures/predict/index.json) it writes OUT_DIR/<case>.case.json with
"json" = the fixture's model_json as a string (exactly what Keras 3's
to_json() returned), plus its weights, input and output. Running
interop_check.py on OUT_DIR must then report all cases ok.
Options --perturb NAME makes that case's output wrong by 1e-3 (a FAIL test).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PREDICT = os.path.join(HERE, "fixtures", "predict")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--perturb", action="append", default=[])
    args = ap.parse_args(argv)

    names = args.cases
    if not names:
        with open(os.path.join(PREDICT, "index.json"), encoding="utf8") as fh:
            names = json.load(fh)["cases"]
    os.makedirs(args.out, exist_ok=True)
    n = 0
    for name in names:
        with open(os.path.join(PREDICT, name + ".json"), encoding="utf8") as fh:
            fx = json.load(fh)
        if not args.cases and fx["reference"] != "keras-" + fx["keras_version"]:
            continue  # Keras-2 dialect JSON does not load in Keras 3
        out = {
            "name": fx["name"],
            "json": json.dumps(fx["model_json"]),
            "weights": fx["weights"],
            "input": fx["input"],
            "output": fx["output"],
        }
        if name in args.perturb:
            out["output"] = dict(out["output"])
            out["output"]["values"] = [v + 1e-3 for v in out["output"]["values"]]
        with open(os.path.join(args.out, name + ".case.json"), "w", encoding="utf8") as fh:
            json.dump(out, fh)
        n += 1
    print(f"wrote {n} case(s) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
