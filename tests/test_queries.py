"""The named queries answer the questions people ask, honouring the as-of date, on both engines."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from orggraph.errors import QueryError
from orggraph.loader.load import load
from orggraph.queries import all_queries

from conftest import DATA, ROOT, make_engine, require_neo4j

VALID = DATA / "valid"
SEEDS = ROOT / "data" / "seeds"


@pytest.fixture
def graph(engine):
    load(engine, [VALID])
    return engine


def ids(rows):
    return [r["id"] for r in rows]


def test_chain_of_command_of_a_unit_names_heads_and_holders(graph):
    rows = graph.query("chain_of_command", id="natt", as_of="2022-01-01")
    assert ids(rows) == ["hjemmetjeneste", "helse", "fjordvik"]
    assert [r["depth"] for r in rows] == [1, 2, 3]
    assert rows[1]["head_post"] == "Kommunalsjef helse og omsorg"
    assert (rows[1]["holder"], rows[1]["capacity"]) == ("Cecilie Lærum", "acting")
    assert rows[2]["holder"] == "Åse Ødegård"
    assert rows[0]["holder"] is None  # a vacant post is vacant, not someone else's


def test_chain_of_command_follows_the_date(graph):
    assert graph.query("chain_of_command", id="natt", as_of="2020-06-01")[1]["holder"] == "Bjørn Æsebø"
    assert graph.query("chain_of_command", id="natt", as_of="2019-06-01") == []  # did not exist yet
    assert ids(graph.query("chain_of_command", id="nord-helse", as_of="2019-06-01")) == ["nord"]


def test_chain_of_command_of_a_post_ignores_dotted_lines(graph):
    rows = graph.query("chain_of_command", id="leder-hjemme", as_of="2022-01-01")
    assert ids(rows) == ["kommunalsjef-helse", "kommunedirektor"]
    assert rows[0]["holder"] == "Cecilie Lærum"
    # stab has a dotted line to helse, but its line goes to the municipality
    assert ids(graph.query("chain_of_command", id="stab", as_of="2022-01-01")) == ["fjordvik"]


def test_subordinates_to_a_depth(graph):
    one = graph.query("subordinates", id="fjordvik", depth=1, as_of="2022-01-01")
    assert sorted(ids(one)) == ["helse", "stab"]
    three = graph.query("subordinates", id="fjordvik", depth=3, as_of="2022-01-01")
    assert sorted(ids(three)) == ["helse", "hjemmetjeneste", "kjokken", "natt", "rehab", "stab", "sykehjem"]
    assert {r["id"]: r["depth"] for r in three}["natt"] == 3
    dotted = graph.query("subordinates", id="helse", depth=1, as_of="2022-01-01", include_dotted=True)
    assert "stab" in ids(dotted) and "stab" not in ids(graph.query("subordinates", id="helse", depth=1,
                                                                    as_of="2022-01-01"))


def test_members_of_a_forum_and_seats_in_a_joint_body(graph):
    seats = {r["name"]: r["seats"] for r in graph.query("members", id="fellesnemnda", as_of="2019-01-01")}
    assert seats == {"Nordøy": 9, "Sørå": 5}
    assert graph.query("members", id="fellesnemnda", as_of="2020-06-01") == []
    forum = graph.query("members", id="ledergruppe", as_of="2022-01-01")
    assert {(r["id"], r["role"], r["holder"]) for r in forum} == {
        ("kommunedirektor", "leder", "Åse Ødegård"), ("kommunalsjef-helse", "medlem", "Cecilie Lærum")}


def test_agreements_of_a_municipality_with_hosts_and_parties(graph):
    rows = {r["id"]: r for r in graph.query("agreements_of", id="sor", as_of="2018-01-01")}
    assert set(rows) == {"barnevern-avtale", "ikt-avtale"}
    assert rows["barnevern-avtale"]["hosts"] == ["Nordøy"]
    assert rows["barnevern-avtale"]["role"] == "participant"
    assert sorted(rows["ikt-avtale"]["parties"]) == ["Nordøy (partial)", "Sørå (host)"]
    assert rows["barnevern-avtale"]["services"] == ["Barnevern"]
    assert graph.query("agreements_of", id="sor", as_of="2020-01-01") == []


# Two municipalities in an agreement, one of which ends (with a service) while the agreement and
# the parties' PARTY_TO go on, as the seeds' municipalities end before their open agreements do.
ONE_PARTY_ENDS = """
source: tests/test_queries.py
organisations:
  - {id: a-kom, kind: municipality, name: A-kommune, kommunenummer: "9901"}
  - {id: b-kom, kind: municipality, name: B-kommune, kommunenummer: "9902", valid_to: 2019-12-31}
