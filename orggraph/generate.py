"""A deterministic synthetic Norway: 357 municipalities with unit trees, posts, people,
forums and agreements, written as the loader's CSV files.

At scale 1.0 it has about 200 000 units and a million relationships; the same
scale and seed always give the same files.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

MUNICIPALITIES = 357
UNITS_AT_FULL_SCALE = 200_000
MAX_DEPTH = 8
SOURCE = "orggraph generate (synthetic)"
AREAS = ["Oppvekst", "Helse og omsorg", "Teknisk", "Kultur", "Økonomi", "Personal", "Plan",
         "Barnevern", "Skole", "Næring"]
WORDS = ["Nord", "Sør", "Øst", "Vest", "Sentrum", "Fjord", "Dal", "Haug", "Ås", "Bø", "Å", "Lia"]
def slug(name: str) -> str:
    return "svc-" + name.lower().replace(" ", "-").replace("ø", "o").replace("å", "a").replace("æ", "ae")


SERVICES = ["Barnevern", "IKT-drift", "Lønn", "Regnskap", "Kart og oppmåling", "Brannvern",
            "Legevakt", "Renovasjon", "Arkiv", "PPT"]


@dataclass
class Tables:
    rows: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, section: str, **row) -> None:
        self.rows.setdefault(section, []).append(row)

    def write(self, folder: Path) -> dict[str, int]:
        folder.mkdir(parents=True, exist_ok=True)
        counts = {}
        for section, rows in self.rows.items():
            columns = list(dict.fromkeys(k for row in rows for k in row))
            with (folder / f"{section}.synthetic.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, columns)
                writer.writeheader()
                writer.writerows(rows)
            counts[section] = len(rows)
        return counts


def _tree(rng: random.Random, tables: Tables, municipality: str, budget: int) -> None:
    """Spread `budget` units under a municipality, at most MAX_DEPTH deep: wide service areas
    at the top, narrower below, growing wherever the random walk goes (so some branches are deep)."""
    frontier = [(municipality, 0, f"{municipality}-direktor")]
    made = 0
    while frontier and made < budget:
        parent, depth, boss = frontier.pop(rng.randrange(len(frontier)))
        children = min(rng.randint(1, max(2, 9 - 2 * depth)), budget - made)
        for index in range(children):
            made += 1
            unit = f"{municipality}-u{made}"
            name = (AREAS[index % len(AREAS)] if depth == 0
                    else f"{rng.choice(WORDS)} {rng.choice(['enhet', 'avdeling', 'team'])} {made}")
            kind = "service_area" if depth == 0 else ("staff" if index == 0 and depth == 1 else "unit")
            tables.add("units", id=unit, name=name, kind=kind, part_of=parent,
                       fte=round(rng.uniform(2, 60), 1), source=SOURCE)
            post = f"{unit}-leder"
            tables.add("posts", id=post, title=f"Leder {name}", kind="leader", heads=unit, source=SOURCE)
            tables.add("relationships", type="REPORTS_TO", **{"from": post, "to": boss}, kind="line",
                       source=SOURCE)
            tables.add("relationships", type="MEMBER_OF", **{"from": post, "to": f"{municipality}-nettverk"},
                       role="medlem", source=SOURCE)
            if rng.random() < 0.9:  # one in ten posts is vacant
                tables.add("persons", id=f"{post}-p", name=f"Person {made} i {municipality}",
                           holds=post, source=SOURCE)
            if depth + 1 < MAX_DEPTH:
                frontier.append((unit, depth + 1, post))


def generate(folder: Path, scale: float = 0.01, seed: int = 2017,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    tables = Tables()
    per_municipality = max(1, round(UNITS_AT_FULL_SCALE * scale / MUNICIPALITIES))
    ids = [f"k{number:04d}" for number in range(1, MUNICIPALITIES + 1)]
    for number, municipality in enumerate(ids, start=1):
        tables.add("organisations", id=municipality, kind="municipality",
                   name=f"{rng.choice(WORDS)}{rng.choice(['vik', 'dal', 'øy', 'ås', 'strand'])} {number}",
                   kommunenummer=f"{number:04d}", source=SOURCE)
        tables.add("posts", id=f"{municipality}-direktor", title="Kommunedirektør", kind="executive",
                   heads=municipality, source=SOURCE)
        tables.add("meeting_places", id=f"{municipality}-ledergruppe", name="Ledergruppen",
                   kind="leader_group", frequency="ukentlig", meetings_per_year=40,
                   belongs_to=municipality, source=SOURCE)
        tables.add("meeting_places", id=f"{municipality}-nettverk", name="Ledernettverket",
                   kind="network", frequency="to ganger i året", meetings_per_year=2,
                   belongs_to=municipality, source=SOURCE)
        tables.add("relationships", type="MEMBER_OF", **{"from": f"{municipality}-direktor",
                                                          "to": f"{municipality}-ledergruppe"},
                   role="leder", source=SOURCE)
        _tree(rng, tables, municipality, per_municipality)
        if progress:
            progress(1)
    for service in SERVICES:
        tables.add("services", id=slug(service), name=service, source=SOURCE)
    agreements = max(10, round(3000 * scale ** 0.5))
    for number in range(1, agreements + 1):
        agreement = f"avtale-{number}"
        service = rng.choice(SERVICES)
        tables.add("agreements", id=agreement, name=f"Vertskommunesamarbeid om {service.lower()} {number}",
                   kind="vertskommune", status="in_force",
                   covers=slug(service), source=SOURCE)
        parties = rng.sample(ids, rng.randint(2, 5))
        for index, party in enumerate(parties):
            tables.add("relationships", type="PARTY_TO", **{"from": party, "to": agreement},
                       role="host" if index == 0 else "participant", source=SOURCE)
    return tables.write(folder)
