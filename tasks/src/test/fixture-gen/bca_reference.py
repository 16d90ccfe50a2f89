#!/usr/bin/env python3
"""Reference BCa intervals from fixed bootstrap replicates, for Bootstrap's BCa arithmetic.

For each case the data and B bootstrap replicates of the statistic are fixed (drawn here with
numpy's PCG64 from a seed and written out, since Java cannot replay numpy's generator); the
generator then computes, with the textbook formulas (Efron and Tibshirani 1993, 14.3 and
22.6; scipy.stats.bootstrap's conventions):

  theta_hat   the statistic on all the data
  jackknife   the delete-1 values theta_(i)
  z0          ndtri((#{t* < theta_hat} + #{t* <= theta_hat}) / (2 B))
  a           sum d^3 / (6 (sum d^2)^1.5), d = mean(theta_(.)) - theta_(i)
  alpha_1,2   ndtr(z0 + (z0 + z) / (1 - a (z0 + z))), z = ndtri(0.025), ndtri(0.975)
  lower/upper numpy.percentile(t*, 100 alpha_1,2) (linear)
  se_jack     sqrt((n-1)/n sum (theta_(i) - mean)^2)

and checks z0, a and alpha_1,2 against scipy's own BCa code (scipy.stats._resampling.
_bca_interval, which takes the replicates as an argument) when that private function exists.

Statistics: "mean" (per-unit values), "ratio" (sum x / sum y over units, x and y per unit), and
"class_mean" (a segmentation-like class-wise nanmean of summed ratios: units are images with
per-class intersect and union areas; IoU_c = sum I / sum U, NaN where sum U = 0; the statistic
is the mean of the non-NaN IoUs).

Usage: python3 bca_reference.py > ../resources/bootstrap/bca_reference.json
"""

import json
import sys

import numpy as np
import scipy
from scipy.special import ndtr, ndtri

B = 1000
LEVEL = 0.95


def mean(data, idx):
    return float(np.mean(data["x"][idx]))


def ratio(data, idx):
    return float(np.sum(data["x"][idx]) / np.sum(data["y"][idx]))


def class_mean(data, idx):
    i = data["intersect"][idx].sum(axis=0)
    u = data["union"][idx].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = i / u
    iou = iou[~np.isnan(iou)]
    return float(iou.mean()) if iou.size else float("nan")


STATISTICS = {"mean": mean, "ratio": ratio, "class_mean": class_mean}


def cases():
    rng = np.random.default_rng(20260101)
    yield "lognormal mean, n=40", "mean", {"x": rng.lognormal(0.0, 1.5, 40)}, None
    yield "pareto mean, n=60", "mean", {"x": rng.pareto(1.8, 60)}, None
    yield "accuracy (0/1) mean, n=25, ties", "mean", {"x": (rng.random(25) < 0.8) * 1.0}, None
    yield "normal mean, n=100", "mean", {"x": rng.normal(10, 2, 100)}, None
    yield ("ratio of sums, n=30", "ratio",
           {"x": rng.gamma(0.7, 3.0, 30), "y": rng.gamma(3.0, 1.0, 30) + 0.5}, None)
    yield ("ratio of sums, n=12", "ratio",
           {"x": rng.exponential(2.0, 12), "y": rng.uniform(1, 4, 12)}, None)
    n, classes = 10, 30
    intersect = np.zeros((n, classes))
    union = np.zeros((n, classes))
    for img in range(n):
        for c in rng.choice(classes, size=rng.integers(3, 7), replace=False):
            label = rng.integers(100, 4000)
            inter = int(label * rng.uniform(0.3, 0.9))
            pred = inter + rng.integers(0, 1500)
            intersect[img, c] += inter
            union[img, c] += label + pred - inter
        for c in rng.choice(classes, size=rng.integers(2, 6), replace=False):
            union[img, c] += rng.integers(50, 600)
    yield "class-wise nanmean of IoU, 10 images", "class_mean", {
        "intersect": intersect, "union": union}, None
    # the defect this guards against: many small false-positive classes, so that resamples which
    # miss a class's only labelled image score it 0 and the replicates fall below the estimate;
    # the first sub-seed where the estimate lies above 99% of its replicates is used (there BCa
    # excludes it too, and Bootstrap falls back to the jackknife normal interval)
    for sub in range(1000):
        data = false_positive_heavy(np.random.default_rng([20260101, sub]))
        theta_b = replicates(np.random.default_rng([7, sub]), class_mean, data, 10)
        finite = theta_b[~np.isnan(theta_b)]
        if class_mean(data, np.arange(10)) > np.percentile(finite, 99):
            yield ("class-wise nanmean of IoU, 10 images, estimate above its percentile "
                   "interval (sub-seed %d)" % sub, "class_mean", data, theta_b)
            break
    else:
        raise SystemExit("no sub-seed puts the estimate above its percentile interval")


