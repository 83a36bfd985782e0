"""Server-rendered SVG charts: no chart library in the browser, and WeasyPrint draws them."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

BAR_COLOURS = {"good": "#198754", "meets": "#0d6efd", "not_meeting": "#dc3545"}


def criterion_chart(rows, title):
    """Horizontal bars: share of applicable inspections conforming, per criterion."""
    label_width, bar_width, row_height = 56, 360, 22
    height = row_height * len(rows) + 30
    bars = []
    for index, row in enumerate(rows):
        y = 24 + index * row_height
        share = row.tally.percent or 0
        bars.append(
            format_html(
                '<text x="0" y="{}" font-size="12">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="14" fill="#e9ecef"/>'
                '<rect x="{}" y="{}" width="{}" height="14" fill="#198754"/>'
                '<text x="{}" y="{}" font-size="11">{} ({}%)</text>',
                y + 11,
                row.code,
                label_width,
                y,
                bar_width,
                label_width,
                y,
                round(bar_width * share / 100),
                label_width + bar_width + 6,
                y + 11,
                row.tally,
                share,
            )  # fmt: skip
        )
    return _svg(title, label_width + bar_width + 110, height, mark_safe("".join(bars)))


def rating_chart(tallies, labels, title):
    """Vertical bars: inspections per rating tier, with count and percentage."""
    width, height, bar, gap = 360, 200, 70, 40
    top = max([t.part for t in tallies.values()] + [1])
    bars = []
    for index, (tier, tally) in enumerate(tallies.items()):
        x = 30 + index * (bar + gap)
        bar_height = round(130 * tally.part / top)
        y = 160 - bar_height
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" text-anchor="middle">{} ({}%)</text>'
                '<text x="{}" y="180" font-size="12" text-anchor="middle">{}</text>',
                x,
                y,
                bar,
                bar_height,
                BAR_COLOURS[tier],
                x + bar / 2,
                y - 6,
                tally.part,
                tally.percent if tally.percent is not None else 0,
                x + bar / 2,
                labels[tier],
            )  # fmt: skip
        )
    return _svg(title, width, height, mark_safe("".join(bars)))


def _svg(title, width, height, body):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" style="max-width: 100%; height: auto;" '
        'font-family="DejaVu Sans, sans-serif"><title>{}</title>{}</svg>',
        width, height, width, height, title, body,
    )  # fmt: skip