services:
  - {id: s-old, name: Gammel tjeneste, valid_to: 2019-12-31}
  - {id: s-new, name: Ny tjeneste}
agreements:
  - id: ab-avtale
    name: A og B
    kind: vertskommune
    status: in_force
    covers: [s-old, s-new]
    parties:
      - {id: b-kom, role: host}
      - {id: a-kom, role: participant}
"""


def test_agreements_of_only_lists_what_exists_on_the_date(engine, tmp_path):
    (tmp_path / "one_party_ends.yaml").write_text(ONE_PARTY_ENDS, encoding="utf-8")
    load(engine, [tmp_path / "one_party_ends.yaml"])
    (before,) = engine.query("agreements_of", id="a-kom", as_of="2019-06-01")
    assert (before["parties"], before["hosts"], before["services"]) == (
        ["A-kommune (participant)", "B-kommune (host)"], ["B-kommune"], ["Gammel tjeneste", "Ny tjeneste"])
    (after,) = engine.query("agreements_of", id="a-kom", as_of="2021-06-01")
    assert (after["parties"], after["hosts"], after["services"]) == (
        ["A-kommune (participant)"], [], ["Ny tjeneste"])
    # an organisation that has ended is party to nothing, as `node` and `Agreement.parties` say
    assert engine.query("agreements_of", id="b-kom", as_of="2021-06-01") == []
    assert ids(engine.query("agreements_of", id="b-kom", as_of="2019-12-31")) == ["ab-avtale"]


def test_agreements_of_merged_municipalities_in_the_seeds(engine):
    load(engine, [SEEDS])
    assert len(engine.query("agreements_of", id="levanger", as_of="2017-12-31")) > 40
    assert engine.query("agreements_of", id="levanger", as_of="2022-01-01") == []  # ended 2017-12-31
    assert ids(engine.query("agreements_of", id="ski", as_of="2019-12-31")) == [
        "nf-omstillingsavtale", "nf-samarbeidsavtale"]
    assert engine.query("agreements_of", id="ski", as_of="2022-01-01") == []  # now Nordre Follo


@pytest.mark.parametrize("index", [False, True], ids=["statements", "line-index"])
def test_traversals_from_a_node_not_yet_there_reach_nothing(engine, index):
    """New Sandefjord begins on 2017-01-01, its service areas' PART_OF is undated (seed 002): in
    2010 nothing lies below it or near it, as its chain of command and span of control say."""
    from orggraph.queries import line_index
    load(engine, [SEEDS])
    if index and engine.dialect == "ladybug":
        assert line_index.current(engine, build_now=True) is not None
    for name, args in (("subordinates", {"depth": 3}), ("within", {"steps": 2}), ("impact", {"steps": 2})):
        assert engine.query(name, id="sandefjord", as_of="2010-01-01", **args) == [], name
        assert engine.query(name, id="sandefjord", as_of="2018-01-01", **args), name
    assert engine.query("span_of_control", id="sandefjord", as_of="2010-01-01") == []
    assert engine.query("connection", from_id="sandefjord", to_id="sandefjord-hso", as_of="2010-01-01") == []
    assert engine.query("connection", from_id="sandefjord", to_id="sandefjord-hso", as_of="2018-01-01")
    # the one-hop steps themselves (statements or index alike) start only from what exists then
    for name, args in (("direct_reports", {"include_dotted": True}), ("neighbours", {}), ("dependents", {})):
        assert engine.query(name, ids=["sandefjord"], as_of="2010-01-01", **args) == [], name
        assert engine.query(name, ids=["sandefjord"], as_of="2018-01-01", **args), name
    # Andebu existed in 2010 and leads to the merger (valid on every date), but not on to its successor
    assert engine.query("connection", from_id="andebu", to_id="sandefjord", as_of="2010-01-01") == []
    assert engine.query("connection", from_id="andebu", to_id="sandefjord", as_of="2016-06-01") == []
    assert engine.query("connection", from_id="andebu-radmann", to_id="andebu", as_of="2010-01-01")


def test_members_with_one_role_and_title_come_in_their_holders_order(engine):
    """ISK's eight enhetsledere share role and title (seed 000): ordered by holder, not by chance."""
    load(engine, [SEEDS])
    rows = engine.query("members", id="isk-administrativ-ledelse", as_of="2010-01-01")
    holders = [r["holder"] for r in rows if r["role"] == "enhetsleder"]
    assert len(holders) == 8 and holders[0] == "Johannes Bremer" and holders[-1] == "Øystein Sende"


