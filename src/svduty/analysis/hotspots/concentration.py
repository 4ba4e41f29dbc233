"""How concentrated incidents are across places: top-x% shares, Lorenz curve, Gini and generalised Gini.

The "law of crime concentration" (Weisburd 2015, *Criminology* 53:133) is reported as the share of incidents in the
top x% of places. Bernasco & Steenbeek (2017, *J. Quant. Criminol.* 33:451, "More places than crimes") show that
when places outnumber incidents — most grid cells hold zero or one crime — the ordinary Lorenz curve and Gini
overstate concentration, because even the most even spread possible leaves most places empty; their generalised
versions compare with that line of *maximal* equality instead.
"""

from __future__ import annotations

import math

import numpy as np

from svduty.analysis import AnalysisError

TOP_SHARES = (1, 5, 10, 20)


def _counts(counts) -> np.ndarray:
    c = np.asarray(counts, dtype=float).ravel()
    if c.size == 0:
        raise AnalysisError("no places to measure concentration over")
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise AnalysisError("counts must be finite and non-negative")
    return c


def top_share(counts, percent: float) -> float:
    """Share of all incidents in the ``percent``% of places with most incidents.

    The top group is the ceil(percent/100 · places) highest-count places (at least one); ties at its edge do not
    change the share, since tied places hold equal counts.
    """
    c = _counts(counts)
    total = c.sum()
    if total == 0:
        return float("nan")
    k = max(1, math.ceil(c.size * percent / 100.0 - 1e-9))
    top = np.partition(c, c.size - k)[c.size - k :]
    return float(top.sum() / total)


def lorenz_curve(counts) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve: cumulative share of places (poorest first) against cumulative share of incidents.

    Both arrays start at 0 and end at 1 and have ``len(counts) + 1`` points.
    """
    c = np.sort(_counts(counts))
    total = c.sum()
    if total == 0:
        raise AnalysisError("no incidents: the Lorenz curve is undefined")
    places = np.arange(c.size + 1) / c.size
    share = np.concatenate([[0.0], np.cumsum(c) / total])
    return places, share


def gini(counts) -> float:
    """Gini coefficient of incidents over places (the usual, "biased" form: 0 = even, (n−1)/n = all in one place).

    G = Σᵢ (2i − n − 1) x₍ᵢ₎ / (n Σ x), places sorted ascending (as ``DescTools::Gini(unbiased=FALSE)``); equal to
    one minus twice the area under :func:`lorenz_curve`.
    """
    c = np.sort(_counts(counts))
    n = c.size
    total = c.sum()
    if total == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * c).sum() / (n * total))


def generalised_gini(counts, n_events: float | None = None) -> float:
    """Bernasco & Steenbeek's (2017) generalised Gini for sparse counts.

    G' = max(1, n_places / n_events) · (G − 1) + 1 (as in their R package ``lorenzgini``,
    ``gini(generalized=TRUE, unbiased=FALSE)``). It equals the ordinary Gini when there are at least as many incidents
    as places, and is 0 when no two incidents share a place although places outnumber incidents.
    """
    c = _counts(counts)
    n_events = float(c.sum()) if n_events is None else float(n_events)
    if n_events <= 0:
        return float("nan")
    return float(max(1.0, c.size / n_events) * (gini(c) - 1.0) + 1.0)


def generalised_lorenz_curve(counts) -> tuple[np.ndarray, np.ndarray]:
    """The line of maximal equality given the data (Bernasco & Steenbeek 2017, fig. 2), as (places, share).

    With N incidents over n > N places the most even spread puts one incident in each of N places: the line runs
    along zero to 1 − N/n and then straight to (1, 1). With N ≥ n it is the diagonal.
    """
    c = _counts(counts)
    n, total = c.size, c.sum()
    start = max(0.0, 1.0 - total / n)
    return np.array([0.0, start, 1.0]), np.array([0.0, 0.0, 1.0])


def concentration(counts) -> dict[str, float]:
    """Summary of concentration for a table of counts per place (cells, LSOAs, street segments).

    Keys: ``top_1pct``, ``top_5pct``, ``top_10pct``, ``top_20pct`` (share of incidents in that share of places),
    ``gini``, ``generalised_gini``, plus ``places``, ``places_with_incidents`` and ``incidents`` so the shares can be
    read in context.
    """
    c = _counts(counts)
    out: dict[str, float] = {f"top_{p}pct": top_share(c, p) for p in TOP_SHARES}
    out["gini"] = gini(c)
    out["generalised_gini"] = generalised_gini(c)
    out["places"] = int(c.size)
    out["places_with_incidents"] = int((c > 0).sum())
    out["incidents"] = float(c.sum())
    return out
