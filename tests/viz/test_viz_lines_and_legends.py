"""What the charts draw means what the org chart says it means: posts that only belong to a unit
are not line reports (in a stack or a diff either), members do not sit above an organisation's
line, a diff sees memberships and names what changed unambiguously, legends list only what is
drawn, and only lines marked as notes are set small and grey."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from orggraph.loader.load import load
from orggraph.viz import ChartError, build
from orggraph.viz.common import box_label

from conftest import ENGINES, make_engine

ROOT = Path(__file__).resolve().parents[2]

# Three advisers nobody is recorded holding leave Vik on one day: a diff lists them once, counted.
VIK = """\
dataset: vik
source: "tests/viz/test_viz_lines_and_legends.py"
organisations:
  - {id: vik, kind: municipality, name: Vik, kommunenummer: "5499", valid_from: 2020-01-01}
units:
  - {id: vik-plan, name: Plan, kind: unit, part_of: vik, valid_from: 2020-01-01}
posts:
  - {id: vik-radgiver-1, title: Rådgiver, kind: other, belongs_to: vik-plan, valid_from: 2020-01-01, valid_to: 2021-12-31}
  - {id: vik-radgiver-2, title: Rådgiver, kind: other, belongs_to: vik-plan, valid_from: 2020-01-01, valid_to: 2021-12-31}
  - {id: vik-radgiver-3, title: Rådgiver, kind: other, belongs_to: vik-plan, valid_from: 2020-01-01, valid_to: 2021-12-31}
