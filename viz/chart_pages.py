"""The org chart of a hearing pack laid on A4 pages at a size one can read.

A chart that fits one A4 page (either way round) at a readable size is scaled onto it. A wider or
taller one is not shrunk below MIN_SCALE – Graphviz sets box text at 8–10 pt, so it stays at about
6 pt or more – but cut into tiles, one A4 page each, that overlap a little (a box cut at one
page's edge is seen on the next), each headed with which part of the chart it shows.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

MIN_SCALE = 0.7  # 9 pt stacked rows → 6.3 pt, 8 pt labels → 5.6 pt; smaller is not read on paper
MARGIN = 28  # points round the chart on the page
HEADER = 30  # points above a tile for the line saying what it shows
OVERLAP = 60  # chart points shown on both of two neighbouring tiles


@dataclass
class Layout:
    scale: float
    cols: int
    rows: int
    page: tuple[float, float]  # A4 width, height in points

    @property
    def count(self) -> int:
        return self.cols * self.rows


def _count(length: float, room: float, scale: float) -> int:
    """How many tiles of `room` page points cover `length` chart points at `scale`."""
    tile = room / scale
    return 1 if length <= tile else 1 + math.ceil((length - tile) / (tile - OVERLAP))


def layout(width: float, height: float) -> Layout:
    """The scale and the tiles for a chart of width × height points: one page if it fits at
    MIN_SCALE or more, else the fewest pages at MIN_SCALE, then as large as those pages allow."""
    from reportlab.lib.pagesizes import A4, landscape
    options = []
    for pw, ph in (landscape(A4), A4):
        fit = min((pw - 2 * MARGIN) / width, (ph - 2 * MARGIN) / height, 1.0)
        if fit >= MIN_SCALE:
            options.append((1, 0, Layout(fit, 1, 1, (pw, ph))))
            continue
        room_w, room_h = pw - 2 * MARGIN, ph - 2 * MARGIN - HEADER
        cols, rows = _count(width, room_w, MIN_SCALE), _count(height, room_h, MIN_SCALE)
        scale = min(1.0, cols * room_w / (width + (cols - 1) * OVERLAP),
                    rows * room_h / (height + (rows - 1) * OVERLAP))
        options.append((cols * rows, -scale, Layout(scale, cols, rows, (pw, ph))))
    return min(options, key=lambda o: o[:2])[2]  # fewest pages, then the larger print


def _header(text: str, page: tuple[float, float], clip: tuple[float, float, float, float] | None) -> bytes:
    """One page holding the header line, with white over everything outside the tile `clip`
    (x, y, w, h) so the neighbouring tiles' parts do not show in the margins."""
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=page)
    pw, ph = page
    if clip:
        x, y, w, h = clip
        pdf.setFillColor(colors.white)
        pdf.setStrokeColor(colors.white)
        for rect in ((0, 0, pw, y), (0, y + h, pw, ph - y - h), (0, 0, x, ph), (x + w, 0, pw - x - w, ph)):
            pdf.rect(*rect, stroke=0, fill=1)
        pdf.setStrokeColor(colors.HexColor("#9aa5b1"))
        pdf.setLineWidth(0.4)
        pdf.rect(x, y, w, h, stroke=1, fill=0)
    pdf.setFillColor(colors.HexColor("#1f3b57"))
    pdf.setFont("DejaVuSans", 9)
    pdf.drawString(MARGIN, ph - MARGIN + 4 - 9, text)
    pdf.save()
    return buffer.getvalue()


def _where(index: int, count: int, across: bool) -> str:
    if count == 1:
        return ""
    if across:
        return "venstre" if index == 0 else "høyre" if index == count - 1 else f"midten ({index + 1} av {count})"
    return "øverst" if index == 0 else "nederst" if index == count - 1 else f"midten ({index + 1} av {count})"


def chart_pages(chart_pdf: bytes) -> list:
    """The chart's pages (pypdf page objects) on A4."""
    from pypdf import PageObject, PdfReader, Transformation
    out = []
    for page in PdfReader(io.BytesIO(chart_pdf)).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        plan = layout(width, height)
        pw, ph = plan.page
        s = plan.scale
        if plan.count == 1:
            blank = PageObject.create_blank_page(width=pw, height=ph)
            blank.merge_transformed_page(page, Transformation().scale(s).translate(
                (pw - width * s) / 2, ph - MARGIN - height * s))
            out.append(blank)
            continue
        room_w, room_h = pw - 2 * MARGIN, ph - 2 * MARGIN - HEADER
        tile_w, tile_h = room_w / s, room_h / s
        for row in range(plan.rows):
            top = 0 if plan.rows == 1 else row * (height - tile_h) / (plan.rows - 1)  # from the top
            for col in range(plan.cols):
                left = 0 if plan.cols == 1 else col * (width - tile_w) / (plan.cols - 1)
                number = row * plan.cols + col + 1
                part = ", ".join(filter(None, [_where(row, plan.rows, False), _where(col, plan.cols, True)]))
                text = (f"Organisasjonskart, side {number} av {plan.count}: {part} del av kartet "
                        f"(delt over {plan.count} sider for å være lesbart; kantene overlapper)")
                blank = PageObject.create_blank_page(width=pw, height=ph)
                blank.merge_transformed_page(page, Transformation().scale(s).translate(
                    MARGIN - left * s, ph - MARGIN - HEADER - (height - top) * s))
                frame = (MARGIN, MARGIN, min(room_w, width * s), min(room_h, height * s))
                frame = (frame[0], ph - MARGIN - HEADER - frame[3], frame[2], frame[3])
                blank.merge_page(PdfReader(io.BytesIO(_header(text, plan.page, frame))).pages[0])
                out.append(blank)
    return out
