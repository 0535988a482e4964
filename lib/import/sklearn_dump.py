"""Reads a reference-system model directory (model.pkl, scaler.pkl, config.json, as its
package_model_for_edge writes them) and prints the trees, scaler and config as JSON on stdout,
for lib/import/sklearn-import.ts to turn into a twinops package. Python (with scikit-learn) is
needed only here, at import time. Usage: python3 sklearn_dump.py <dir> [rows.json]
With rows.json (a list of feature rows), sklearn's own predictions for them are added, so a test
can compare them with what the imported package serves.
"""
import json
import math
import pickle
import sys
from pathlib import Path

import numpy as np


def fail(message):
    print(json.dumps({"error": message}))
    sys.exit(0)


def float32_at_most(t):
    """The largest float32 <= t: sklearn compares float32 inputs with float64 thresholds, so
    x <= t holds exactly when x <= this float32 (the ONNX graph stores float32 thresholds)."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return float(f)


def tree_of(estimator, scale=1.0, offset=0.0):
    t = estimator.tree_
    leaf = t.children_left == -1
    return {
        "feature": [int(f) if not l else -1 for f, l in zip(t.feature, leaf)],
        "threshold": [float32_at_most(float(v)) if not l else 0.0 for v, l in zip(t.threshold, leaf)],
        "left": [int(v) for v in t.children_left],
        "right": [int(v) for v in t.children_right],
        "value": [float(v[0][0]) * scale + offset if l else 0.0 for v, l in zip(t.value, leaf)],
    }


def main():
    if len(sys.argv) < 2:
        fail("usage: sklearn_dump.py <dir> [rows.json]")
    d = Path(sys.argv[1])
    try:
        config = json.loads((d / "config.json").read_text())
    except FileNotFoundError:
        fail("config.json is missing")
    except ValueError as e:
        fail(f"config.json is not valid JSON: {e}")
    try:
        with open(d / "model.pkl", "rb") as f:
            model = pickle.load(f)
    except FileNotFoundError:
        fail("model.pkl is missing")
    except Exception as e:  # an unpicklable file: say which
        fail(f"model.pkl cannot be read: {type(e).__name__}: {e}")
    scaler = None
    if (d / "scaler.pkl").exists():
        with open(d / "scaler.pkl", "rb") as f:
            scaler = pickle.load(f)
    kind = type(model).__name__
    n_features = int(getattr(model, "n_features_in_", 0))
    if kind in ("RandomForestRegressor", "ExtraTreesRegressor"):
        trees = [tree_of(e) for e in model.estimators_]
        combine = "members"
    elif kind == "DecisionTreeRegressor":
        trees = [tree_of(model)]
        combine = "sum"
    elif kind == "GradientBoostingRegressor":
        if getattr(model, "loss", "squared_error") not in ("squared_error", "ls", "absolute_error", "huber", "quantile"):
            fail(f"GradientBoostingRegressor with loss {model.loss} is not supported")
        lr = float(model.learning_rate)
        x0 = np.zeros((1, n_features))
        start = float(model.predict(x0)[0]) - lr * sum(float(e[0].predict(x0.astype(np.float32))[0]) for e in model.estimators_)
        trees = [tree_of(e[0], lr, start if i == 0 else 0.0) for i, e in enumerate(model.estimators_)]
        combine = "sum"
    else:
        fail(f"model.pkl holds a {kind}; supported: RandomForestRegressor, ExtraTreesRegressor, "
             "GradientBoostingRegressor, DecisionTreeRegressor")
    out = {
        "modelType": kind,
        "combine": combine,
        "featureCount": n_features,
        "trees": trees,
        "config": config,
        "scaler": None,
    }
    if scaler is not None:
        if type(scaler).__name__ != "StandardScaler":
            fail(f"scaler.pkl holds a {type(scaler).__name__}; only StandardScaler is supported")
        mean = scaler.mean_ if scaler.with_mean else np.zeros(n_features)
        scale = scaler.scale_ if scaler.with_std and scaler.scale_ is not None else np.ones(n_features)
        out["scaler"] = {"mean": [float(v) for v in mean], "std": [float(v) for v in scale]}
    if len(sys.argv) > 2:
        rows = np.array(json.loads(Path(sys.argv[2]).read_text()), dtype=np.float64)
        x = scaler.transform(rows) if scaler is not None else rows
        out["predictions"] = [float(v) for v in model.predict(x)]
    print(json.dumps(out))


main()
