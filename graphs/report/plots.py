"""Figures of the run report, each returned as an ``<img>`` tag with the PNG embedded as base64 data.

Every function takes plain JSON values (the report dict's pieces) and draws with matplotlib's object API
(no global pyplot state, safe in threads). Colours: dark teal for real data, orange for synthetic data.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

REAL, SYNTH, GOOD, FAIR, BAD = "#264653", "#e76f51", "#2a9d8f", "#e9c46a", "#c0392b"


def png(fig: Figure, alt: str) -> str:
    """Render a figure to an ``<img>`` tag with inline PNG data."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"


def shape_bars(shapes: list[dict]) -> str:
    """Horizontal bars of each column's similarity score (green good, yellow fair, red poor)."""
    fig = Figure(figsize=(7, 0.3 * len(shapes) + 1))
    ax = fig.add_subplot()
    names = [(m.get("columns") or [m.get("name")])[0] for m in shapes]
    values = [m.get("value") or 0 for m in shapes]
    ax.barh(names, values, color=[GOOD if v >= 0.8 else FAIR if v >= 0.7 else BAD for v in values])
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("similarity (1 = identical distribution)")
    return png(fig, "similarity per column")


def marginal_plot(marg: dict) -> str:
    """Side-by-side bars of one column's category / bin shares, real against synthetic."""
    labels = [str(x) for x in marg.get("labels", [])]
    fig = Figure(figsize=(min(max(5.0, 0.35 * len(labels) + 2), 9.5), 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    ax.bar(x - 0.2, marg.get("real", []), 0.4, label="real", color=REAL)
    ax.bar(x + 0.2, marg.get("synthetic", []), 0.4, label="synthetic", color=SYNTH)
    ax.set_xticks(x, [t if len(t) <= 18 else t[:17] + "\u2026" for t in labels], rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("share of rows")
    ax.set_title(f"{marg.get('column')}: real vs synthetic")
    ax.legend()
    return png(fig, f"distribution of {marg.get('column')}")


def _matrix(cols: list[str], grid: np.ndarray, cmap: str, vmax: float, label: str, alt: str, dark_below: bool) -> str:
    size = len(cols)
    fig = Figure(figsize=(min(0.4 * size + 3, 10), min(0.4 * size + 2, 9)))
    ax = fig.add_subplot()
    image = ax.imshow(grid, vmin=0, vmax=vmax, cmap=cmap)
    ax.set_xticks(range(size), cols, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(size), cols, fontsize=8)
    if size <= 12:
        for (i, j), v in np.ndenumerate(grid):
            if not np.isnan(v):
                light = (v < 0.6 * vmax) if dark_below else (v > 0.6 * vmax)
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if light else "black")
    fig.colorbar(image, ax=ax, label=label)
    return png(fig, alt)


def pair_heatmap(pairs: list[dict]) -> str:
    """Heat map of the pair trend scores (1 = the pair's joint distribution is kept)."""
    cols = list(dict.fromkeys(c for m in pairs for c in m["columns"]))
    grid = np.full((len(cols), len(cols)), np.nan)
    for m in pairs:
        i, j = cols.index(m["columns"][0]), cols.index(m["columns"][1])
        grid[i, j] = grid[j, i] = m.get("value") if m.get("value") is not None else np.nan
    return _matrix(cols, grid, "viridis", 1.0, "pair similarity (1 = identical)", "pair trend heat map", True)


def correlation_difference(assoc: dict) -> str:
    """Heat map of ``|association(real) - association(synthetic)|`` for every pair (0 = kept exactly)."""
    grid = np.asarray(assoc.get("difference", []), dtype=float)
    np.fill_diagonal(grid, np.nan)
    vmax = max(0.3, float(np.nanmax(grid)) if np.isfinite(grid).any() else 0.3)
    return _matrix(list(assoc.get("columns", [])), grid, "Reds", vmax,
                   "difference in association strength (0 = same)", "correlation difference heat map", False)


def utility_bars(metrics: dict[str, Any], keys: list[str]) -> str:
    """Bars of each utility score for the model trained on real rows and the one trained on synthetic rows."""
    fig = Figure(figsize=(6, 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(keys))
    real, synth = ([metrics.get(f"{o}_{k}") or 0.0 for k in keys] for o in ("trtr", "tstr"))
    for bars in (ax.bar(x - 0.2, real, 0.4, label="trained on real rows", color=REAL),
                 ax.bar(x + 0.2, synth, 0.4, label="trained on synthetic rows", color=SYNTH)):
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(x, [{"roc_auc": "ROC AUC", "r2": "R\u00b2"}.get(k, k) for k in keys])
    ax.set_ylim(min(0.0, *real, *synth) * 1.2, 1.15)
    ax.axhline(0, color="#888", linewidth=0.8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    return png(fig, "utility comparison")


def dcr_histogram(hist: dict) -> str:
    """Step histograms of the distance of synthetic rows to the closest training / holdout row."""
    edges = np.asarray(hist["edges"], dtype=float)
    fig = Figure(figsize=(6.5, 3))
    ax = fig.add_subplot()
    ax.stairs(hist.get("train", []), edges, label="to closest training row", color=SYNTH, linewidth=2)
    ax.stairs(hist.get("holdout", []), edges, label="to closest unseen real row", color=REAL, linewidth=2)
    ax.set_xlabel("distance of a synthetic row to the closest real row (0 = identical)")
    ax.set_ylabel("synthetic rows")
    ax.legend()
    return png(fig, "distance to closest record histogram")


def risk_bars(risks: list[dict]) -> str:
    """Attack risks as points with their 95 % confidence intervals (0 = no extra risk)."""
    fig = Figure(figsize=(6.5, 0.55 * len(risks) + 1.2))
    ax = fig.add_subplot()
    for i, m in enumerate(risks):
        value = m.get("value") or 0.0
        low, high = m.get("ci") or (value, value)
        colour = GOOD if high <= 0.3 else FAIR if high <= 0.6 else BAD
        ax.plot([low, high], [i, i], color=colour, linewidth=4, solid_capstyle="round")
        ax.plot([value], [i], "o", color="black")
    ax.set_yticks(range(len(risks)), [str(m.get("name", "")).replace("_", " ") for m in risks])
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.6, len(risks) - 0.4)
    ax.invert_yaxis()
    ax.set_xlabel("risk (dot) and 95% interval (bar); 0 = no more risk than for people not in the data")
    return png(fig, "attack risks with confidence intervals")


def budget_history(history: list[dict], cap: Any, spent: Any = None) -> str:
    """Bars of each run's planned epsilon, with the accountant's total spent and the dataset's cap as lines."""
    eps = [float(h.get("epsilon") or 0.0) for h in history]
    labels = [str(h.get("run_id", i + 1))[-6:] for i, h in enumerate(history)]
    fig = Figure(figsize=(6.5, 3))
    ax = fig.add_subplot()
    x = np.arange(len(eps))
    ax.bar(x, eps, color=SYNTH, label="planned epsilon of the run", width=0.6)
    for value, colour, label in ((spent, REAL, "total spent (accountant)"), (cap, BAD, "cap")):
        if isinstance(value, int | float):
            ax.axhline(float(value), color=colour, linestyle="--", label=label)
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax.set_xlabel("run (last digits of its id)")
    ax.set_ylabel("epsilon")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return png(fig, "privacy budget history")
