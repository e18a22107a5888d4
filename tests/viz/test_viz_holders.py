"""Who holds a post, as the charts and the hearing pack say it: "Vakant" only for a post someone
held before the date, "ikke oppgitt" for one never given a holder (the data does not say it was
vacant); every leader of a forum; forum members with one title told apart by their organisation."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from orggraph.loader.load import load
from orggraph.viz import build, render

ROOT = Path(__file__).resolve().parents[2]

# Vik's rektor was held until the end of 2021; its kommunedirektør never had a holder recorded.
VIK = """\
dataset: vik
source: "tests/viz/test_viz_holders.py"
organisations:
  - {id: vik, kind: municipality, name: Vik, kommunenummer: "5499", valid_from: 2020-01-01}
units:
  - {id: vik-skole, name: Vik skole, kind: unit, part_of: vik, valid_from: 2020-01-01}
posts:
  - {id: vik-direktor, title: Kommunedirektør, kind: executive, heads: vik, valid_from: 2020-01-01}
  - {id: vik-rektor, title: Rektor, kind: leader, heads: vik-skole, valid_from: 2020-01-01}
  - {id: vik-vaktmester, title: Vaktmester, kind: other, belongs_to: vik-skole, valid_from: 2020-01-01}
persons:
  - id: vik-per
    name: Per Ås
    holds:
      - {id: vik-rektor, valid_from: 2020-01-01, valid_to: 2021-12-31}
      - {id: vik-vaktmester, valid_from: 2020-01-01, valid_to: 2020-12-31}
"""


@pytest.fixture
def graph(engine, tmp_path):
    (tmp_path / "vik.yaml").write_text(VIK, encoding="utf-8")
    load(engine, [ROOT / "tests" / "data" / "valid", ROOT / "data" / "seeds", tmp_path / "vik.yaml"])
    return engine


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages[:-1]).split())  # the text pages


def test_vacant_only_after_a_holder(graph):
    chart = build("org", graph, "vik", "2022-06-01", depth=2)
    school, vik = chart.boxes["vik-skole"], chart.boxes["vik"]
    assert "Vakant" in school.lines and school.vacant  # Per Ås held it until 2021
    assert "ikke oppgitt" in vik.lines and "Vakant" not in vik.lines and not vik.vacant  # never held
    (caretaker,) = chart.find("Vaktmester")
    assert caretaker.lines == ["Vakant"] and caretaker.vacant
    before = build("org", graph, "vik", "2020-06-01", depth=2)
    assert "Per Ås" in before.boxes["vik-skole"].lines
    legend = " ".join(meaning for _, meaning in chart.legend)
    assert "ubesatt" in legend and "innehaver ikke oppgitt" in legend
    source = chart.source
    assert '<FONT COLOR="#6b7280"><I>ikke oppgitt</I></FONT>' in source  # grey, not the red of Vakant
    assert '<FONT COLOR="#b00020"><I>Vakant</I></FONT>' in source


def test_posts_never_held_are_not_called_vacant(graph):
    diff = build("diff", graph, "sandefjord", "2017-01-01", date_from="2016-12-31")
    for old in ("andebu", "stokke", "sandefjord-0706"):
        assert "ikke oppgitt" in diff.boxes[old].lines and "Vakant" not in diff.boxes[old].lines
    salangen = build("org", graph, "salangen", "2007-06-01")
    assert "Vakant" not in salangen.source and "ikke oppgitt" in salangen.source
    forums = build("forums", graph, "glsi-prosjekt", "2007-06-01")
    members = [b for b in forums.boxes.values() if b.type == "Post"]
    assert len(members) == 8 and all(b.lines == ["ikke oppgitt"] and not b.vacant for b in members)
    assert "Vakant" not in forums.source


def test_forum_members_with_one_title_are_told_apart(graph):
    chart = build("forums", graph, "glsi-prosjekt", "2007-06-01")
    mayors = sorted(b.title for b in chart.boxes.values() if b.type == "Post" and b.title.startswith("Ordfører"))
    assert mayors == ["Ordfører, Gratangen kommune", "Ordfører, Ibestad kommune", "Ordfører, Lavangen kommune",
                      "Ordfører, Salangen kommune"]
    # posts of one organisation with one title keep it: their holders tell them apart
    isk = build("forums", graph, "isk", "2010-01-01")
    assert any(b.title == "Enhetsleder (ISK)" for b in isk.boxes.values())
    text = _pdf_text(render("hearing", graph, "glsi-prosjekt", "2007-06-01", "pdf"))
    assert "Ordfører, Gratangen kommune (innehaver ikke oppgitt) – medlem" in text
    assert "Ordfører (Vakant)" not in text and "Vakant" not in text


def test_hearing_lists_every_leader_of_a_forum(graph):
    text = _pdf_text(render("hearing", graph, "nf-prosjekt-organisering", "2018-10-01", "pdf"))
    team = text.split("Utviklingsteam (per virksomhetsområde/stab)", 1)[1]
    leaders = team.split("Ledere:", 1)[1].split("Mandat:", 1)[0]
    assert "Kommunalsjef (prosesseier)" in leaders and "Stabsleder (prosesseier)" in leaders
    assert "innehaver ikke oppgitt" in leaders
