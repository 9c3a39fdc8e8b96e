"""The dashboard's chart of returns per grade and day, as SVG geometry for the template.

Drawn on the server (no script on the page): stacked bars, one per day, one colour per grade.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from rtutils_core.returns import DayCount
from rtutils_core.students import grade_rank

#: Colours that stay apart for the colour-blind (Okabe and Ito's palette).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 36, 28, 10


@frozen
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@frozen
class Label:
    x: float
    y: float
    text: str
    day: str = ""  # ISO date: the page shows it in the browser's date format


@frozen
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    legend: tuple[tuple[str, str], ...]
    most: int
    total: int


def returns_chart(days: Sequence[DayCount]) -> Chart:
    """Stacked bars of ``days`` (as the campaign lists them: day by day, grade by grade)."""
    dates = sorted({d.day for d in days})
    grades = sorted({d.grade for d in days}, key=grade_rank)
    colour = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(grades)}
    per_day = {day: sum(d.returns for d in days if d.day == day) for day in dates}
    most = max(per_day.values(), default=0) or 1
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(dates), 1)
    bars: list[Bar] = []
    labels: list[Label] = []
    for n, day in enumerate(dates):
        x = LEFT + n * slot + slot * 0.15
        base: float = HEIGHT - BOTTOM
        for d in sorted((d for d in days if d.day == day), key=lambda d: grade_rank(d.grade)):
            if not d.returns:
                continue
            h = plot_h * d.returns / most
            base -= h
            title = f"{day.isoformat()}: grade {d.grade}, {d.returns} returned"
            bars.append(Bar(round(x, 1), round(base, 1), round(slot * 0.7, 1), round(h, 1),
                            colour[d.grade], title))  # fmt: skip
        labels.append(
            Label(round(x + slot * 0.35, 1), HEIGHT - 10, day.strftime("%d.%m"), day.isoformat())
        )
    total = sum(per_day.values())
    return Chart(WIDTH, HEIGHT, tuple(bars), tuple(labels), tuple(colour.items()), most, total)
