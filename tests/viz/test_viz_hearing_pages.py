"""The hearing pack's pages: the text says only what was so on its date, says what it leaves out,
keeps headings with their text, and the org chart stays readable – a wide chart goes onto as many
A4 pages as it needs rather than shrinking to unreadable print."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from orggraph.loader.load import load
from orggraph.viz import render

ROOT = Path(__file__).resolve().parents[2]
HEADINGS = ("Organisering og ledernivå", "Ansvar", "Møteplasser", "Annet")


def _vidda(areas: int = 12, units: int = 5) -> str:
    """A municipality of normal size: 12 service areas of 5 units each."""
    rows = [f"  - {{id: vidda-{a}, name: Tjenesteområde {a}, kind: service_area, part_of: vidda, "
            f"valid_from: 2020-01-01}}" for a in range(1, areas + 1)]
    rows += [f"  - {{id: vidda-{a}-{u}, name: Enhet {a}.{u}, kind: unit, part_of: vidda-{a}, valid_from: 2020-01-01}}"
             for a in range(1, areas + 1) for u in range(1, units + 1)]
    return ("dataset: vidda\nsource: \"tests/viz/test_viz_hearing_pages.py\"\norganisations:\n"
            "  - {id: vidda, kind: municipality, name: Vidda, kommunenummer: \"5497\", valid_from: 2020-01-01}\n"
            "units:\n" + "\n".join(rows) + "\n")


def _mange(units: int = 45) -> str:
    """A municipality with more described units than two pages hold."""
    about = "Tjenester til innbyggerne etter lov og vedtak, med eget budsjett og egne ansatte. " * 3
    rows = [f"  - {{id: mange-{n}, name: Avdeling {n}, kind: unit, part_of: mange, description: \"{about}\"}}"
            for n in range(1, units + 1)]
    return ("dataset: mange\nsource: \"tests/viz/test_viz_hearing_pages.py\"\norganisations:\n"
            "  - {id: mange, kind: municipality, name: Mange, kommunenummer: \"5496\"}\nunits:\n"
            + "\n".join(rows) + "\n")


@pytest.fixture
def graph(engine, tmp_path):
    (tmp_path / "vidda.yaml").write_text(_vidda(), encoding="utf-8")
    (tmp_path / "mange.yaml").write_text(_mange(), encoding="utf-8")
    load(engine, [ROOT / "data" / "seeds", tmp_path / "vidda.yaml", tmp_path / "mange.yaml"])
    return engine


def _pages(pdf: bytes) -> list:
    from pypdf import PdfReader
    return list(PdfReader(io.BytesIO(pdf)).pages)


def _text(pages) -> str:
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _text_pages(pages) -> list:
    return [page for page in pages if "Organisering og ledernivå" in page.extract_text()
            or "Laget av orggraph" in page.extract_text()]


def test_decisions_after_the_date_are_left_out(graph):
    early = _text(_text_pages(_pages(render("hearing", graph, "glsi-prosjekt", "2004-06-01", "pdf"))))
    assert "Arbeidsordre" not in early and "08.11.2004" not in early
    assert "Ingen vedtak registrert om enhetene per 01.06.2004" in early
    later = _text(_text_pages(_pages(render("hearing", graph, "glsi-prosjekt", "2005-01-01", "pdf"))))
    assert "Arbeidsordre om samarbeidsprosjekt (felles tjenester) – 08.11.2004 (vedtatt)" in later
    isk = _text(_text_pages(_pages(render("hearing", graph, "isk", "2003-01-01", "pdf"))))
    assert "10.06.2004" not in isk


def test_a_heading_is_never_alone_at_the_foot_of_a_page(graph):
    for node_id, as_of in (("glsi-prosjekt", "2004-06-01"), ("isk", "2010-01-01"), ("vidda", "2022-01-01")):
        for page in _text_pages(_pages(render("hearing", graph, node_id, as_of, "pdf"))):
            lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
            assert lines[-1] not in HEADINGS, (node_id, lines[-3:])


def _smallest_print(page) -> float:
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * abs(tm[3]) * abs(cm[3]))
    page.extract_text(visitor_text=visit)
    return min(sizes)


def test_a_wide_chart_is_spread_over_readable_pages(graph):
    pages = _pages(render("hearing", graph, "vidda", "2022-01-01", "pdf", depth=2))
    text_pages = _text_pages(pages)
    charts = pages[len(text_pages):]
    assert len(text_pages) <= 2 and len(charts) >= 2
    assert f"Organisasjonskartet følger på de neste {len(charts)} sidene" in _text(text_pages)
    for number, page in enumerate(charts, 1):
        assert sorted(round(float(x)) for x in page.mediabox[2:]) == [595, 842]  # A4
        assert f"Organisasjonskart, side {number} av {len(charts)}" in page.extract_text()
        assert _smallest_print(page) >= 5.5  # the smallest Graphviz text (8 pt) at 0.7 or more
    drawn = _text(charts)
    assert all(f"Enhet {a}.{u}" in drawn for a in range(1, 13) for u in range(1, 6))


def test_a_chart_that_fits_stays_one_page(graph):
    # a long name is wrapped in the chart's title rather than widening the chart past one page
    for node_id, as_of in (("isk", "2010-01-01"), ("glsi-prosjekt", "2004-06-01")):
        pages = _pages(render("hearing", graph, node_id, as_of, "pdf", depth=1))
        text_pages = _text_pages(pages)
        assert len(pages) == len(text_pages) + 1, node_id
        assert "Organisasjonskartet følger på neste side" in _text(text_pages)
        assert "side 1 av" not in pages[-1].extract_text() and _smallest_print(pages[-1]) >= 5.5


def test_units_left_out_of_ansvar_are_counted(graph):
    import re
    text = _text(_text_pages(_pages(render("hearing", graph, "mange", "2020-01-01", "pdf"))))
    ansvar = text[text.index("Ansvar"):text.index("Møteplasser")]
    shown = len(set(re.findall(r"Avdeling (\d+) \(enhet\)", ansvar)))
    assert 0 < shown < 45 and f"+{45 - shown} flere enheter (se kartet)." in ansvar
