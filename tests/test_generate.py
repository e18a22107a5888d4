"""The synthetic Norway is deterministic, valid input, and as deep as asked."""
from __future__ import annotations

import csv
import datetime as dt
import filecmp
import os
from collections import Counter
from functools import partial

import pytest

from orggraph.generate import MAX_DEPTH, MUNICIPALITIES, SPLIT_DAY, generate
from orggraph.loader.load import check, load

from conftest import ENGINES, ROOT, make_engine

SEEDS = ROOT / "data" / "seeds"

DAY = dt.timedelta(days=1)


def rows(folder, section):
    with (folder / f"{section}.synthetic.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def answer_ids(engine, name, day, **params):
    return {row["id"] for row in engine.query(name, as_of=day, **params)}


@pytest.fixture(scope="module")
def norway(tmp_path_factory):
    """The synthetic Norway the tests below ask about: scale 0.02, seed 3 (their files)."""
    folder = tmp_path_factory.mktemp("norway")
    generate(folder, scale=0.02, seed=3)
    return folder


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, norway, tmp_path_factory):
    """In this module, an engine holding `norway`, loaded once per engine (the tests only read)."""
    eng = make_engine(request.param, tmp_path_factory.mktemp("db"))
    load(eng, [norway])
    yield eng
    eng.close()


def test_same_seed_same_files_and_valid(tmp_path):
    counts = generate(tmp_path / "a", scale=0.005, seed=7)
    generate(tmp_path / "b", scale=0.005, seed=7)
    generate(tmp_path / "c", scale=0.005, seed=8)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)[0] == names
    assert filecmp.cmpfiles(tmp_path / "a", tmp_path / "c", names, shallow=False)[1]  # seed matters
    municipalities = [o for o in rows(tmp_path / "a", "organisations") if o["kind"] == "municipality"]
    assert sum(not o["valid_to"] for o in municipalities) == MUNICIPALITIES  # the ones that exist today
    assert 900 <= counts["units"] <= 1100  # ~200 000 × 0.005
    checked = check([tmp_path / "a"])
    assert len(checked.parsed.nodes) == sum(v for k, v in counts.items() if k != "relationships")
    # synthetic kommunenummer (9001 on) never clash with real ones: it loads beside the seeds
    assert all("9001" <= o["kommunenummer"] <= "9999" for o in municipalities)
    assert check([tmp_path / "a", SEEDS]).datasets


def test_trees_reach_the_maximum_depth(tmp_path):
    generate(tmp_path, scale=0.2, seed=1)
    parents = {row["id"]: row["part_of"] for row in rows(tmp_path, "units") if row["part_of"]}
    # a moved unit's parents are dated relationships; either one gives its depth
    parents.update({row["from"]: row["to"] for row in rows(tmp_path, "relationships")
                    if row["type"] == "PART_OF"})
    assert len(parents) == len(rows(tmp_path, "units"))

    def depth(unit_id):
        return 1 + depth(parents[unit_id]) if unit_id in parents else 0
    assert max(depth(u) for u in parents) == MAX_DEPTH


