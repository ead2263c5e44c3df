"""The weekly demand chart, drawn on the server (matplotlib ships with Rasa; no JS library)."""
from __future__ import annotations

import io
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from bot.staff.statistics import Dashboard, is_suppressed  # noqa: E402

_added: set = set()

_JAPANESE_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic")
# matplotlib's cached font list predates fonts installed later and skips .ttc collections.
_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")


def _font_family() -> list:
    for path in _FONT_FILES:
        if os.path.exists(path) and path not in _added:
            font_manager.fontManager.addfont(path)
            _added.add(path)
    available = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in _JAPANESE_FONTS if name in available] + ["DejaVu Sans"]


def weekly_chart_png(board: Dashboard) -> bytes:
    """One line per domain; a week whose count is suppressed (1–9) is left as a gap."""
    plt.rcParams["font.family"] = _font_family()
    figure, axes = plt.subplots(figsize=(9, 4.5), dpi=100)
    weeks = board.weeks
    for code, counts in board.by_domain_week.items():
        values = [counts.get(w, 0) for w in weeks]
        if not any(values):
            continue
        plotted = [float("nan") if is_suppressed(v, board.threshold) else v for v in values]
        axes.plot([w.isoformat() for w in weeks], plotted, marker="o", label=board.labels[code])
    axes.set_title("分野別の相談件数（週ごと）")
    axes.set_xlabel("週（月曜日）")
    axes.set_ylabel("件数")
    axes.grid(alpha=0.3)
    if axes.lines:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    figure.text(0.01, 0.01, f"1〜{board.threshold - 1}件の週は表示していません（10未満）", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