def test_impact_reaches_the_agreements_an_organisation_is_party_to(engine):
    """Salangen hosts barnevern and IKT for four municipalities (seed 003): if it changes, those
    agreements are affected, and through them the other parties, which do not end with it."""
    load(engine, [SEEDS])
    rows = engine.query("impact", id="salangen", steps=3, as_of="2007-06-01")
    first = {(r["relationship"], r["id"]) for r in rows if r["depth"] == 1}
    assert {("PARTY_TO", a) for a in ("glsi-barnevern", "glsi-ikt-drift", "glsi-kart-oppmaling",
                                       "glsi-okonomi")} <= first
    assert {("BELONGS_TO", "salangen-radmann"), ("BELONGS_TO", "salangen-kommunestyre")} <= first
    second = {(r["relationship"], r["id"]) for r in rows if r["depth"] == 2}
    assert {("PARTY_TO", "gratangen"), ("PARTY_TO", "lavangen"), ("PARTY_TO", "ibestad")} <= second
    assert not {r["id"] for r in rows} & {"gratangen-radmann", "gratangen-kommunestyre"}  # parties go on
    assert max(r["depth"] for r in engine.query("impact", id="salangen", steps=1, as_of="2007-06-01")) == 1


# A company two municipalities own through one agreement, itself party to another agreement.
COMPANY = """
source: tests/test_queries.py
organisations:
  - {id: a-kom, kind: municipality, name: A-kommune}
  - {id: b-kom, kind: municipality, name: B-kommune}
  - {id: ab-iks, kind: iks, name: AB IKS}
agreements:
  - id: ab-selskapsavtale
    name: Selskapsavtale for AB IKS
    kind: iks
    status: in_force
    establishes: [ab-iks]
    parties: [{id: a-kom, role: participant}, {id: b-kom, role: participant}]
  - id: iks-innkjop
    name: Innkjøpsavtale
    kind: other
    status: in_force
    parties: [{id: ab-iks, role: participant}]
"""


def test_an_agreement_that_ends_reaches_the_agreements_of_what_it_set_up(engine, tmp_path):
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    load(engine, [tmp_path / "company.yaml"])
    rows = {r["id"]: r for r in engine.query("withdrawal", organisation="a-kom", agreement="ab-selskapsavtale",
                                              as_of="2024-01-01")}
    assert rows["ab-selskapsavtale"]["effect"] == "cannot continue as it is: only 1 party is left"
    assert rows["ab-iks"]["effect"] == "set up by the agreement: ends with it"
    assert (rows["iks-innkjop"]["depth"], rows["iks-innkjop"]["via"], rows["iks-innkjop"]["effect"]) == (
        3, "ab-iks", "one of its parties ends")
    assert rows["b-kom"]["effect"] == "party: loses what the agreement gives it"
    # steps bound the answer as in impact: 0 steps, nothing; 2 steps, not the third
    ask = {"organisation": "a-kom", "agreement": "ab-selskapsavtale", "as_of": "2024-01-01"}
    assert engine.query("withdrawal", steps=0, **ask) == []
    assert max(r["depth"] for r in engine.query("withdrawal", steps=2, **ask)) == 2
    assert [r["id"] for r in engine.query("withdrawal", steps=1, **ask)] == ["ab-selskapsavtale"]
    with pytest.raises(QueryError, match="not a party"):  # refused whatever the steps
        engine.query("withdrawal", organisation="b-kom", agreement="iks-innkjop", steps=0, as_of="2024-01-01")