def test_the_history_answers_as_of_its_days(engine, norway):
    """Moves, closures and new holders are there, load, and change the answers on their days."""
    rels = rows(norway, "relationships")
    part_of = [r for r in rels if r["type"] == "PART_OF"]
    moves = {r["from"]: r for r in part_of if r["valid_from"]}
    closed = [u for u in rows(norway, "units") if u["valid_to"]]
    holds = [r for r in rels if r["type"] == "HOLDS" and r["valid_from"]]
    assert len(moves) > 20 and len(closed) > 20 and len(holds) > 50

    def chain(node_id, day):
        return {row["id"]: row for row in engine.query("chain_of_command", id=node_id, as_of=day)}

    unit, move = next(iter(moves.items()))
    day = dt.date.fromisoformat(move["valid_from"])
    (before,) = [r for r in part_of if r["from"] == unit and r["valid_to"]]
    assert dt.date.fromisoformat(before["valid_to"]) == day - DAY
    assert before["to"] in chain(unit, day - DAY) and move["to"] not in chain(unit, day - DAY)
    assert move["to"] in chain(unit, day) and before["to"] not in chain(unit, day)
    # the leader's line moves with the unit
    assert move["to"] + "-leder" in chain(unit + "-leder", day)
    assert before["to"] + "-leder" in chain(unit + "-leder", day - DAY)

    gone = closed[0]
    end = dt.date.fromisoformat(gone["valid_to"])
    assert chain(gone["id"], end) and not chain(gone["id"], end + DAY)

    # a new holder: the unit's leader post is held by the former leader, then by the new one
    parent_of = {u["id"]: u["part_of"] for u in rows(norway, "units") if u["part_of"]}
    child, hold = next((c, h) for h in holds for c, parent in parent_of.items()
                       if parent + "-leder" == h["to"])
    day, parent = dt.date.fromisoformat(hold["valid_from"]), parent_of[child]
    holders = {d: chain(child, d)[parent]["holder"] for d in (day - DAY, day)}
    assert holders[day - DAY].startswith("Tidligere leder av ") and holders[day].startswith("Person ")

    # agreements have periods: a party has an agreement from its first day to its last, not outside
    agreements = rows(norway, "agreements")
    share_ended = sum(bool(a["valid_to"]) for a in agreements) / len(agreements)
    assert len({a["valid_from"] for a in agreements}) > 100 and 0.05 < share_ended < 0.3
    assert all((a["status"] == "ended") == bool(a["valid_to"]) for a in agreements)
    assert {a["legal_basis"] for a in agreements if a["valid_from"] >= "2020" and a["kind"] == "vertskommune"} \
        == {"kommuneloven § 20-2"}
    ended = next(a for a in agreements if a["valid_to"])
    party = next(r["from"] for r in rels if r["type"] == "PARTY_TO" and r["to"] == ended["id"]
                 and not r["valid_from"] and not r["valid_to"])
    begins, ends = (dt.date.fromisoformat(ended[k]) for k in ("valid_from", "valid_to"))
    has = {d: ended["id"] in {a["id"] for a in engine.query("agreements_of", id=party, as_of=d)}
           for d in (begins - DAY, begins, ends, ends + DAY)}
    assert has == {begins - DAY: False, begins: True, ends: True, ends + DAY: False}


def test_mergers_rewire_municipalities_on_their_day(engine, norway):
    """A merged municipality's earlier ones, their rådmenn, the fellesnemnd and the agreements'
    parties answer until the day before the merger; the new one and its lines from the day on."""
    changes = [c for c in rows(norway, "changes") if c["kind"] == "merger"]
    rels = rows(norway, "relationships")
    assert 25 <= len(changes) <= 65  # about one in eight of 357
    assert {c["date"] for c in changes} <= {"2017-01-01", "2018-01-01", "2020-01-01"}
    decided: dict[str, set] = {}
    for decision in rows(norway, "decisions"):
        decided.setdefault(decision["concerns"], set()).add(decision["made_by"])
    ids = partial(answer_ids, engine)

    today = ids("municipalities", dt.date(2026, 1, 1))
    assert len(today) == MUNICIPALITIES
    every = set().union(*(c["predecessors"].split(";") for c in changes))
    assert not every & today and len(every) >= 2 * len(changes)
    for change in changes:
        day, new = dt.date.fromisoformat(change["date"]), change["successors"]
        earlier = set(change["predecessors"].split(";"))
        assert new not in ids("municipalities", day - DAY) and earlier <= ids("municipalities", day - DAY)
        assert new in ids("municipalities", day) and not earlier & ids("municipalities", day)
        assert ids("members", day - DAY, id=f"{new}-fellesnemnd") == earlier
        assert not ids("members", day, id=f"{new}-fellesnemnd")
        # each earlier municipality's council decided it, before the fellesnemnd began
        assert decided[change["id"]] == {f"{old}-kommunestyre" for old in earlier}

    # a service area: part of an earlier municipality, its leader under that one's rådmann, then the new one
    change = max(changes, key=lambda c: (c["date"], c["id"]))
    day, new = dt.date.fromisoformat(change["date"]), change["successors"]
    areas = [r for r in rels if r["type"] == "PART_OF" and r["to"] == new]
    assert areas and all(r["valid_from"] == change["date"] for r in areas)
    area = areas[0]["from"]
    (old,) = ids("chain_of_command", day - DAY, id=area) & set(change["predecessors"].split(";"))
    assert new not in ids("chain_of_command", day - DAY, id=area)
    assert ids("chain_of_command", day, id=area) == {new}
    assert ids("chain_of_command", day - DAY, id=area + "-leder") == {old + "-direktor"}
    assert ids("chain_of_command", day, id=area + "-leder") == {new + "-direktor"}

    # an agreement a new municipality is party to had its earlier ones as parties until the day before
    by_new = {c["successors"]: c for c in changes}
    party = next(r for r in rels
                 if r["type"] == "PARTY_TO" and r["valid_from"] and not r["valid_to"] and r["from"] in by_new)
    new, change = party["from"], by_new[party["from"]]
    day, earlier = dt.date.fromisoformat(change["date"]), set(change["predecessors"].split(";"))
    assert party["valid_from"] == change["date"]
    before, after = (ids("agreement_parties", d, id=party["to"]) for d in (day - DAY, day))
    assert new in after and not after & earlier
    assert new not in before and earlier <= before


