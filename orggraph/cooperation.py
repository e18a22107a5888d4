"""The synthetic Norway's cooperation: agreements between municipalities, the bodies some of them
set up, the council decisions behind them, and what depends on them.

Each agreement covers one service and has two to five municipalities as parties. Its kind is the
one that service is usually run under: renovation and fire services mostly by an inter-municipal
company (IKS), archives and IT operations often by one, child welfare, payroll or the emergency
ward mostly by a host municipality (vertskommune); a joint task community (kommunalt
oppgavefellesskap, from 2020; its forerunner under the 1992 act was a § 27 board) runs some of
each. A company or community is an organisation of its own, established by the agreement, with a
council of owners (representantskap) where each party has a seat; it delivers the service. Under a
host municipality, the host's service area delivers it and the agreement depends on that area.
The service area of each other party that buys the service depends on the agreement, so a change
at the host or in the company reaches everyone who needs it. The parties run the service on one
shared system (three to choose from per service), which the agreement depends on: a change of
system reaches every agreement on it, and their buyers.

Every party that stood in the agreement from its first day decided to join in its council
(kommunestyre) some weeks before, and every party that stood in an ended one to its last day
decided to end it some months before; a municipality merged into being decided in the council it
has from its first day. Agreements began on the first of a month from 2005 to 2025, about one in
seven of those begun by 2023 has ended, their legal basis is the act of their time, and each
party's row covers only the part of the agreement's period it stood in.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .synthetic import DAY, SOURCE, Tables, months_after

SERVICES = ["Barnevern", "IKT-drift", "Lønn", "Regnskap", "Kart og oppmåling", "Brannvern",
            "Legevakt", "Renovasjon", "Arkiv", "PPT"]
#: the kinds each service is run under, by weight ("ko": a joint task community)
KINDS = {"Renovasjon": {"iks": 7, "ko": 1, "vertskommune": 2},
         "Brannvern": {"iks": 5, "ko": 1, "vertskommune": 4},
         "Arkiv": {"iks": 5, "ko": 2, "vertskommune": 3},
         "IKT-drift": {"iks": 2, "ko": 3, "vertskommune": 5}}
USUAL_KINDS = {"ko": 15, "vertskommune": 85}
#: the service area that buys or delivers a service, the first of these a municipality has
#: (else its first service area)
AREA_OF = {"Barnevern": ("Barnevern", "Oppvekst"), "IKT-drift": ("Økonomi", "Personal"),
           "Lønn": ("Personal", "Økonomi"), "Regnskap": ("Økonomi",),
           "Kart og oppmåling": ("Plan", "Teknisk"), "Brannvern": ("Teknisk",),
           "Legevakt": ("Helse og omsorg",), "Renovasjon": ("Teknisk",),
           "Arkiv": ("Personal", "Økonomi"), "PPT": ("Skole", "Oppvekst")}
#: each service's shared systems, of which an agreement's parties use one together
SYSTEMS_PER_SERVICE = ("A", "B", "C")
#: agreements begin on the first of a month from 2005 to 2025; of those begun by 2023, the share ended
AGREEMENTS_FROM, AGREEMENT_MONTHS, ENDED = dt.date(2005, 1, 1), 252, 0.15
ACT_OF_2018_DAY = dt.date(2020, 1, 1)  # when the act of 2018 took over inter-municipal cooperation
#: legal basis by kind, under the act of 1992 and the act of 2018
LEGAL_BASIS = {"vertskommune": ("kommuneloven 1992 § 28-1 b", "kommuneloven § 20-2"),
               "iks": ("IKS-loven § 4", "IKS-loven § 4"),
               "ko": ("kommuneloven 1992 § 27", "kommuneloven § 19-1"),
               "other": ("kommuneloven 1992 § 27", "kommuneloven 1992 § 27")}
#: a joint task community under the act of 1992 was a § 27 board: kind other
BODY_KIND = {"iks": "iks", "ko": "oppgavefellesskap", "other": "other"}


def slug(name: str) -> str:
    return "svc-" + name.lower().replace(" ", "-").replace("ø", "o").replace("å", "a").replace("æ", "ae")


#: who stood in a municipality's place when: ([organisations], first day, last day), None an open end
Places = dict[str, list[tuple[list[str], "dt.date | None", "dt.date | None"]]]


@dataclass
class Municipalities:
    """What the agreements need to know of the municipalities made before them."""

    today: list[str]  # the ids of those that exist today, the parties' places
    places: Places
    names: dict[str, str]  # every municipality's name, earlier ones too
    starts: dict[str, dt.date]  # the first day of those begun by a merger or the split
    areas: dict[str, dict[str, str]]  # today's: service area name → its unit id
    seats: dict[str, int]  # the council's seats


def agreement_period(rng: random.Random) -> tuple[dt.date, dt.date | None]:
    """When an agreement began and, for some of those begun by 2023, ended (by the end of 2025)."""
    month = rng.randrange(AGREEMENT_MONTHS)
    begins = months_after(AGREEMENTS_FROM, month)
    if begins.year > 2023 or rng.random() >= ENDED:
        return begins, None
    return begins, months_after(begins, rng.randint(24, AGREEMENT_MONTHS - month)) - DAY


def _both(one: tuple, other: tuple) -> tuple[bool, dt.date | None, dt.date | None]:
    """One party's two (host, start, end), which meet or overlap: host if either is, and the
    period covering both (None is an open end)."""
    starts, ends = (one[1], other[1]), (one[2], other[2])
    return (one[0] or other[0], None if None in starts else min(starts), None if None in ends else max(ends))


def _in_text(name: str) -> str:
    """A name inside a sentence: "Barnevern" → "barnevern", but "PPT" and "IKT-drift" kept."""
    return name if name[:2].isupper() else name[0].lower() + name[1:]


def _area(known: Municipalities, municipality: str, service: str) -> str:
    areas = known.areas[municipality]
    return next((areas[name] for name in AREA_OF[service] if name in areas), next(iter(areas.values())))


def _kind(rng: random.Random, service: str, begins: dt.date) -> str:
    weights = KINDS.get(service, USUAL_KINDS)
    kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    return "other" if kind == "ko" and begins < ACT_OF_2018_DAY else kind


def _body(tables: Tables, agreement: str, kind: str, service: str, place: str,
          begins: dt.date, ends: dt.date | None) -> tuple[str, str]:
    """The company or community an agreement sets up, with its council of owners: (id, name)."""
    name = {"iks": f"{service} {place} IKS",
            "ko": f"{service} {place} kommunale oppgavefellesskap",
            "other": f"{service} {place} (§ 27-styre)"}[kind]
    body, period = f"{agreement}-organ", {"valid_from": begins, **({"valid_to": ends} if ends else {})}
    tables.add("organisations", id=body, kind=BODY_KIND[kind], name=name, delivers=slug(service),
               **period, source=SOURCE)
    tables.add("meeting_places", id=f"{body}-representantskap", name=f"Representantskapet i {name}",
               kind="council", frequency="to ganger i året", meetings_per_year=2, belongs_to=body, **period,
               source=SOURCE)
    return body, name


def _vote(rng: random.Random, seats: int) -> str:
    """As the minutes record it: mostly unanimous, else for against."""
    against = 0 if rng.random() < 0.8 else rng.randint(1, seats // 2)
    return f"{seats - against} mot {against}" if against else "enstemmig"


def decide(rng: random.Random, tables: Tables, decision: str, title: str, day: dt.date, org: str, seats: int,
           concerns: str) -> None:
    """A decision `org`'s council (kommunestyre, of `seats` seats) adopted on `day` about `concerns`."""
    tables.add("decisions", id=decision, title=title, date=day,
               case_number=f"{day.year % 100:02d}/{rng.randint(100, 2999)}", outcome="adopted",
               vote=_vote(rng, seats), made_by=f"{org}-kommunestyre", concerns=concerns, source=SOURCE)


