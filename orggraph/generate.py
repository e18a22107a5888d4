"""A deterministic synthetic Norway: 357 municipalities with unit trees, posts, people,
forums and agreements, and the municipalities merged into them, written as the loader's CSV files.

At scale 1.0 it has about 200 000 units and a million relationships; the same
scale and seed always give the same files.

It has a history, as real ones do, so that questions "as of" a day and the checks of periods
meet dated facts at scale: units moved to another parent on a day (their PART_OF and their
leader's REPORTS_TO end the day before and start again under the new parent), units closed
(with their post, its holder's HOLDS and its lines; never a service area), and posts whose holder
changed. The changes fall on the first of a month from 2016 to 2025, so there are about 120
distinct days. The history is drawn from a random stream of its own: the trees are the same as
without it.

Some municipalities are the result of a merger, as about one in eight of Norway's are since the
reform of 2017–2020: on the merger's day (1 January 2017, 2018 or, mostly, 2020) two to four
earlier municipalities end and the new one begins. Each earlier one has its rådmann and leader
group until the day before; a fellesnemnd, where each has seats, prepares the merger; the new
one's service areas were part of the earlier ones, and their leaders reported to the rådmenn, up
to that day; agreements the new one is party to had the earlier ones as parties. One
municipality merged in 2020 leaves the merged one again on 1 January 2024, as Haram left
Ålesund, which makes 357 today and 356 the year before. The mergers are drawn from a third random
stream, so the trees are as without them.

Municipalities belong to the fifteen counties of 2024 and each has a council (kommunestyre), which
decided its merger. Their agreements, the bodies those set up, the decisions behind them and what
depends on them are made by `cooperation` (from streams of their own).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .cooperation import Municipalities, Places, agreements, decide
from .synthetic import DAY, SOURCE, Tables, months_after

MUNICIPALITIES = 357
UNITS_AT_FULL_SCALE = 200_000
MAX_DEPTH = 8
AREAS = ["Oppvekst", "Helse og omsorg", "Teknisk", "Kultur", "Økonomi", "Personal", "Plan",
         "Barnevern", "Skole", "Næring"]
WORDS = ["Nord", "Sør", "Øst", "Vest", "Sentrum", "Fjord", "Dal", "Haug", "Ås", "Bø", "Å", "Lia"]
#: the counties since 2024, each given a run of municipalities in number order
COUNTIES = ["Østfold", "Akershus", "Oslo", "Innlandet", "Buskerud", "Vestfold", "Telemark", "Agder",
            "Rogaland", "Vestland", "Møre og Romsdal", "Trøndelag", "Nordland", "Troms", "Finnmark"]


#: of the units below a service area, the share moved to another parent of the same depth
MOVED = 0.04
#: of the leaf units not moved and not a new parent, the share closed
CLOSED = 0.03
#: of the filled posts not closed, the share whose holder changed
NEW_HOLDER = 0.15
FIRST_CHANGE, CHANGE_MONTHS = dt.date(2016, 1, 1), 120
#: of the municipalities, the share that began with a merger, and the merger days' weights
MERGED = 0.13
REFORM_DAY = dt.date(2020, 1, 1)  # most mergers; the split undid one of them
MERGER_DAYS = {dt.date(2017, 1, 1): 1, dt.date(2018, 1, 1): 1, REFORM_DAY: 8}
SPLIT_DAY = dt.date(2024, 1, 1)


@dataclass
class Made:
    """One generated unit and the rows that make it up, for the history to change."""

    depth: int
    parent: str
    unit: dict
    post: dict
    line: dict  # the leader's REPORTS_TO row
    member: dict  # the leader's MEMBER_OF row
    person: dict | None


def _tree(rng: random.Random, tables: Tables, municipality: str, budget: int) -> list[Made]:
    """Spread `budget` units under a municipality, at most MAX_DEPTH deep: wide service areas
    at the top, narrower below, growing wherever the random walk goes (so some branches are deep)."""
    frontier = [(municipality, 0, f"{municipality}-direktor")]
    made = 0
    units: list[Made] = []
    while frontier and made < budget:
        parent, depth, boss = frontier.pop(rng.randrange(len(frontier)))
        children = min(rng.randint(1, max(2, 9 - 2 * depth)), budget - made)
        for index in range(children):
            made += 1
            unit = f"{municipality}-u{made}"
            name = (AREAS[index % len(AREAS)] if depth == 0
                    else f"{rng.choice(WORDS)} {rng.choice(['enhet', 'avdeling', 'team'])} {made}")
            kind = "service_area" if depth == 0 else ("staff" if index == 0 and depth == 1 else "unit")
            row = tables.add("units", id=unit, name=name, kind=kind, part_of=parent,
                             fte=round(rng.uniform(2, 60), 1), source=SOURCE)
            post = f"{unit}-leder"
            post_row = tables.add("posts", id=post, title=f"Leder {name}", kind="leader", heads=unit,
                                  source=SOURCE)
            line = tables.add("relationships", type="REPORTS_TO", **{"from": post, "to": boss}, kind="line",
                              source=SOURCE)
            member = tables.add("relationships", type="MEMBER_OF",
                                **{"from": post, "to": f"{municipality}-nettverk"}, role="medlem", source=SOURCE)
            person = None
            if rng.random() < 0.9:  # one in ten posts is vacant
                person = tables.add("persons", id=f"{post}-p", name=f"Person {made} i {municipality}",
                                    holds=post, source=SOURCE)
            units.append(Made(depth, parent, row, post_row, line, member, person))
            if depth + 1 < MAX_DEPTH:
                frontier.append((unit, depth + 1, post))
    return units


def _change_day(rng: random.Random) -> dt.date:
    return months_after(FIRST_CHANGE, rng.randrange(CHANGE_MONTHS))


def _history(rng: random.Random, tables: Tables, units: list[Made]) -> None:
    """Moves, closures and new holders in one municipality (see the module's doc)."""
    dated = tables.dated

    by_depth: dict[int, list[Made]] = {}
    for made in units:
        by_depth.setdefault(made.depth, []).append(made)
    parents = {made.parent for made in units}
    moved: set[str] = set()  # units moved and their new parents: not closed
    for made in units:
        if made.depth == 0 or rng.random() >= MOVED:
            continue
        # another unit at the parent's depth: never below the moved unit, so no cycle, same depth
        others = [m for m in by_depth[made.depth - 1] if m.unit["id"] != made.parent]
        if not others:
            continue
        new = rng.choice(others)
        day = _change_day(rng)
        unit_id = made.unit["id"]
        del made.unit["part_of"]
        dated({"type": "PART_OF", "from": unit_id, "to": made.parent, "source": SOURCE}, end=day - DAY)
        dated({"type": "PART_OF", "from": unit_id, "to": new.unit["id"], "source": SOURCE}, start=day)
        made.line["valid_to"] = day - DAY
        dated({"type": "REPORTS_TO", "from": made.post["id"], "to": new.post["id"], "kind": "line",
               "source": SOURCE}, start=day)
        moved.update((unit_id, new.unit["id"]))
    for made in units:
        unit_id, post_id = made.unit["id"], made.post["id"]
        # a service area is never closed: a merger re-wires every one of them
        if made.depth and unit_id not in parents and unit_id not in moved and rng.random() < CLOSED:
            end = _change_day(rng) - DAY
            made.unit["valid_to"] = made.post["valid_to"] = end
            del made.unit["part_of"], made.post["heads"]
            dated({"type": "PART_OF", "from": unit_id, "to": made.parent, "source": SOURCE}, end=end)
            dated({"type": "HEADS", "from": post_id, "to": unit_id, "source": SOURCE}, end=end)
            made.line["valid_to"] = made.member["valid_to"] = end
            if made.person is not None:
                del made.person["holds"]
                dated({"type": "HOLDS", "from": made.person["id"], "to": post_id, "source": SOURCE}, end=end)
        elif made.person is not None and rng.random() < NEW_HOLDER:
            day = _change_day(rng)
            tables.add("persons", id=f"{post_id}-p0", name=f"Tidligere leder av {made.unit['name']}",
                       source=SOURCE)
            dated({"type": "HOLDS", "from": f"{post_id}-p0", "to": post_id, "source": SOURCE}, end=day - DAY)
            del made.person["holds"]
            dated({"type": "HOLDS", "from": made.person["id"], "to": post_id, "source": SOURCE}, start=day)


@dataclass
class Merger:
    """The earlier municipalities a generated one was made of, from `day` on."""

    day: dt.date
    earlier: list[str]
    change: dict  # its row in `changes`
    municipality: dict  # its row in `organisations`
    split: dict | None = None  # the change that undid part of it, if one did


def _county(number: int) -> str:
    return COUNTIES[(number - 1) * len(COUNTIES) // MUNICIPALITIES]


def kommunenummer(number: int) -> str:
    """9001, 9002, …: no county is numbered 90–99, so a synthetic number never names a real
    municipality (the seeds' among them) on the same day, and both load into one graph."""
    if not 0 < number < 1000:
        raise ValueError(f"no synthetic kommunenummer for municipality {number}")
    return f"{9000 + number}"


def _place_name(rng: random.Random, number: int) -> str:
    return f"{rng.choice(WORDS)}{rng.choice(['vik', 'dal', 'øy', 'ås', 'strand'])} {number}"


def council_seats(number: int) -> int:
    """A council's seats: odd, 15 to 47 (from the number, so that no random stream moves)."""
    return 15 + 2 * (number * 7 % 17)


def _council(tables: Tables, municipality: dict, number: int) -> dict:
    """A municipality's council (kommunestyre), over the municipality's period."""
    period = {key: municipality[key] for key in ("valid_from", "valid_to") if key in municipality}
    return tables.add("meeting_places", id=f"{municipality['id']}-kommunestyre",
                      name=f"{municipality['name']} kommunestyre", kind="council", seats=council_seats(number),
                      frequency="om lag ti ganger i året", meetings_per_year=10,
                      belongs_to=municipality["id"], **period, source=SOURCE)


def _earlier(rng: random.Random, tables: Tables, last: dt.date, number: int, county: str,
             name: str | None = None) -> dict:
    """A municipality that ended on `last`, with its rådmann (held), leader group and council; its row."""
    old = f"k{number:04d}"
    name = name or _place_name(rng, number)
    row = tables.add("organisations", id=old, kind="municipality", name=name, kommunenummer=kommunenummer(number),
                     county=county, valid_to=last, source=SOURCE)
    _council(tables, row, number)
    # the title was rådmann until the local government act of 2018 took effect
    tables.add("posts", id=f"{old}-direktor", title="Rådmann", kind="executive", heads=old,
               valid_to=last, source=SOURCE)
    tables.add("persons", id=f"{old}-direktor-p", name=f"Rådmann i {name}", holds=f"{old}-direktor",
               source=SOURCE)
    tables.add("meeting_places", id=f"{old}-ledergruppe", name="Rådmannens ledergruppe",
               kind="leader_group", frequency="ukentlig", meetings_per_year=40, belongs_to=old,
               valid_to=last, source=SOURCE)
    tables.add("relationships", type="MEMBER_OF", **{"from": f"{old}-direktor", "to": f"{old}-ledergruppe"},
               role="leder", source=SOURCE)
    return row


def _rewire(tables: Tables, made: Made, before: list[tuple[str, dt.date | None, dt.date]], day: dt.date) -> None:
    """A service area that was part of other municipalities before `day`, its leader reporting to
    their heads, and part of its own from `day` on."""
    del made.unit["part_of"]
    for org, start, end in before:
        tables.dated({"type": "PART_OF", "from": made.unit["id"], "to": org, "source": SOURCE}, start, end)
        tables.dated({"type": "REPORTS_TO", "from": made.post["id"], "to": f"{org}-direktor", "kind": "line",
                      "source": SOURCE}, start, end)
    tables.dated({"type": "PART_OF", "from": made.unit["id"], "to": made.parent, "source": SOURCE}, day)
    made.line["valid_from"] = day


def _seats(rng: random.Random, tables: Tables, old: str, new: str) -> None:
    """An earlier municipality's seats in the fellesnemnd preparing `new`."""
    tables.add("relationships", type="MEMBER_OF", **{"from": old, "to": f"{new}-fellesnemnd"},
               role="kommunestyrerepresentanter", seats=rng.randint(3, 11), source=SOURCE)


def _merger(rng: random.Random, tables: Tables, begun: list[dict], units: list[Made],
            numbers: Callable[[], int]) -> Merger:
    """Make a municipality the result of a merger: its earlier municipalities, the fellesnemnd,
    the change itself, and its service areas re-wired on the day. `begun` are the rows that begin
    on that day: the municipality first, its kommunedirektør and leader group. (Its leader network
    has no start: the fellesnemnd sets it up beforehand.)"""
    municipality, new = begun[0], begun[0]["id"]
    day = rng.choices(list(MERGER_DAYS), weights=list(MERGER_DAYS.values()))[0]
    rows = [_earlier(rng, tables, day - DAY, numbers(), municipality["county"])
            for _ in range(rng.choice((2, 2, 2, 3, 3, 4)))]
    earlier, names = [row["id"] for row in rows], [row["name"] for row in rows]
    tables.add("organisations", id=f"{new}-fellesnemnd", kind="fellesnemnd",
               name=f"Fellesnemnda for {municipality['name']}",
               valid_from=day.replace(year=day.year - 2, month=7), valid_to=day - DAY, source=SOURCE)
    for old in earlier:
        _seats(rng, tables, old, new)
    change = tables.add("changes", id=f"{new}-sammenslaing", kind="merger", date=day,
                        name=f"{', '.join(names[:-1])} og {names[-1]} blir {municipality['name']}",
                        predecessors=";".join(earlier), successors=new, source=SOURCE)
    for row in begun:
        row["valid_from"] = day
    for index, made in enumerate(m for m in units if m.depth == 0):
        _rewire(tables, made, [(earlier[index % len(earlier)], None, day - DAY)], day)
    return Merger(day, earlier, change, municipality)


def _split(rng: random.Random, tables: Tables, merger: Merger, begun: list[dict],
           units: list[Made], number: int) -> list[tuple[list[str], dt.date | None, dt.date | None]]:
    """The split of 2024, as Haram's from Ålesund: a municipality merged into the one `merger`
    made on its day and left it again on SPLIT_DAY. Returns who stood in its place when, for the
    agreements."""
    again, day, merged = begun[0], merger.day, merger.municipality["id"]
    old = _earlier(rng, tables, day - DAY, number, again["county"], name=again["name"])["id"]
    merger.earlier.append(old)
    merger.change["predecessors"] += f";{old}"
    _seats(rng, tables, old, merged)
    merger.split = tables.add("changes", id=f"{again['id']}-deling", kind="split", date=SPLIT_DAY,
                              name=f"{again['name']} går ut av {merger.municipality['name']}",
                              predecessors=merged, successors=f"{merged};{again['id']}", source=SOURCE)
    for row in begun:
        row["valid_from"] = SPLIT_DAY
    for made in units:
        if made.depth == 0:
            _rewire(tables, made, [(old, None, day - DAY), (merged, day, SPLIT_DAY - DAY)], SPLIT_DAY)
    return [([old], None, day - DAY), ([merged], day, SPLIT_DAY - DAY), ([again["id"]], SPLIT_DAY, None)]


def _decided(rng: random.Random, tables: Tables, mergers: dict[str, Merger], seats: dict[str, int]) -> None:
    """Each earlier municipality's council decided its merger in June, two years before (four,
    for 2020: most councils decided in 2016); the merged one's council decided the split in 2022."""
    for merger in mergers.values():
        change, year = merger.change, merger.day.year - (4 if merger.day == REFORM_DAY else 2)
        asked = [(old, dt.date(year, 6, rng.randint(8, 24)), change) for old in merger.earlier]
        if merger.split:
            asked.append((merger.municipality["id"], dt.date(2022, 6, rng.randint(8, 24)), merger.split))
        for org, day, what in asked:
            decide(rng, tables, f"{org}-vedtak-{what['kind']}", f"Vedtak: {what['name']}", day, org, seats[org],
                   what["id"])


def _known(tables: Tables, today: list[str], places: Places, areas: dict[str, dict[str, str]]) -> Municipalities:
    municipalities = [row for row in tables.rows["organisations"] if row["kind"] == "municipality"]
    councils = [row for row in tables.rows["meeting_places"] if row["kind"] == "council"]
    return Municipalities(today, places, {row["id"]: row["name"] for row in municipalities},
                          {row["id"]: row["valid_from"] for row in municipalities if "valid_from" in row},
                          areas, {row["belongs_to"]: row["seats"] for row in councils})


def generate(folder: Path, scale: float = 0.01, seed: int = 2017,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    history, merging = random.Random(f"history {seed}"), random.Random(f"mergers {seed}")
    dating, cooperating = random.Random(f"agreements {seed}"), random.Random(f"cooperation {seed}")
    tables = Tables()
    mergers: dict[str, Merger] = {}
    unmerged: dict[str, tuple[list[dict], list[Made]]] = {}
    areas: dict[str, dict[str, str]] = {}
    next_number = iter(range(MUNICIPALITIES + 1, 1000)).__next__
    per_municipality = max(1, round(UNITS_AT_FULL_SCALE * scale / MUNICIPALITIES))
    ids = [f"k{number:04d}" for number in range(1, MUNICIPALITIES + 1)]
    for number, municipality in enumerate(ids, start=1):
        begun = [
            tables.add("organisations", id=municipality, kind="municipality", name=_place_name(rng, number),
                       kommunenummer=kommunenummer(number), county=_county(number), source=SOURCE),
            tables.add("posts", id=f"{municipality}-direktor", title="Kommunedirektør", kind="executive",
                       heads=municipality, source=SOURCE),
            tables.add("meeting_places", id=f"{municipality}-ledergruppe", name="Ledergruppen",
                       kind="leader_group", frequency="ukentlig", meetings_per_year=40,
                       belongs_to=municipality, source=SOURCE)]
        begun.append(_council(tables, begun[0], number))
        tables.add("persons", id=f"{municipality}-direktor-p", name=f"Kommunedirektør i {begun[0]['name']}",
                   holds=f"{municipality}-direktor", source=SOURCE)
        tables.add("meeting_places", id=f"{municipality}-nettverk", name="Ledernettverket",
                   kind="network", frequency="to ganger i året", meetings_per_year=2,
                   belongs_to=municipality, source=SOURCE)
        tables.add("relationships", type="MEMBER_OF", **{"from": f"{municipality}-direktor",
                                                          "to": f"{municipality}-ledergruppe"},
                   role="leder", source=SOURCE)
        units = _tree(rng, tables, municipality, per_municipality)
        areas[municipality] = {made.unit["name"]: made.unit["id"] for made in units if made.depth == 0}
        _history(history, tables, units)
        if merging.random() < MERGED:
            mergers[municipality] = _merger(merging, tables, begun, units, next_number)
        else:
            unmerged[municipality] = begun, units
        if progress:
            progress(1)
    # who stood in a municipality's place when: its earlier ones before a merger, and so on
    places: Places = {}
    merged_in_2020 = sorted(k for k, merger in mergers.items() if merger.day == REFORM_DAY)
    if merged_in_2020 and unmerged:
        merged = merging.choice(merged_in_2020)
        again = merging.choice(sorted(unmerged))
        places[again] = _split(merging, tables, mergers[merged], *unmerged[again], next_number())
    for municipality, merger in mergers.items():
        places[municipality] = [(merger.earlier, None, merger.day - DAY), ([municipality], merger.day, None)]
    known = _known(tables, ids, places, areas)
    _decided(cooperating, tables, mergers, known.seats)
    agreements(rng, dating, cooperating, random.Random(f"endings {seed}"), tables, known,
               max(10, round(3000 * scale ** 0.5)))
    return tables.write(folder)