def test_the_split_of_2024_undoes_part_of_a_merger(engine, norway):
    """One municipality merged into another in 2020 leaves it again in 2024 (as Haram left
    Ålesund): 357 municipalities today, 356 the day before; its service areas were part of its
    earlier self, then of the merged one, then of it; a diff of the merged one draws the split once."""
    from orggraph.viz.diff import fetch_diff
    (split,) = [c for c in rows(norway, "changes") if c["kind"] == "split"]
    merged, again = split["predecessors"], split["successors"].split(";")[1]
    assert split["successors"].split(";")[0] == merged and split["date"] == SPLIT_DAY.isoformat()
    (merger,) = [c for c in rows(norway, "changes") if c["successors"] == merged]
    reform = dt.date.fromisoformat(merger["date"])
    ids = partial(answer_ids, engine)

    assert len(ids("municipalities", SPLIT_DAY)) == MUNICIPALITIES
    assert len(ids("municipalities", SPLIT_DAY - DAY)) == MUNICIPALITIES - 1
    assert again not in ids("municipalities", SPLIT_DAY - DAY) and again in ids("municipalities", SPLIT_DAY)
    area = next(r["from"] for r in rows(norway, "relationships")
                if r["type"] == "PART_OF" and r["to"] == again and r["valid_from"])
    (earlier,) = ids("chain_of_command", reform - DAY, id=area)
    assert earlier in merger["predecessors"].split(";")
    assert ids("chain_of_command", reform, id=area) == {merged}
    assert ids("chain_of_command", SPLIT_DAY - DAY, id=area) == {merged}
    assert ids("chain_of_command", SPLIT_DAY, id=area) == {again}
    assert ids("chain_of_command", SPLIT_DAY, id=area + "-leder") == {again + "-direktor"}
    assert ids("chain_of_command", reform - DAY, id=area + "-leder") == {earlier + "-direktor"}

    diff = fetch_diff(engine, merged, SPLIT_DAY - DAY, SPLIT_DAY)
    links = [(e["event"], e["rel"], e["id"]) for e in diff.events]
    assert sorted(links) == sorted({(split["id"], "HAS_PREDECESSOR", merged),
                                    (split["id"], "HAS_SUCCESSOR", merged), (split["id"], "HAS_SUCCESSOR", again)})
    assert again in diff.after and area in diff.after and area in diff.before