def test_municipalities_before_and_after_a_merger(graph):
    before = graph.query("municipalities", as_of="2019-12-31")
    after = graph.query("municipalities", as_of=dt.date(2020, 1, 1))
    assert [(r["name"], r["kommunenummer"]) for r in before] == [("Nordøy", "1901"), ("Sørå", "1902")]
    assert [(r["name"], r["kommunenummer"]) for r in after] == [("Fjordvik", "5401")]


def test_everything_within_n_steps(graph):
    one = graph.query("within", id="barnevern-avtale", steps=1, as_of="2016-01-01")
    assert sorted(ids(one)) == ["barnevern", "fagsystem", "ikt-avtale", "nord", "sor", "vedtak-nord"]
    two = graph.query("within", id="barnevern-avtale", steps=2, as_of="2016-01-01")
    assert {"ikt-drift", "sammenslaing", "radmann-nord"} <= set(ids(two)) - set(ids(one))
    assert all(r["depth"] == 2 for r in two if r["id"] not in ids(one))
    assert "fellesnemnda" not in ids(two)  # it was set up in 2018
    later = graph.query("within", id="barnevern-avtale", steps=2, as_of="2019-01-01")
    assert "fellesnemnda" in ids(later)


def test_impact_of_a_service_ending(graph):
    rows = graph.query("impact", id="barnevern", steps=3, as_of="2016-01-01")
    first = [(r["depth"], r["relationship"], r["id"]) for r in rows if r["depth"] == 1]
    assert first == [(1, "COVERS", "barnevern-avtale")]
    affected = {r["id"] for r in rows}
    assert {"barnevern-avtale", "nord", "sor", "ikt-avtale"} <= affected
    # parties are affected but do not end: nothing inside the municipalities is listed
    assert "radmann-nord" not in affected and "nord-helse" not in affected
    ending_unit = {r["id"] for r in graph.query("impact", id="helse", steps=5, as_of="2022-01-01")}
    assert {"hjemmetjeneste", "natt", "sykehjem", "kjokken", "rehab", "kommunalsjef-helse"} <= ending_unit