"""


@pytest.fixture(scope="module", params=ENGINES)
def graph(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lines")
    engine = make_engine(request.param, folder)
    (folder / "vik.yaml").write_text(VIK, encoding="utf-8")
    load(engine, [ROOT / "tests" / "data" / "valid", ROOT / "data" / "seeds", folder / "vik.yaml"])
    yield engine
    engine.close()


def _rows(box) -> list[str]:
    return [row.title for row in box.rows]


def test_stacked_posts_that_only_belong_are_not_drawn_on_the_line(graph):
    chart = build("org", graph, "nf-prosjekt-organisering", "2018-10-01")
    leader = chart.find("Prosjektleder")
    assert len(leader) == 1 and leader[0].kind == "post"  # the one on the line: its own box and arrow
    (line,) = chart.links_between("nf-prosjekt-organisering", leader[0].id)
    assert line.kind == "line"
    stacks = [box for box in chart.boxes.values() if box.kind == "stack"]
    assert len(stacks) == 1 and "Prosjektleder" not in _rows(stacks[0])
    assert _rows(stacks[0]).count("Kontaktperson i prosjektstaben") == 3 and "Ansvarlig referent" in _rows(stacks[0])
    (belongs,) = chart.links_between("nf-prosjekt-organisering", stacks[0].id)
    assert belongs.kind == "belongs" and belongs.attrs.get("arrowhead") == "none"


def test_a_person_member_is_drawn_beside_a_municipality_not_above_it(graph):
    chart = build("org", graph, "levanger", "2010-01-01")
    person = chart.boxes["person-alf-birger-haugnes"]
    assert person.kind == "member"
    assert not chart.links_between(person.id, "levanger")  # no arrow into the municipality from above
    (link,) = chart.links_between("levanger", person.id)
    assert link.kind == "member" and not link.constraint and link.attrs.get("arrowhead") == "none"
    assert ["levanger", person.id] in chart.same_rank
    # municipalities forming a joint body are still drawn above it
    isk = build("org", graph, "isk", "2010-01-01")
    assert isk.links_between("levanger", "isk")[0].kind == "member"


def test_diff_draws_lines_as_the_org_chart_does(graph):
    chart = build("diff", graph, "fjordvik", "2021-12-31", date_from="2019-12-31")
    org = build("org", graph, "fjordvik", "2021-12-31", depth=5)
    (dotted,) = chart.links_between("stab", "helse")
    assert dotted.kind == "dotted" and dotted.dashed and not dotted.constraint
    assert chart.links_between("fjordvik", "stab")[0].attrs.get("arrowhead") == "none"  # staff: beside
    assert ["fjordvik", "stab"] in chart.same_rank
    kinds = {(l.tail, l.head): l.kind for l in org.links if l.kind in ("line", "dotted", "belongs")}
    assert all(any(l.kind == kind for l in chart.links_between(*pair)) for pair, kind in kinds.items())
    posts = build("diff", graph, "nordre-follo", "2020-06-01", date_from="2019-12-31")
    belonging = [l for l in posts.links if posts.boxes[l.head].type == "Post"]
    assert belonging and all(l.kind == "belongs" for l in belonging)
    assert "stilling som hører til (ikke linje)" in [meaning for _, meaning in posts.legend]


def test_diff_sees_a_municipality_join(graph):
    chart = build("diff", graph, "glsi-prosjekt", "2006-06-01", date_from="2005-06-01")
    assert chart.boxes["ibestad"].status == "added"
    (joined,) = chart.links_between("ibestad", "glsi-prosjekt")
    assert joined.kind == "member" and joined.status == "added"
    assert not any("Ingen endringer" in line for line in chart.summary)
    assert any(line.startswith('<FONT COLOR="#1a7f37"><B>Ny (1)') and "Ibestad kommune" in line
               for line in chart.summary)
    assert chart.boxes["salangen"].status == ""  # a member on both dates is no change


def _summary(chart) -> dict[str, str]:
    found = {}
    for line in chart.summary:
        match = re.match(r'<FONT COLOR="[^"]+"><B>(\w+) \(\d+\):</B></FONT> (.*)', line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_diff_summaries_tell_namesakes_apart_and_count_repeats(graph):
    merger = _summary(build("diff", graph, "sandefjord", "2017-01-01", date_from="2016-12-31"))
    assert "Sandefjord kommune (0710)" in merger["Ny"] and "Sandefjord kommune (0706)" in merger["Avsluttet"]
    renumbered = _summary(build("diff", graph, "levanger", "2018-01-01", date_from="2017-12-31"))
    assert "Levanger kommune (5037)" in renumbered["Ny"] and "Levanger kommune (1719)" in renumbered["Avsluttet"]
    isk = _summary(build("diff", graph, "isk", "2018-01-01", date_from="2017-12-31"))["Avsluttet"]
    assert "Enhetsleder (ISK): Øystein Sende (Innherred samkommune)" in isk  # told apart by holder
    assert "<BR" in isk  # a long list goes over several lines
    vik = _summary(build("diff", graph, "vik", "2022-01-01", date_from="2021-12-31"))["Avsluttet"]
    assert vik == "3 × Rådgiver (Plan)"


def _meanings(chart) -> list[str]:
    return [meaning for _, meaning in chart.legend]


def test_legends_list_only_what_is_drawn(graph):
    deps = build("deps", graph, "frosta", "2003-01-01", steps=1)
    assert any(box.kind == "group" for box in deps.boxes.values())
    assert "flere avtaler samlet i én boks" in _meanings(deps) and "foreslått avtale" in _meanings(deps)
    diff = build("diff", graph, "helse", "2021-08-01", date_from="2021-06-01")
    assert "endret" in _meanings(diff)
    assert not {"ny", "avsluttet", "flyttet"} & set(_meanings(diff))
    forums = build("forums", graph, "sas-fellesnemnd", "2016-06-01")
    assert not any(link.kind == "member" for link in forums.links)
    assert "medlem (rolle)" not in _meanings(forums) and "hører til" in _meanings(forums)
    assert "medlem (rolle)" in _meanings(build("forums", graph, "fjordvik", "2022-01-01"))


def test_only_lines_marked_as_notes_are_small_and_grey(graph):
    chart = build("forums", graph, "glsi-prosjekt", "2007-06-01")
    (forum,) = [box for box in chart.boxes.values() if "Barnevern" in box.title and box.kind == "forum"]
    label = box_label(forum)
    assert "4,5 årsverk" in label
    assert not re.search(r'<FONT POINT-SIZE="\d+" COLOR="#555555">[^<]*4,5 årsverk', label)
    assert re.search(r'<FONT POINT-SIZE="\d+" COLOR="#555555">\(prosjektgruppe\)', label)  # its kind is a note
    helse = box_label(build("org", graph, "fjordvik", "2022-01-01").boxes["helse"])
    assert re.search(r'<FONT POINT-SIZE="\d+" COLOR="#555555">310,5 årsverk', helse)


def test_member_labels_break_between_words(graph):
    chart = build("org", graph, "sas-fellesnemnd", "2016-06-01")
    labels = [link.label for link in chart.links if link.kind == "member"]
    assert any("kommunestyrerepresentanter" in label for label in labels)
    assert not any(line.startswith(",") for label in labels for line in label.split("\n"))


def test_options_and_errors_read_alike_everywhere(graph):
    with pytest.raises(ChartError, match="'barnevern-avtale' is an Agreement"):
        build("org", graph, "barnevern-avtale", "2016-01-01")
    with pytest.raises(ChartError, match=r"from and to \(--from and --to\)"):
        build("diff", graph, "helse", "2021-08-01")
    for kind, opts in (("forums", {"depth": -3}), ("org", {"max_children": -5}), ("org", {"depth": -1}),
                       ("deps", {"max_group": -1})):
        name, value = next(iter(opts.items()))
        with pytest.raises(ChartError, match=f"{name} must be . or more, got {value}"):
            build(kind, graph, "fjordvik", "2022-01-01", **opts)