def false_positive_heavy(rng):
    n, classes = 10, 150
    intersect = np.zeros((n, classes))
    union = np.zeros((n, classes))
    for img in range(n):
        for c in rng.choice(classes, size=rng.integers(3, 12), replace=False):
            label = rng.integers(100, 5000)
            inter = int(label * rng.uniform(0.2, 0.9))
            pred = inter + rng.integers(0, 2000)
            intersect[img, c] += inter
            union[img, c] += label + pred - inter
        for c in rng.choice(classes, size=rng.integers(10, 30), replace=False):
            union[img, c] += rng.integers(50, 1000)
    return {"intersect": intersect, "union": union}


def replicates(rng, statistic, data, n):
    return np.array([statistic(data, rng.integers(0, n, n)) for _ in range(B)])


def scipy_levels(statistic, data, n, theta_b):
    try:
        from scipy.stats._resampling import _bca_interval
    except ImportError:
        return None

    def vectorised(idx, axis=-1):
        idx = np.asarray(idx)
        flat = idx.reshape(-1, idx.shape[-1])
        out = np.array([statistic(data, row.astype(int)) for row in flat])
        return out.reshape(idx.shape[:-1])

    kwargs = {}
    import inspect
    if "xp" in inspect.signature(_bca_interval).parameters:
        kwargs["xp"] = np
    a1, a2, a_hat = _bca_interval((np.arange(n),), vectorised, -1, (1 - LEVEL) / 2,
                                  theta_b[np.newaxis, :], None, **kwargs)
    return float(np.squeeze(a1)), float(np.squeeze(a2)), float(np.squeeze(a_hat))


def main():
    rng = np.random.default_rng(7)
    out = []
    for name, kind, data, drawn in cases():
        statistic = STATISTICS[kind]
        n = len(next(iter(data.values())))
        everything = np.arange(n)
        theta = statistic(data, everything)
        theta_b = drawn if drawn is not None else replicates(rng, statistic, data, n)
        finite = theta_b[~np.isnan(theta_b)]
        jack = np.array([statistic(data, np.delete(everything, i)) for i in range(n)])
        z0 = float(ndtri(((finite < theta).sum() + (finite <= theta).sum()) / (2 * finite.size)))
        j = jack[~np.isnan(jack)]
        d = j.mean() - j
        a = float((d ** 3).sum() / (6 * ((d ** 2).sum()) ** 1.5))
        z = ndtri(np.array([(1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2]))
        alphas = ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
        bounds = np.percentile(finite, alphas * 100)
        se = float(np.sqrt((j.size - 1) / j.size * ((j - j.mean()) ** 2).sum()))
        bca_defined = bool(np.isfinite(z0) and np.all(1 - a * (z0 + z) > 0))
        contains = bool(bca_defined and bounds[0] <= theta <= bounds[1])
        check = scipy_levels(statistic, data, n, theta_b) if finite.size == B else None
        if check is not None:
            assert abs(check[2] - a) < 1e-12 and abs(check[0] - alphas[0]) < 1e-12 \
                and abs(check[1] - alphas[1]) < 1e-12, (name, check, a, alphas)
        out.append({
            "name": name,
            "statistic": kind,
            "data": {k: v.tolist() for k, v in data.items()},
            "replicates": theta_b.tolist(),
            "theta_hat": theta,
            "jackknife": jack.tolist(),
            "z0": z0,
            "acceleration": a,
            "alpha": alphas.tolist(),
            "bca": bounds.tolist(),
            "percentile": np.percentile(finite, [2.5, 97.5]).tolist(),
            "jackknife_se": se,
            "bca_contains_theta_hat": contains,
            "normal": [theta - float(ndtri(1 - (1 - LEVEL) / 2)) * se,
                       theta + float(ndtri(1 - (1 - LEVEL) / 2)) * se],
            "checked_against_scipy": check is not None,
        })
    head = {
        "description": "BCa endpoints from fixed bootstrap replicates and the delete-1 jackknife "
                       "(textbook formulas, numpy/scipy.special; z0/a/alphas checked against "
                       "scipy.stats' _bca_interval); generated by "
                       "src/test/fixture-gen/bca_reference.py",
        "level": LEVEL,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    # one case a line: the replicates make them long
    sys.stdout.write("{\n")
    for k, v in head.items():
        sys.stdout.write(" %s: %s,\n" % (json.dumps(k), json.dumps(v)))
    sys.stdout.write(' "cases": [\n  ')
    sys.stdout.write(",\n  ".join(json.dumps(c) for c in out))
    sys.stdout.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
