"""The hearing pack's text: whole when it fits on two A4 pages; when it does not, cut in steps at
word boundaries (no word cut in two, no bracket left open, no "…."), and still on two pages."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from orggraph.loader.load import load
from orggraph.viz import render

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["styring", "og", "tjenester", "for", "innbyggerne", "i", "samarbeid", "med", "kommunene"]
# unique words of uneven length, so a cut by characters would split one
LONG = " ".join(f"{WORDS[i % len(WORDS)]}{i}" for i in range(850))  # within the 10 000 characters a description may have


def _dataset(tmp_path: Path) -> Path:
    units = "\n".join(f"  - {{id: lang-{n}, name: Enhet {n}, kind: unit, part_of: lang, description: \"{LONG}\"}}"
                      for n in range(12))
    path = tmp_path / "lang.yaml"
    path.write_text(f"""\
dataset: lang
source: "tests/viz/test_viz_hearing_text.py"
organisations:
  - {{id: lang, kind: municipality, name: Langvik, kommunenummer: "5498", description: "{LONG}"}}
units:
{units}
""", encoding="utf-8")
    return path


@pytest.fixture
def graph(engine, tmp_path):
    load(engine, [ROOT / "data" / "seeds", _dataset(tmp_path)])
    return engine


def _text_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages[:-1]]  # the last is the chart


def _flat(pages: list[str]) -> str:
    return " ".join(" ".join(pages).split())


def test_a_text_that_fits_is_whole(graph):
    isk = _text_pages(render("hearing", graph, "isk", "2010-01-01", "pdf"))
    text = _flat(isk)
    assert len(isk) <= 2
    assert "i Innherredsregionen; tyngdepunkt for regional utvikling" in text  # the description, whole
    assert "31.12.2017 er fra DOMAIN.md («ISK 2004–2017»)." in text
    assert "flere på dette nivået" not in text and "Øystein Sende" in text  # every row of the table
    assert "…" not in text
    glsi = _flat(_text_pages(render("hearing", graph, "glsi-prosjekt", "2007-06-01", "pdf")))
    assert "tilleggsfinansiering tkr 125 (da Ibestad kom til i desember 2005)" in glsi
    assert "…" not in glsi


def test_a_text_too_long_is_cut_at_words_onto_two_pages(graph):
    pages = _text_pages(render("hearing", graph, "lang", "2020-01-01", "pdf"))
    assert len(pages) <= 2
    text = _flat(pages)
    cuts = re.findall(r"(\S+) …", text)
    assert cuts, text[:500]
    words = set(LONG.split())
    assert all(word in words for word in cuts), cuts  # each cut after a whole word
    assert "…." not in text and not re.search(r"\( …|\(…", text)


def test_a_cut_closes_what_it_opens():
    from orggraph.viz.hearing import _trim
    text = "Finansiering: tkr 550, deretter tkr 125 (da Ibestad kom til i desember 2005) og tkr 300"
    cut = _trim(text, 50)
    assert cut == "Finansiering: tkr 550, deretter tkr 125 …"  # the open aside goes, not half of it
    assert _trim("(da Ibestad kom til i desember 2005)", 20) == "(da Ibestad kom til …)"  # all inside: closed
    assert _trim("Levanger kommune. Verdal kommune.", 20) == "Levanger kommune …"  # no "…."
    assert _trim(text, None) == text and _trim(text, len(text)) == text


def test_a_box_label_cut_inside_brackets_closes_them():
    from orggraph.viz.common import wrap
    lines = wrap("Mandat: samordne (IKT, økonomi [lønn og regnskap], arkiv) for alle fire kommuner", 20, 2)
    assert lines == ["Mandat: samordne", "(IKT, økonomi [lønn …])"]
    assert wrap("Mandat (kort)", 20, 2) == ["Mandat (kort)"]  # nothing cut: nothing added