def test_agreements_are_wired_as_their_kind(engine, norway):
    """Companies and task communities are bodies of their own with an owners' council; under a host
    municipality the host's service area delivers; whoever buys depends on the agreement, so a
    change at the host reaches them; every party from the first day decided to join in its council."""
    from orggraph.viz import build
    from orggraph.viz.deps import fetch_deps
    agreements = {a["id"]: a for a in rows(norway, "agreements")}
    rels = rows(norway, "relationships")
    kinds = Counter(a["kind"] for a in agreements.values())
    assert set(kinds) == {"vertskommune", "iks", "ko", "other"} and kinds["vertskommune"] > len(agreements) / 2
    # a task community is the act of 2018's; under the act of 1992 it was a § 27 board
    assert {a["valid_from"] >= "2020" for a in agreements.values() if a["kind"] == "ko"} == {True}
    assert {a["legal_basis"] for a in agreements.values() if a["kind"] == "other"} == {"kommuneloven 1992 § 27"}
    parties, needs = {}, {}
    for r in rels:
        if r["type"] == "PARTY_TO":
            parties.setdefault(r["to"], []).append(r)
        elif r["type"] == "DEPENDS_ON":
            needs.setdefault(r["to"], set()).add(r["from"])
    joined = {a: set() for a in agreements}
    ended = {a: set() for a, row in agreements.items() if row["valid_to"]}
    for decision in rows(norway, "decisions"):
        agreement = agreements.get(decision["concerns"])
        if agreement is None:
            continue  # a merger's
        if "-avvikling-" in decision["id"]:
            ended[agreement["id"]].add(decision["made_by"])
            assert decision["date"] <= agreement["valid_to"]
        else:
            joined[agreement["id"]].add(decision["made_by"])
            assert decision["date"] <= agreement["valid_from"]
    # the parties that stood in an agreement from its first day are the councils that decided to
    # join, and those that stood in an ended one to its last day the councils that decided to end it
    assert all(joined[a] == {f"{r['from']}-kommunestyre" for r in rows if not r["valid_from"]}
               for a, rows in parties.items())
    assert len(ended) > 20 and all(ended[a] == {f"{r['from']}-kommunestyre" for r in parties[a] if not r["valid_to"]}
                                   for a in ended)
    ids = partial(answer_ids, engine)

    counties = {m["county"] for m in engine.query("municipalities")}
    assert len(counties) == 15 and None not in counties

    # a company: its agreement establishes it, it delivers the service, its owners sit on its council
    company = next(a for a in agreements.values() if a["kind"] == "iks" and len(parties[a["id"]]) > 2)
    day, body = dt.date.fromisoformat(company["valid_from"]), company["establishes"]
    assert ids("members", day, id=f"{body}-representantskap") == ids("agreement_parties", day, id=company["id"])
    step = {(r["relationship"], r["id"]) for r in engine.query("within", id=body, steps=1, as_of=day)}
    assert {("ESTABLISHES", company["id"]), ("DELIVERS", company["covers"])} <= step
    # an owner's meeting places: its own council and the company's, where each owner has one seat
    owner, *others = sorted(ids("agreement_parties", day, id=company["id"]))
    chart = build("forums", engine, owner, day)
    assert f"{owner}-kommunestyre" in chart.boxes
    labels = {link.label.replace("\n", " ") for other in others
              for link in chart.links_between(f"{body}-representantskap", other)}
    assert labels == {"eier, 1 plass"}

    # a host's service area changes: the agreement and every buyer's service area are affected
    hosted = next(a for a in agreements.values() if a["kind"] == "vertskommune" and len(needs[a["id"]]) > 1
                  and not a["valid_to"])
    day = dt.date.fromisoformat(hosted["valid_from"])
    (area,) = [r["to"] for r in rels if r["type"] == "DEPENDS_ON" and r["from"] == hosted["id"]
               and not r["to"].startswith("system-")]
    host = next(r["from"] for r in parties[hosted["id"]] if r["role"] == "host")
    assert area.startswith(host + "-") and area not in needs[hosted["id"]]
    impact = {(row["id"], row["depth"]) for row in engine.query("impact", id=area, steps=2, as_of=day)}
    assert (hosted["id"], 1) in impact and {(n, 2) for n in needs[hosted["id"]]} <= impact
    assert hosted["id"] not in ids("impact", day - DAY, id=area, steps=2)  # before it began
    # its shared system: replacing it affects every agreement on it, then their buyers
    (system,) = [r["to"] for r in rels if r["type"] == "DEPENDS_ON" and r["from"] == hosted["id"]
                 and r["to"].startswith("system-")]
    on_system = {(row["id"], row["depth"]) for row in engine.query("impact", id=system, steps=2, as_of=day)}
    assert (hosted["id"], 1) in on_system and {(n, 2) for n in needs[hosted["id"]]} <= on_system
    # the dependency map from the host names the municipality of each buyer's service area, not its own
    names = {o["id"]: o["name"] for o in rows(norway, "organisations")}
    drawn = fetch_deps(engine, host, day, steps=2).nodes
    assert "home" not in drawn[area] and drawn[hosted["id"]]
    assert {drawn[n].get("home") for n in needs[hosted["id"]]} == \
        {names[n.split("-")[0]] for n in needs[hosted["id"]]}
    # and the councils' decisions are one step from the agreement
    decisions = {r["id"] for r in engine.query("within", id=hosted["id"], steps=1, as_of=day)
                 if r["relationship"] == "CONCERNS"}
    assert decisions == {f"{hosted['id']}-vedtak-{r['from']}" for r in parties[hosted["id"]] if not r["valid_from"]}


def test_generate_refuses_a_folder_holding_other_loader_files(tmp_path):
    """`orggraph load <folder>` would load the other files too; running again overwrites its own."""
    import subprocess
    import sys

    def run(folder):
        return subprocess.run([sys.executable, "-m", "orggraph", "generate", "--scale", "0.002", str(folder)],
                              capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert run(tmp_path / "g").returncode == 0
    assert run(tmp_path / "g").returncode == 0
    (tmp_path / "g" / "mine.yaml").write_text("dataset: mine\n", encoding="utf-8")
    refused = run(tmp_path / "g")
    assert refused.returncode == 2 and "already holds other loader files (mine.yaml)" in refused.stderr
    assert "Traceback" not in refused.stderr
    (tmp_path / "f").write_text("", encoding="utf-8")
    refused = run(tmp_path / "f")
    assert refused.returncode == 2 and "is a file" in refused.stderr