def test_connection_between_two_nodes(graph):
    rows = graph.query("connection", from_id="natt", to_id="radhuset", as_of="2022-01-01")
    assert [r["step"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["via"] == "natt" and rows[-1]["id"] == "radhuset" and rows[-1]["name"] == "Fjordvik rådhus"
    assert len(rows) == 4  # natt → hjemmetjeneste → helse → fjordvik → rådhuset
    for before, after in zip(rows, rows[1:]):
        assert after["via"] == before["id"]
    assert graph.query("connection", from_id="natt", to_id="nord", as_of="2022-01-01") == []  # nord ended


def test_bad_parameters_are_named(graph):
    with pytest.raises(QueryError, match="needs parameter 'id'"):
        graph.query("chain_of_command")
    with pytest.raises(QueryError, match="'as_of' must be a date"):
        graph.query("chain_of_command", id="natt", as_of="last week")
    with pytest.raises(QueryError, match="'as_of' must be a date"):  # ISO's basic form is not YYYY-MM-DD
        graph.query("chain_of_command", id="natt", as_of="20220101")
    with pytest.raises(QueryError, match="no named query"):
        graph.query("everything")


def test_user_text_never_becomes_query_text(graph):
    hostile = "x'}) DETACH DELETE n //"
    assert graph.query("chain_of_command", id=hostile) == []
    assert graph.query("within", id=hostile, steps=2) == []
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 28


# --- differential: the same input gives the same answers from both engines -------------------

CASES = [
    ("impact", {"id": "barnevern", "steps": 3, "as_of": "2016-01-01"}),
    ("impact", {"id": "fjordvik", "steps": 2, "as_of": "2022-01-01"}),
    ("impact", {"id": "nord", "steps": 3, "as_of": "2016-06-01"}),  # through the agreements it is party to
    ("withdrawal", {"organisation": "sor", "agreement": "barnevern-avtale", "as_of": "2016-01-01"}),
    ("agreement_parties", {"id": "ikt-avtale", "as_of": "2017-01-01"}),
    ("connection", {"from_id": "natt", "to_id": "radhuset", "as_of": "2022-01-01"}),
    ("connection", {"from_id": "fagsystem", "to_id": "sor", "as_of": "2016-01-01"}),
    ("chain_of_command", {"id": "natt", "as_of": "2022-01-01"}),
    ("chain_of_command", {"id": "leder-hjemme", "as_of": "2020-06-01"}),
    ("chain_of_command", {"id": "nord-helse", "as_of": "2015-01-01"}),
    ("subordinates", {"id": "fjordvik", "depth": 4, "as_of": "2022-01-01", "include_dotted": True}),
    ("members", {"id": "fellesnemnda", "as_of": "2019-01-01"}),
    ("members", {"id": "ledergruppe", "as_of": "2020-03-01"}),
    ("agreements_of", {"id": "nord", "as_of": "2016-06-01"}),
    ("municipalities", {"as_of": "2019-12-31"}),
    ("municipalities", {"as_of": "2020-01-01"}),
    ("within", {"id": "fjordvik", "steps": 3, "as_of": "2021-01-01"}),
    ("within", {"id": "sammenslaing", "steps": 2, "as_of": "2019-12-31"}),
    ("span_of_control", {"id": "helse", "as_of": "2022-01-01", "include_dotted": True}),
    ("span_of_control", {"id": "fjordvik", "as_of": "2022-01-01"}),
    ("search_by_name", {"text": "HELSE", "as_of": "2022-01-01"}),
    ("node", {"id": "aase"}),
    ("nodes_by_id", {"ids": ["aase", "helse", "nothing"]}),
]


def canonical(rows):
    def value(v):
        if isinstance(v, list):
            return sorted((value(x) for x in v), key=repr)
        if isinstance(v, dict):
            return sorted(((k, value(x)) for k, x in v.items() if x is not None), key=repr)
        return v
    return sorted((value(r) for r in rows), key=repr)


def test_every_named_query_is_exercised_differentially():
    assert {name for name, _ in CASES} | {"direct_reports", "neighbours", "chain_step", "dependents"} == set(all_queries())


def test_both_engines_give_the_same_answers(tmp_path):
    neo4j = None
    embedded = make_engine("embedded", tmp_path)
    try:
        require_neo4j()
        neo4j = make_engine("neo4j", tmp_path)
        for eng in (embedded, neo4j):
            load(eng, [VALID])
        for name, params in CASES:
            a, b = embedded.query(name, **params), neo4j.query(name, **params)
            assert a, f"{name} {params} returned nothing: the case proves little"
            assert canonical(a) == canonical(b), f"{name} {params}"
    finally:
        embedded.close()
        if neo4j:
            neo4j.close()


def test_ladybug_nodes_by_id_looks_in_every_node_table():
    """The LadybugDB override lists the node tables by hand (one primary-key branch each)."""
    from orggraph.schema import NODES
    text = all_queries()["nodes_by_id"].cypher("ladybug")
    assert sorted(n.label for n in NODES) == sorted(re.findall(r"MATCH \(n:(\w+) \{id: wanted\}\)", text))