def _decision(rng: random.Random, tables: Tables, known: Municipalities, agreement: dict, org: str,
              ending: bool = False) -> None:
    """`org`'s council decides to join `agreement`, some weeks before it begins, or to end it,
    some months before its last day (not before the council's first day, for a municipality that
    began in between)."""
    if ending:
        day = agreement["valid_to"] - dt.timedelta(days=rng.randint(60, 300))
        what, title = "avvikling", "Vedtak om å avvikle "
    else:
        day = agreement["valid_from"] - dt.timedelta(days=rng.randint(30, 200))
        what, title = "vedtak", "Vedtak om "
    day = max(day, known.starts.get(org, dt.date.min))
    decide(rng, tables, f"{agreement['id']}-{what}-{org}", title + _in_text(agreement["name"]), day, org,
           known.seats[org], agreement["id"])


def _wire(tables: Tables, known: Municipalities, agreement: dict, service: str, places: list[str],
          delivering: set[str]) -> str | None:
    """Who delivers an agreement's service and who depends on it: under a host (the first place)
    its service area, which the agreement depends on; else the body the agreement establishes.
    Every other place's service area depends on the agreement. Returns the owners' council, if any."""
    kind, agreement_id = agreement["kind"], agreement["id"]
    if kind == "vertskommune":
        area = _area(known, places[0], service)
        tables.add("relationships", type="DEPENDS_ON", **{"from": agreement_id, "to": area},
                   note="vertskommunen leverer tjenesten", source=SOURCE)
        if area not in delivering:  # one area may host several agreements for the same service
            delivering.add(area)
            tables.add("relationships", type="DELIVERS", **{"from": area, "to": slug(service)}, source=SOURCE)
        council, buyers = None, places[1:]
    else:
        body, title = _body(tables, agreement_id, kind, service, known.names[places[0]],
                            agreement["valid_from"], agreement.get("valid_to"))
        agreement["name"] = f"{'Selskapsavtale' if kind == 'iks' else 'Samarbeidsavtale'} for {title}"
        agreement["establishes"], council, buyers = body, f"{body}-representantskap", places
    for place in buyers:
        tables.add("relationships", type="DEPENDS_ON", **{"from": _area(known, place, service), "to": agreement_id},
                   note="eier" if council else "kjøper tjenesten", source=SOURCE)
    return council


