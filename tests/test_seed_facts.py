"""Facts from the five seed documents, checked through the named queries on both engines.

Every expected value below is taken from the seed documents in /work/shared/seeds (or, for
kommunenummer, from SSB), not from the YAML: if a test fails, either the data or a query is wrong.
The `graph` fixture loads the seeds once per engine for this module.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from orggraph.errors import QueryError
from orggraph.loader.load import check, load

from conftest import ENGINES, make_engine

SEEDS = Path(__file__).parent.parent / "data" / "seeds"
D = dt.date.fromisoformat


@pytest.fixture(scope="module", params=ENGINES)
def graph(request, tmp_path_factory):
    """The seed dataset, loaded once per engine for the module (the tests only read)."""
    engine = make_engine(request.param, tmp_path_factory.mktemp("seeds"))
    load(engine, [SEEDS])
    yield engine
    engine.close()


def node(engine, node_id: str) -> dict:
    rows = engine.query("node", id=node_id)
    assert len(rows) == 1, f"{node_id!r} not found"
    value = rows[0]["node"]
    return dict(value) if not isinstance(value, dict) else value


def municipalities(engine, day: str) -> dict[str, str]:
    return {r["name"]: r["kommunenummer"] for r in engine.query("municipalities", as_of=D(day))}


def agreements(engine, municipality: str, day: str) -> dict[str, dict]:
    return {r["id"]: r for r in engine.query("agreements_of", id=municipality, as_of=D(day))}


def members(engine, forum: str, day: str) -> list[dict]:
    return engine.query("members", id=forum, as_of=D(day))


def neighbours(engine, node_id: str, day: str, rel: str | None = None) -> list[dict]:
    rows = engine.query("within", id=node_id, steps=1, as_of=D(day))
    return [r for r in rows if rel is None or r["relationship"] == rel]


# --- every file --------------------------------------------------------------------------------

def test_seeds_validate_and_every_fact_has_a_source():
    checked = check([SEEDS])
    assert {Path(d).name for d in checked.datasets} == {
        "000_innherred_samkommune", "001_flv_mulighetsstudie", "002_nye_sandefjord",
        "003_gratangen_lavangen_salangen_ibestad", "004_nordre_follo"}
    for item in [*checked.parsed.nodes, *checked.parsed.rels]:
        source = item.props.get("source") or ""
        assert source.startswith(("00", "kommunenummer")), (item, source)


# --- 003 Gratangen, Lavangen, Salangen, Ibestad -----------------------------------------------

AFTER_003 = "2007-06-01"


def test_003_hosts_of_the_shared_services(graph):
    found = agreements(graph, "gratangen", AFTER_003)
    hosts = {found[a]["name"]: sorted(found[a]["hosts"]) for a in found}
    assert hosts == {
        "Felles barneverntjeneste": ["Salangen kommune"],
        "Felles IKT drift": ["Salangen kommune"],
        "Felles økonomitjeneste (todelt løsning)": ["Gratangen kommune", "Lavangen kommune"],
        "Felles kart og oppmåling": ["Gratangen kommune"],
    }
    services = {found[a]["name"]: sorted(found[a]["services"]) for a in found}
    assert services["Felles økonomitjeneste (todelt løsning)"] == ["Regnskap/lønn", "Skatt/innfordring"]
    assert all(found[a]["kind"] == "vertskommune" for a in found)


def test_003_fte_and_funding(graph):
    found = agreements(graph, "salangen", AFTER_003)
    assert found["glsi-barnevern"]["fte"] == 4.5
    assert found["glsi-okonomi"]["fte"] == 9.7
    assert found["glsi-kart-oppmaling"]["fte"] == 3.0
    assert found["glsi-ikt-drift"]["fte"] is None  # "2-3 årsverk avhengig av løsning": a range
    assert node(graph, "glsi-kart-oppmaling")["funding_tkr"] == 300
    funded = {r["id"] for r in neighbours(graph, "fylkesmannen-troms", AFTER_003, "FUNDS")}
    assert funded == {"glsi-prosjekt", "glsi-kart-oppmaling"}


def test_003_ibestad_takes_part_only_partly(graph):
    found = agreements(graph, "ibestad", AFTER_003)
    assert len(found) == 4
    assert {r["role"] for r in found.values()} == {"partial"}
    assert all(r["status"] == "proposed" for r in found.values())
    for r in found.values():
        assert "Ibestad kommune (partial)" in r["parties"]


def test_003_decision_chain_with_salangens_condition(graph):
    decisions = {r["id"] for r in neighbours(graph, "glsi-barnevern", AFTER_003, "CONCERNS")}
    political = sorted((node(graph, d) for d in decisions if node(graph, d).get("date")),
                       key=lambda n: n["date"])
    political = [n for n in political if n["date"] >= D("2007-01-01")]
    assert [n["date"] for n in political] == [D(x) for x in (
        "2007-04-23", "2007-04-24", "2007-05-03", "2007-05-04", "2007-05-14", "2007-05-24")]
    bodies = [neighbours(graph, n["id"], AFTER_003, "MADE_BY")[0]["name"] for n in political]
    assert bodies == ["Salangen formannskap", "Gratangen formannskap", "Gratangen kommunestyre",
                      "Salangen kommunestyre", "Lavangen formannskap", "Lavangen kommunestyre"]
    first = political[0]
    assert first["vote"] == "Enstemmig"
    assert "samtlige kommuner fatter likelydende vedtak i alle fire saker" in first["conditions"]
    assert all(n["outcome"] == "adopted" for n in political[:-1])
    assert political[-1].get("outcome") is None  # Lavangen kommunestyre: the outcome is not in the document
    # each political decision concerns all four cases
    concerned = {r["id"] for r in neighbours(graph, first["id"], AFTER_003, "CONCERNS")}
    assert concerned == {"glsi-barnevern", "glsi-ikt-drift", "glsi-okonomi", "glsi-kart-oppmaling"}


def withdrawal(engine, organisation: str, agreement: str, day: str, steps: int = 3) -> list[dict]:
    return engine.query("withdrawal", organisation=organisation, agreement=agreement, as_of=D(day),
                        steps=steps)


def test_003_a_participant_leaving_barnevern(graph):
    """Lysark 7/15: Salangen hosts barnevern for Gratangen, Lavangen and (partly) Ibestad."""
    rows = withdrawal(graph, "gratangen", "glsi-barnevern", "2007-06-01")
    effects = {r["id"]: r["effect"] for r in rows}
    assert effects["glsi-barnevern"] == "loses Gratangen kommune, participant"
    assert effects["glsi-svc-barnevern"] == "Gratangen kommune must provide it in another way"
    assert effects["salangen"].startswith("hosts for one party fewer")
    assert {r["id"] for r in rows if r["relationship"] == "PARTY_TO" and r["id"] != "glsi-barnevern"} \
        == {"salangen", "lavangen", "ibestad"}  # the leaver is not among those that remain


def test_003_the_host_leaving_ends_barnevern_but_not_okonomi(graph):
    ends = withdrawal(graph, "salangen", "glsi-barnevern", "2007-06-01")
    assert ends[0]["id"] == "glsi-barnevern" and ends[0]["effect"].endswith("no host is left")
    # Økonomi has two hosts (lysark 15: Regnskap/lønn i Lavangen, Skatt/innfordring i Gratangen)
    okonomi = {r["id"]: r["effect"] for r in withdrawal(graph, "lavangen", "glsi-okonomi", "2007-06-01")}
    assert "host (Regnskap/lønn i Lavangen)" in okonomi["glsi-okonomi"]
    assert okonomi["gratangen"].startswith("hosts for one party fewer")
    assert {"glsi-svc-regnskap-lonn", "glsi-svc-skatt-innfordring"} <= set(okonomi)


def test_000_verdal_leaving_ends_the_samkommune(graph):
    rows = withdrawal(graph, "verdal", "isk-samarbeid", "2010-06-01")
    assert rows[0]["effect"] == "cannot continue as it is: only 1 party is left"
    isk = next(r for r in rows if r["id"] == "isk")
    assert (isk["depth"], isk["relationship"]) == (2, "ESTABLISHES")
    # ISK's own units end with it, a step further down
    assert any(r["depth"] == 3 and r["relationship"] == "PART_OF" and r["via"] == "isk" for r in rows)
    with pytest.raises(QueryError, match="'verdal' is not a party to agreement 'isk-samarbeid' on 2018-06-01"):
        withdrawal(graph, "verdal", "isk-samarbeid", "2018-06-01")  # ISK ended 31.12.2017


def test_003_steering_group_is_the_radmenn(graph):
    rows = members(graph, "glsi-styringsgruppa", AFTER_003)
    assert {r["id"] for r in rows} == {"gratangen-radmann", "lavangen-radmann", "salangen-radmann",
                                       "ibestad-radmann"}
    holders = {r["name"] for r in neighbours(graph, "glsi-prosjektleder", AFTER_003, "HOLDS")}
    assert holders == {"Ole Kristian Severinsen"}


# --- 000 Innherred samkommune --------------------------------------------------------------------

IN_2004 = "2004-03-01"


def test_000_radmannsgruppen(graph):
    rows = members(graph, "isk-radmannsgruppen", IN_2004)
    assert {r["name"] for r in rows} == {"Levanger kommune", "Verdal kommune"}
    assert node(graph, "isk-radmannsgruppen")["seats"] == 6  # "dette er 6 personer"
    belongs = {r["id"] for r in neighbours(graph, "isk-radmannsgruppen", IN_2004, "BELONGS_TO")}
    assert belongs == {"isk"}


def test_000_eight_enhetsledere_without_units(graph):
    rows = members(graph, "isk-administrativ-ledelse", IN_2004)
    leaders = {r["holder"] for r in rows if r["role"] == "enhetsleder"}
    assert leaders == {"Johannes Bremer", "Marit Aksnes", "Meier Hallan", "Petter Bjartnes",
                       "Rolf Baglo", "Torbjørn Olsen", "Turid Krizak", "Øystein Sende"}
    for row in rows:
        if row["role"] == "enhetsleder":
            assert row["name"] == "Enhetsleder (ISK)"
            assert not neighbours(graph, row["id"], IN_2004, "HEADS")  # which unit is unknown


def test_000_units_their_bases_and_chain_of_command(graph):
    bases = {}
    for unit in ("isk-skatt", "isk-okonomi", "isk-ikt", "isk-lonn-personal", "isk-landbruk",
                 "isk-plan", "isk-hsr", "isk-barn-familie"):
        bases[node(graph, unit)["name"]] = [r["name"] for r in neighbours(graph, unit, IN_2004, "BASED_AT")]
    assert bases == {"Skatt": ["Levanger kommune"], "Økonomi": ["Verdal kommune"],
                     "IKT": ["Levanger kommune"], "Lønn-personal": ["Levanger kommune"],
                     "Landbruk": ["Verdal kommune"], "Plan osv.": ["Verdal kommune"],
                     "HSR": ["Levanger kommune"], "Barn og familie": ["Verdal kommune"]}
    chain = graph.query("chain_of_command", id="isk-ikt", as_of=D(IN_2004))
    assert [(r["depth"], r["id"]) for r in chain] == [(1, "isk")]
    subs = graph.query("subordinates", id="isk", depth=1, as_of=D(IN_2004))
    assert {r["id"] for r in subs} == {"isk-skatt", "isk-okonomi", "isk-ikt", "isk-lonn-personal",
                                       "isk-landbruk", "isk-plan", "isk-hsr", "isk-barn-familie"}


def test_000_levanger_and_verdal_are_the_morkommuner(graph):
    found = agreements(graph, "verdal", IN_2004)
    assert [a for a in found if found[a]["kind"] == "samkommune"] == ["isk-samarbeid"]
    assert sorted(found["isk-samarbeid"]["parties"]) == ["Levanger kommune (participant)",
                                                         "Verdal kommune (participant)"]
    assert {r["id"] for r in members(graph, "isk", IN_2004)} == {"levanger", "verdal"}


def test_000_001_kommunenummer_change_in_2018(graph):
    before, after = municipalities(graph, "2017-12-31"), municipalities(graph, "2018-01-01")
    assert (before["Levanger kommune"], before["Verdal kommune"], before["Frosta kommune"]) == \
        ("1719", "1721", "1717")
    assert (after["Levanger kommune"], after["Verdal kommune"], after["Frosta kommune"]) == \
        ("5037", "5038", "5036")


# --- 002 nye Sandefjord --------------------------------------------------------------------------

def test_002_fellesnemnd_seats(graph):
    rows = members(graph, "sas-fellesnemnd", "2016-06-01")
    assert {r["name"]: r["seats"] for r in rows} == {
        "Andebu kommune": 3, "Stokke kommune": 5, "Sandefjord kommune": 9}
    committees = {r["name"] for r in neighbours(graph, "sas-fellesnemnd", "2016-06-01", "BELONGS_TO")}
    assert committees == {"Arbeidsutvalg", "Ansettelsesutvalg", "Partssammensatt utvalg",
                          "Temakomité reglement", "Temakomité kommunevåpen", "Temakomité bli kjent",
                          "Temakomité nærdemokrati"}
    # "Fellesnemnd frem til konst. kommunestyre 19.10.16"
    assert node(graph, "sas-fellesnemnd")["valid_to"] == D("2016-10-18")
    assert node(graph, "sandefjord-kommunestyre")["valid_from"] == D("2016-10-19")


def test_002_new_council(graph):
    assert node(graph, "sandefjord-kommunestyre")["seats"] == 57
    rows = members(graph, "sandefjord-kommunestyre", "2016-11-01")
    assert {r["name"]: r["seats"] for r in rows} == {
        "Andebu kommune": 7, "Stokke kommune": 11, "Sandefjord kommune": 39}


def test_002_merger_1_january_2017(graph):
    before, after = municipalities(graph, "2016-12-31"), municipalities(graph, "2017-01-01")
    assert before["Sandefjord kommune"] == "0706"
    assert before["Andebu kommune"] == "0719" and before["Stokke kommune"] == "0720"
    assert after["Sandefjord kommune"] == "0710"
    assert "Andebu kommune" not in after and "Stokke kommune" not in after


def test_002_everything_is_connected(graph):
    needs = {r["name"] for r in neighbours(graph, "sandefjord", "2017-06-01", "DEPENDS_ON")}
    assert {"NAV", "IKT-løsninger", "Beredskap", "Prostier", "Seilingstider", "Fjernarkiv",
            "Matrikkel", "157 avtaler unntatt IKT"} <= needs
    assert "157 avtaler" in node(graph, "sandefjord-dep-157-avtaler")["description"]


def test_002_project_leader_is_new_radmann(graph):
    rows = members(graph, "sas-mote-prosjektleder-radmenn", "2016-04-08")
    assert {r["role"] for r in rows} == {"prosjektleder", "rådmann"}
    leader = [r for r in rows if r["role"] == "prosjektleder"][0]
    assert leader["holder"] == "Gudrun Haabeth Grindaker"
    posts = {r["id"] for r in neighbours(graph, "person-gudrun-haabeth-grindaker", "2017-06-01", "HOLDS")}
    assert posts == {"sas-prosjektleder", "sandefjord-radmann"}


# --- 001 Frosta, Levanger, Verdal ------------------------------------------------------------------

IN_2001 = "2001-10-01"


def test_001_oppdragsgiver_are_the_three_radmenn(graph):
    rows = members(graph, "flv-oppdragsgiver", IN_2001)
    assert {r["holder"] for r in rows} == {"Ola Stene", "Ole J. Rødøy", "Arnt-Ivar Kverndal"}
    consultants = {r["name"] for r in neighbours(graph, "kpmg", IN_2001, "MEMBER_OF")}
    assert {"Oddbjørn Vassli", "Jahn Tharaldsen"} <= consultants


def test_001_candidate_services_are_proposed_not_decided(graph):
    found = agreements(graph, "frosta", IN_2001)
    names = {r["name"] for r in found.values()}
    assert {"Felles barneverntjeneste", "Felles legevakt", "Felles bibliotek", "Felles lønnsfunksjon",
            "Felles HMS-stilling"} <= names
    assert {r["status"] for r in found.values()} == {"proposed"}
    assert all(r["hosts"] == [] for r in found.values())  # nobody was chosen as host
    assert set(agreements(graph, "levanger", IN_2001)) >= set(found)


def test_001_recurring_forums(graph):
    fsk = node(graph, "flv-felles-formannskapsmote")
    assert (fsk["frequency"], fsk["meetings_per_year"]) == ("halvårlig", 2)
    leaders = node(graph, "flv-felles-ledergruppemote")
    assert (leaders["frequency"], leaders["meetings_per_year"]) == ("3 ganger i året (tertialvis)", 3)
    assert {r["id"] for r in members(graph, "flv-felles-formannskapsmote", IN_2001)} == \
        {"frosta", "levanger", "verdal"}


# --- 004 Nordre Follo ------------------------------------------------------------------------------

IN_2018 = "2018-09-06"


def test_004_merger_1_january_2020(graph):
    before, after = municipalities(graph, "2019-12-31"), municipalities(graph, "2020-01-01")
    assert (before["Ski kommune"], before["Oppegård kommune"]) == ("0213", "0217")
    assert "Nordre Follo kommune" not in before
    assert after["Nordre Follo kommune"] == "3020"
    assert "Ski kommune" not in after and "Oppegård kommune" not in after


def test_004_roles_in_the_process(graph):
    team = {r["role"] for r in members(graph, "nf-utviklingsteam", IN_2018)}
    assert team == {"HR (50 prosent til OU-prosessen)", "Økonomi (20 prosent til OU-prosessen)",
                    "Fag", "HTV", "Konsulent"}
    heads = {r["id"] for r in neighbours(graph, "nf-utviklingsteam", IN_2018, "HEADS")}
    assert heads == {"nf-kommunalsjef", "nf-stabsleder"}
    chain = graph.query("chain_of_command", id="nf-prosjektleder", as_of=D(IN_2018))
    assert [r["id"] for r in chain] == ["nf-prosjekteier"]
    holds = {r["id"] for r in neighbours(graph, "person-gro-herheim", IN_2018, "HOLDS")}
    assert holds == {"nf-prosjekteier", "nf-administrasjonssjef"}  # two posts at once
    assert {r["holder"] for r in members(graph, "nf-arbeidsgruppe", IN_2018)} == {None}  # [NAVN]


def test_004_hearing_template(graph):
    template = node(graph, "nf-horingsmal")
    assert "maks 2 sider + organisasjonskart" in template["description"]
    for section in ("ORGANISERING OG LEDERNIVÅ", "ANSVAR", "MØTEPLASSER", "ANNET"):
        assert section in template["description"]
    ledergruppe = node(graph, "nf-ledergruppe")
    assert "organisering og innplassering i desember" in ledergruppe["authority"]
