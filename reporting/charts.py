"""Charts drawn on the server as SVG: a title and a description for screen readers, the values
written beside the bars, and the report's table beside each chart. A hidden count draws no bar,
only its "<3"."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

COLOURS = ("#1d4f91", "#9a4a00", "#2e6b30")  # 4.5:1 or more against white
LABEL_WIDTH, BAR_WIDTH, ROW = 230, 250, 24


def bars(table, chart_id):
    """Horizontal bars of the period's counts of ``table``."""
    lines = [line for line in table.lines if line.now.value is not None]
    largest = max([line.now.value for line in lines if not line.now.hidden] + [1])
    height = ROW * len(lines) + 8
    rows = []
    for i, line in enumerate(lines):
        y = 4 + i * ROW
        shown = line.now.shown()
        width = 0 if line.now.hidden else round(BAR_WIDTH * line.now.value / largest)
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="16" fill="{}"></rect>'
                '<text x="{}" y="{}">{}</text>',
                LABEL_WIDTH - 6,
                y + 13,
                _short(line.label),
                LABEL_WIDTH,
                y + 1,
                width,
                COLOURS[0],
                LABEL_WIDTH + width + 4,
                y + 13,
                shown,
            )  # fmt: skip
        )
    description = "; ".join(f"{line.label}: {line.now.shown()}" for line in lines)
    return _svg(chart_id, table.title, description, LABEL_WIDTH + BAR_WIDTH + 40, height, rows)


def trend(report, chart_id):
    """Grouped columns per term: new referrals, closed, ongoing at the end."""
    columns, group = len(report.terms), 3 * 18 + 14
    largest = max([c.value for _l, cells in report.trend for c in cells if not c.hidden] + [1])
    top, plot = 22, 150
    parts = []
    for s, (_label, cells) in enumerate(report.trend):
        for t, cell in enumerate(cells):
            x = 40 + t * group + s * 18
            h = 0 if cell.hidden else round(plot * cell.value / largest)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="16" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" text-anchor="middle">{}'
                    "</text>",
                    x,
                    top + plot - h,
                    h,
                    COLOURS[s],
                    x + 8,
                    top + plot - h - 3,
                    cell.shown(),
                )  # fmt: skip
            )
    for t, period in enumerate(report.terms):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                40 + t * group + 26,
                top + plot + 16,
                period.short,
            )  # fmt: skip
        )
    for s, (label, _cells) in enumerate(report.trend):
        x = 40 + s * 190
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>'
                '<text x="{}" y="{}">{}</text>',
                x,
                top + plot + 28,
                COLOURS[s],
                x + 16,
                top + plot + 38,
                label,
            )  # fmt: skip
        )
    description = "; ".join(
        f"{period.short}: "
        + ", ".join(f"{label} {cells[t].shown()}" for label, cells in report.trend)
        for t, period in enumerate(report.terms)
    )
    width = max(40 + columns * group + 10, 620)
    return _svg(chart_id, _("Over the terms"), description, width, top + plot + 46, parts)


def _short(label, most=34):
    return label if len(label) <= most else label[: most - 1] + "…"


def _svg(chart_id, title, description, width, height, parts):
    return format_html(
        '<svg class="sspf-chart" role="img" aria-labelledby="{0}-t {0}-d" width="{1}" '
        'height="{2}" viewBox="0 0 {1} {2}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="12" fill="#222">'
        '<title id="{0}-t">{3}</title><desc id="{0}-d">{4}</desc>{5}</svg>',
        chart_id, width, height, title, description, mark_safe("".join(parts)),  # noqa: S308 - built by format_html above
    )  # fmt: skip
