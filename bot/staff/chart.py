"""The weekly demand chart, drawn on the server (matplotlib ships with Rasa; no JS library).

Drawn in the staff query pool, off the event loop: so with matplotlib's object API (a
Figure of its own per chart), never pyplot, whose global state is not safe across threads.
"""
from __future__ import annotations

import functools
import io
import os
import threading

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bot.staff.statistics import Board  # noqa: E402

_JAPANESE_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic")
# matplotlib's cached font list predates fonts installed later and skips .ttc collections.
_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
_fonts_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _font_family() -> tuple:
    with _fonts_lock:  # the font manager is shared by every thread
        for path in _FONT_FILES:
            if os.path.exists(path):
                font_manager.fontManager.addfont(path)
        available = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(name for name in _JAPANESE_FONTS if name in available) + ("DejaVu Sans",)


def weekly_chart_png(board: Board) -> bytes:
    """One line per domain; a week whose count is not shown on the page is a gap here too."""
    # Fonts given to each text, not through rcParams: those are shared by every thread.
    family = list(_font_family())
    figure = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [w.strftime("%m/%d") for w in board.weeks]
    for code in board.domain_codes:
        values = [board.chart_value(code, w) for w in board.weeks]
        if not any(values):
            continue
        axes.plot(labels, [float("nan") if v is None else v for v in values], marker="o", label=board.labels[code])
    axes.set_title("分野別の相談件数（週ごと）", fontfamily=family)
    axes.set_xlabel("週（月曜日）", fontfamily=family)
    axes.set_ylabel("件数", fontfamily=family)
    axes.grid(alpha=0.3)
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    if axes.lines:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), prop={"family": family, "size": 8})
    else:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.text(0.5, 0.5, "表示できる週がありません", ha="center", va="center", transform=axes.transAxes,
                  fontfamily=family)
    figure.text(0.01, 0.01, "10未満の週と、差し引きで10未満が分かる週は表示していません", fontsize=8, fontfamily=family)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