def agreements(rng: random.Random, dating: random.Random, kinds: random.Random, endings: random.Random,
               tables: Tables, known: Municipalities, count: int) -> None:
    """`count` agreements, their parties, bodies, decisions and dependencies. The services and
    parties come from `rng`, the periods from `dating`, the decisions to end from `endings`,
    everything else from `kinds`."""
    systems: dict[str, list[str]] = {}
    for service in SERVICES:
        tables.add("services", id=slug(service), name=service, source=SOURCE)
        for maker in SYSTEMS_PER_SERVICE:
            system = tables.add("systems", id=f"system-{slug(service)[4:]}-{maker.lower()}",
                                name=f"Fagsystem {maker} for {_in_text(service)}", category="fagsystem", source=SOURCE)
            systems.setdefault(service, []).append(system["id"])
    delivering: set[str] = set()
    for number in range(1, count + 1):
        agreement = f"avtale-{number}"
        service = rng.choice(SERVICES)
        begins, ends = agreement_period(dating)
        places = rng.sample(known.today, rng.randint(2, 5))
        kind = _kind(kinds, service, begins)
        hosted = kind == "vertskommune"
        row = tables.add("agreements", id=agreement, name=f"Vertskommunesamarbeid om {_in_text(service)} {number}",
                         kind=kind, status="ended" if ends else "in_force",
                         legal_basis=LEGAL_BASIS[kind][begins >= ACT_OF_2018_DAY],
                         funding_tkr=kinds.randrange(200, 20_000, 50),
                         valid_from=begins, **({"valid_to": ends} if ends else {}), covers=slug(service),
                         source=SOURCE)
        council = _wire(tables, known, row, service, places, delivering)
        tables.add("relationships", type="DEPENDS_ON", **{"from": agreement, "to": kinds.choice(systems[service])},
                   note="felles fagsystem", source=SOURCE)
        parties: dict[str, tuple[bool, dt.date | None, dt.date | None]] = {}
        for index, party in enumerate(places):
            for orgs, start, end in known.places.get(party, [([party], None, None)]):
                for rank, org in enumerate(orgs):
                    stood = (hosted and index == 0 and rank == 0, start, end)
                    # in the places of two parties (the split's and the merged one's): one row for both
                    parties[org] = _both(parties[org], stood) if org in parties else stood
        for org, (host, start, end) in parties.items():
            if (end and end < begins) or (start and ends and start > ends):
                continue  # it stood in the place only while there was no agreement
            # within the agreement's period; an end the agreement shares needs no cell
            start = start if start and start > begins else None
            end = end if end and not (ends and end >= ends) else None
            tables.dated({"type": "PARTY_TO", "from": org, "to": agreement,
                          "role": "host" if host else "participant", "source": SOURCE}, start, end)
            if council:
                tables.dated({"type": "MEMBER_OF", "from": org, "to": council, "role": "eier", "seats": 1,
                              "source": SOURCE}, start, end)
            if start is None:
                _decision(kinds, tables, known, row, org)
            if ends and end is None:  # it stood to the last day
                _decision(endings, tables, known, row, org, ending=True)
