"""Charts (issue 6) on both engines: what is drawn (boxes, links, styles, labels) and that each kind
renders. The structure is checked on the drawn model (`Chart`) and on the Graphviz source."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from orggraph.loader.load import load
from orggraph.viz import ChartError, build, render

from conftest import ENGINES, make_engine

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "valid"
SEEDS = ROOT / "data" / "seeds"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module", params=ENGINES)
def graph(request, tmp_path_factory):
    """Each engine holding the test data and the reference dataset, loaded once for the module:
    drawing only reads, and no test here takes another engine (which would wipe Neo4j)."""
    engine = make_engine(request.param, tmp_path_factory.mktemp("charts"))
    load(engine, [VALID])
    load(engine, [SEEDS])
    yield engine
    engine.close()


def _edge_lines(source: str, tail: str, head: str) -> list[str]:
    return [line for line in source.splitlines() if line.strip().startswith(f"{tail} -> {head}")]


def test_org_chart_structure(graph):
    chart = build("org", graph, "fjordvik", "2022-01-01", depth=3)
    assert {"fjordvik", "helse", "hjemmetjeneste", "natt", "sykehjem", "stab"} <= set(chart.boxes)
    assert chart.links_between("fjordvik", "helse")[0].kind == "line"
    assert chart.links_between("hjemmetjeneste", "natt")[0].kind == "line"
    # the dotted line: dashed, does not rank
    dotted = chart.links_between("stab", "helse")
    assert len(dotted) == 1 and dotted[0].kind == "dotted" and dotted[0].dashed and not dotted[0].constraint
    source = chart.source
    (edge,) = _edge_lines(source, "stab", "helse")
    assert "style=dashed" in edge and "constraint=false" in edge
    # solid line edges carry no dash
    assert all("dashed" not in line for line in _edge_lines(source, "fjordvik", "helse"))
    # the staff unit sits beside its head
    assert ["fjordvik", "stab"] in chart.same_rank
    assert "rank=same" in source
    # labels: head post and holder, fungerende, FTE, æøå; a post never held is "ikke oppgitt", not
    # Vakant (test_viz_holders.py has one that is vacant)
    fjordvik, helse, home = chart.boxes["fjordvik"], chart.boxes["helse"], chart.boxes["hjemmetjeneste"]
    assert "Kommunedirektør" in fjordvik.lines and "Åse Ødegård" in fjordvik.lines
    assert "Cecilie Lærum (fungerende)" in helse.lines and helse.acting
    assert "ikke oppgitt" in home.lines and not home.vacant
    assert "310,5 årsverk" in helse.lines
    assert chart.boxes["sykehjem"].title == "Ævretun sykehjem"
    for text in ("Ævretun sykehjem", "Økonomistab", "Åse Ødegård", "ikke oppgitt", "fungerende", "Per 01.01.2022"):
        assert text in source
    assert 'fontname="DejaVu Sans"' in source


def test_org_chart_history_and_holders(graph):
    chart = build("org", graph, "fjordvik", "2021-01-01", depth=1)
    assert "Bjørn Æsebø" in chart.boxes["helse"].lines  # ordinary holder before the acting one
    assert not chart.boxes["helse"].acting


def test_org_chart_folds_levels_below_depth(graph):
    deep = build("org", graph, "fjordvik", "2022-01-01", depth=5)
    below_helse = {b for b in deep.boxes if b not in ("fjordvik", "helse", "stab")}
    chart = build("org", graph, "fjordvik", "2022-01-01", depth=1)
    assert "hjemmetjeneste" not in chart.boxes and "natt" not in chart.boxes
    more = chart.boxes["more__helse"]
    assert more.kind == "more" and more.hidden == len(below_helse) >= 4
    assert more.title == f"+{more.hidden} flere"
    assert chart.links_between("helse", "more__helse")[0].kind == "fold"
    assert f"+{more.hidden} flere" in chart.source
    top = build("org", graph, "fjordvik", "2022-01-01", depth=0)
    assert set(top.boxes) == {"fjordvik", "more__fjordvik"}


def test_org_chart_folds_wide_levels_and_stacks_leaves(graph):
    chart = build("org", graph, "isk", "2010-01-01", depth=1)
    units = chart.boxes["stack__isk"]
    assert [row.title for row in units.rows][:3] == ["Barn og familie", "HSR", "IKT"]
    assert "Lønn-personal" in [row.title for row in units.rows]
    posts = chart.boxes["stack__isk__posts"]
    assert len(posts.rows) == 8 and any("Øystein Sende" in row.lines for row in posts.rows)
    assert "Lønn-personal" in chart.source and "Øystein Sende" in chart.source
    narrow = build("org", graph, "isk", "2010-01-01", depth=1, max_children=5)
    titles = [row.title for row in narrow.boxes["stack__isk"].rows]
    assert titles[-1] == "+4 flere enheter" and len(titles) == 5
    # two fold boxes side by side say what each hides
    folded = build("org", graph, "isk", "2010-01-01", depth=1, max_children=3, stack_min=0)
    assert folded.boxes["more__isk"].title == "+6 flere enheter"
    assert folded.boxes["more__isk__posts"].title == "+6 flere stillinger"


def test_org_chart_legend_lists_what_is_drawn(graph):
    def meanings(chart):
        return [meaning for _, meaning in chart.legend]
    isk = meanings(build("org", graph, "isk", "2010-01-01", depth=1, max_children=3))
    assert isk == ["linje", "stilling som hører til (ikke linje)", "skjulte nivåer/enheter",
                   "medlem / part i samarbeidet"]
    fjordvik = meanings(build("org", graph, "fjordvik", "2022-01-01", depth=3))
    assert fjordvik == ["linje", "stiplet linje (faglig)", "stab (ved siden av leder)", "innehaver ikke oppgitt",
                        "fungerende leder"]
    glsi = build("org", graph, "glsi-prosjekt", "2007-06-01")
    assert "Ole Kristian Severinsen (midlertidig)" in glsi.boxes["glsi-prosjekt"].lines
    assert "midlertidig innehaver" in meanings(glsi)


def test_forums_chart_errors_name_the_forums_chart(graph):
    with pytest.raises(ChartError, match="a meeting-place map .chart forums. needs one of Organisation, Unit"):
        build("forums", graph, "isk-radmannsgruppen", "2010-01-01")


def test_org_chart_joint_body_with_members(graph):
    chart = build("org", graph, "fellesnemnda", "2019-01-01")
    assert chart.boxes["nord"].kind == "member" and chart.boxes["sor"].title == "Sørå"
    (link,) = chart.links_between("nord", "fellesnemnda")
    assert link.kind == "member" and "9 plasser" in link.label
    isk = build("org", graph, "isk", "2010-01-01")
    labels = {l.tail: l.label for l in isk.links if l.head == "isk" and l.kind == "member"}
    assert set(labels) == {"levanger", "verdal"}
    assert "morkommune" in labels["levanger"] and "deltaker" in labels["levanger"]  # MEMBER_OF and PARTY_TO


def test_org_chart_errors(graph):
    with pytest.raises(ChartError, match="no node"):
        build("org", graph, "finnes-ikke", "2020-01-01")
    with pytest.raises(ChartError, match="not valid on 2020-01-01"):
        build("org", graph, "isk", "2020-01-01")
    with pytest.raises(ChartError, match="Agreement"):
        build("org", graph, "barnevern-avtale", "2016-01-01")
    ended = build("org", graph, "isk")  # no date: its last valid day
    assert ended.as_of.isoformat() == "2017-12-31" and "siste gyldige dag" in ended.subtitle


def test_dependency_map(graph):
    chart = build("deps", graph, "salangen", "2007-05-24", steps=2)
    agreements = [b for b in chart.boxes.values() if b.type == "Agreement"]
    assert len(agreements) == 4
    hosts = {(l.tail, l.head) for l in chart.links if l.kind == "host"}
    assert ("salangen", "glsi-barnevern") in hosts or any(t == "salangen" for t, _ in hosts)
    assert any(l.kind == "partial" and l.tail == "ibestad" and l.dashed for l in chart.links)
    assert any(l.kind == "covers" for l in chart.links)
    assert any("Vertskommune" in label for label, _ in chart.clusters.values())
    assert "Kart og oppmåling" in chart.source


def test_dependency_map_legend_lists_what_is_drawn(graph):
    def meanings(chart):
        return [meaning for _, meaning in chart.legend]
    assert meanings(build("deps", graph, "sandefjord", "2017-06-01", steps=1)) == [
        "avhenger av", "kommune", "avtale i kraft/vedtatt", "tjeneste", "system", "møteplass"]
    salangen = meanings(build("deps", graph, "salangen", "2007-05-24", steps=2))
    assert {"vertskommune", "delvis deltaker", "finansierer", "foreslått avtale", "tjeneste"} <= set(salangen)
    assert not {"avhenger av", "system", "møteplass", "enhet"} & set(salangen)


def test_dependency_map_collapses_many_agreements(graph):
    chart = build("deps", graph, "levanger", "2003-01-01", steps=2, max_group=8)
    group = chart.boxes["group__other__proposed"]
    assert group.hidden == 45 and group.title == "45 avtaler"
    merged = chart.links_between("levanger", "group__other__proposed")
    assert len(merged) == 1 and "×45" in merged[0].label
    assert len([b for b in chart.boxes.values() if b.type == "Agreement"]) <= 3  # no hairball
    assert any("45 avtaler" in line for line in chart.summary)
    wide = build("deps", graph, "levanger", "2003-01-01", steps=1, max_group=100)
    assert len([b for b in wide.boxes.values() if b.type == "Agreement"]) == 46


def test_dependency_map_of_everything_connected(graph):
    chart = build("deps", graph, "sandefjord", "2017-06-01", steps=1)
    assert {"sandefjord-dep-nav", "sandefjord-dep-matrikkel", "sandefjord-dep-157-avtaler"} <= set(chart.boxes)
    assert all(l.kind == "depends" for l in chart.links)


def test_meeting_place_map(graph):
    chart = build("forums", graph, "fjordvik", "2022-01-01")
    forum = chart.boxes["ledergruppe"]
    text = forum.text()
    assert "ukentlig" in text and "40 møter i året" in text and "Samordne tjenestene" in text
    assert "Rådgivende for kommunedirektøren" in text and "Fjordvik rådhus" in text
    roles = {l.head: l.label for l in chart.links if l.tail == "ledergruppe" and l.kind == "member"}
    assert roles == {"kommunedirektor": "leder", "kommunalsjef-helse": "medlem"}
    assert "Cecilie Lærum (fungerende)" in chart.boxes["kommunalsjef-helse"].lines
    isk = build("forums", graph, "isk", "2010-01-01")
    assert "Rådmannsgruppen" in isk.source and "6 plasser" in isk.boxes["isk-radmannsgruppen"].text()


def test_labels_of_lines_that_meet_at_one_member_are_tied_to_their_line(graph):
    # Frosta sits in two FLV forums: its two labelled lines cross others on their way to its box
    chart = build("forums", graph, "levanger", "2017-12-31")
    frosta = [l for l in chart.links if "frosta" in (l.tail, l.head) and l.label]
    assert len(frosta) >= 2 and all(l.attrs.get("decorate") == "true" for l in frosta)
    edges = re.findall(r"-> frosta \[(.*?)\]", chart.source, re.S)
    assert len(edges) == len(frosta) and all("decorate=true" in edge for edge in edges)
    # a member with one labelled line keeps a plain label
    single = [l for l in chart.links if l.label and l.head.startswith("isk-enhetsleder")]
    assert single and not any("decorate" in l.attrs for l in single)


def test_diff_over_a_merger(graph):
    chart = build("diff", graph, "fjordvik", "2021-12-31", date_from="2019-12-31")
    status = {b.id: b.status for b in chart.boxes.values()}
    assert status["nord"] == "ended" and status["sor"] == "ended" and status["nord-helse"] == "ended"
    assert status["fjordvik"] == "added" and status["helse"] == "added"
    assert chart.boxes["sammenslaing"].kind == "event"
    assert chart.links_between("nord", "sammenslaing") and chart.links_between("sammenslaing", "fjordvik")
    ended = [l for l in chart.links if l.status == "ended"]
    assert ended and all("dashed" in l.attrs.get("style", "dashed") for l in ended)
    assert any("Avsluttet (3)" in line and "Nordøy" in line for line in chart.summary)
    assert any(line.startswith('<FONT COLOR="#1a7f37"><B>Ny') for line in chart.summary)
    assert "AVSLUTTET" in chart.source


def test_diff_marks_a_new_leader(graph):
    chart = build("diff", graph, "helse", "2021-08-01", date_from="2021-06-01")
    assert chart.boxes["helse"].status == "changed"
    assert any("Bjørn Æsebø" in line and "Cecilie Lærum (fungerende)" in line for line in chart.summary)
    with pytest.raises(ChartError, match="before"):
        build("diff", graph, "helse", "2020-01-01", date_from="2021-01-01")


@pytest.mark.parametrize("kind, node_id, as_of, opts", [
    ("org", "isk", "2010-01-01", {"depth": 2}),
    ("deps", "salangen", "2007-05-24", {"steps": 2}),
    ("forums", "nf-prosjekt-organisering", "2018-10-01", {}),
    ("diff", "sandefjord", "2017-01-01", {"date_from": "2016-12-31"}),
])
def test_every_kind_renders_to_png(graph, kind, node_id, as_of, opts):
    data = render(kind, graph, node_id, as_of, "png", **opts)
    assert data.startswith(PNG) and len(data) > 10_000


def test_formats(graph):
    assert render("org", graph, "fjordvik", "2022-01-01", "svg").lstrip().startswith(b"<?xml")
    assert "Ævretun".encode() in render("org", graph, "fjordvik", "2022-01-01", "svg")
    assert render("org", graph, "fjordvik", "2022-01-01", "pdf").startswith(b"%PDF")
    assert render("org", graph, "fjordvik", "2022-01-01", "dot").startswith(b"digraph")
    with pytest.raises(ChartError, match="format"):
        render("org", graph, "fjordvik", "2022-01-01", "gif")


def test_hearing_pack(graph):
    from pypdf import PdfReader

    from orggraph.viz.hearing import _text_pdf
    for node_id, as_of, name in [("isk", "2010-01-01", "Lønn-personal"), ("helse", "2022-01-01", "Ævretun sykehjem"),
                                  ("sykehjem", "2022-01-01", "Ævretun sykehjem")]:
        pdf = render("hearing", graph, node_id, as_of, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        _text, text_pages, _info = _text_pdf(graph, node_id, as_of, 2)
        assert text_pages <= 2
        assert len(reader.pages) == text_pages + 1  # + the org chart on one A4 page
        text = "\n".join(reader.pages[i].extract_text() for i in range(text_pages))
        for heading in ("Organisering og ledernivå", "Ansvar", "Møteplasser", "Annet"):
            assert heading in text
        assert name in text
        chart_page = reader.pages[-1]
        assert round(float(chart_page.mediabox.width)) in (595, 842)  # A4 either way
    with pytest.raises(ChartError, match="pdf"):
        render("hearing", graph, "isk", "2010-01-01", "png")


def test_hearing_text_and_chart_count_levels_alike(graph):
    from pypdf import PdfReader
    pages = PdfReader(io.BytesIO(render("hearing", graph, "fjordvik", "2022-01-01", "pdf", depth=1))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages[:-1]).split())
    chart = " ".join(pages[-1].extract_text().split())
    assert "og 1 nivå under, som i organisasjonskartet" in text and "1 nivå under toppen" in chart
    assert "Hjemmetjenesten" not in text and "Hjemmetjenesten" not in chart  # level 2: in "+N flere" only
    isk = build("org", graph, "isk", "2010-01-01", depth=3)
    assert "1 nivå under toppen" in isk.subtitle  # the levels drawn: ISK has one below its top


def test_hearing_pack_meeting_places(graph):
    from pypdf import PdfReader
    pages = PdfReader(io.BytesIO(render("hearing", graph, "fjordvik", "2022-01-01", "pdf"))).pages
    text = "\n".join(page.extract_text() for page in pages[:-1])  # the text pages, not the chart
    assert "Kommunedirektørens ledergruppe" in text and "ukentlig" in text
    assert "Rådgivende for kommunedirektøren" in text
