"""Reporting a sweep: the ranked table and the figure of the best curves."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import plots
from .._validation import cut
from .results import rank
from .spec import KNOBS

if TYPE_CHECKING:  # matplotlib is optional: imported on use
    from matplotlib.figure import Figure

    from .._typing import PathLike

LINE_CUT = 300  # a failed configuration's line in the table


def _show(value):
    if isinstance(value, list):
        return "-".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return "-" if value is None else str(value)


def _varying(records):
    """Knobs whose value differs between records (the table's columns)."""
    names = []
    for knob in KNOBS:
        values = {json.dumps(r["config"].get(knob)) for r in records}
        if len(values) > 1:
            names.append(knob)
    return names


def ranking_table(records: list[dict[str, Any]]) -> str:
    """The ranked table of a sweep's records, as text.

    One row per configuration, best validation accuracy first, test
    accuracy in its own column, a column per knob that varies; failed ones
    last, with their error.

    Parameters
    ----------
    records : list of dict
        Records as :func:`fastnet.sweep.run_config` returns them.

    Returns
    -------
    str

    Examples
    --------
    >>> print(ranking_table([]))
    no configurations
    """
    records = rank(records)
    if not records:
        return "no configurations"
    knobs = _varying(records)

    def pct(x):
        return "-" if x is None else f"{100 * x:.2f}"

    head = ["#", "key", *knobs, "val %", "test %", "epochs", "s"]
    rows = []
    for i, r in enumerate(records, 1):
        ok = r.get("status") == "ok"
        sec = r.get("seconds")
        row = [
            str(i),
            r["key"],
            *(_show(r["config"].get(k)) for k in knobs),
            pct(r.get("val_accuracy")) if ok else "FAILED",
            pct(r.get("test_accuracy")) if ok else "-",
            str(r.get("epochs_run") or 0) if ok else "-",
            "-" if sec is None else f"{sec:.2f}",
        ]
        rows.append(row)
    widths = [max(len(row[c]) for row in rows + [head]) for c in range(len(head))]
    numeric = set(range(len(head))) - {1}

    def line(row):
        return "  ".join(
            cell.rjust(w) if c in numeric else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(row) for row in rows]
    failed = [r for r in records if r.get("status") != "ok"]
    for r in failed:
        out.append(cut(f"failed {r['key']}: {r.get('error') or 'unknown error'}", LINE_CUT))
    return "\n".join(out)


def _label(config, knobs):
    """``784-100-10 entropie_croisee eta=1``: names only for numbers."""
    parts = []
    for k in knobs:
        v = config.get(k)
        parts.append(_show(v) if isinstance(v, (str, list)) else f"{k}={_show(v)}")
    return " ".join(parts)


def plot_curves(records: list[dict[str, Any]], path: PathLike, top: int = 10) -> Figure:
    """Draw the curves of the best configurations and write the figure.

    Validation accuracy (and training cost, where recorded with
    ``track_cost``) per epoch of the ``top`` best configurations, drawn by
    :func:`fastnet.plots.courbes`.

    Parameters
    ----------
    records : list of dict
        The sweep's records.
    path : str or path
        The image file to write.
    top : int
        How many configurations to draw.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        No successful configuration to plot.
    ImportError
        matplotlib is not installed.

    Examples
    --------
    >>> plot_curves(records, "sweep.png")  # doctest: +SKIP
    """
    best = [r for r in rank(records) if r.get("status") == "ok" and r.get("history")]
    best = best[:top]
    if not best:
        raise ValueError("no successful configuration to plot")
    knobs = _varying(best) or ["eta"]
    labels = [_label(r["config"], knobs) for r in best]
    fig = plots.courbes([r["history"] for r in best], labels)
    ax_prec, ax_cost = fig.axes[:2]
    ax_prec.set_title("Précision sur les données de validation")
    if "cost" in knobs:  # not the quadratic cost's formula for all of them
        ax_cost.set_ylabel("coût (celui de chaque configuration)")
    handles, texts = ax_prec.get_legend_handles_labels()
    for ax in (ax_prec, ax_cost):
        if (legend := ax.get_legend()) is not None:
            legend.remove()
    if not ax_cost.get_lines():  # no cost recorded: that panel holds the legend
        ax_cost.clear()
        ax_cost.axis("off")
        ax_cost.legend(
            handles,
            texts,
            loc="center",
            fontsize="small",
            title="meilleures configurations (validation)",
        )
    else:  # one legend for both panels, below them
        fig.set_size_inches(11, 4.2 + 0.22 * len(best))
        fig.legend(handles, texts, loc="lower center", ncol=2, fontsize="small")
        fig.tight_layout(rect=(0, 0.05 * len(best) ** 0.5 + 0.1, 1, 1))
    fig.savefig(path, dpi=100)
    return fig
