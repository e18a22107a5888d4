"""Benchmark: build and render the org chart of a synthetic 500-unit municipality to SVG.

    python -m orggraph.viz.bench [--units 500] [--depth 2]

Generates the municipality as a YAML dataset (10 service areas × 7 units × 6 teams, one head
post per area and unit, about one in eight vacant and one in ten acting), loads it into a fresh
embedded database in a temporary folder and prints the time to build + render. Target: < 1 s.
Not a test: nothing fails when it is slow.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

AREAS = ["Helse og omsorg", "Oppvekst", "Kultur", "Teknisk drift", "Samfunnsutvikling", "Økonomi",
         "Organisasjon", "Næring", "Miljø og landbruk", "Sosiale tjenester"]


def synthetic(units: int = 500) -> dict:
    areas, per_area, per_unit = 10, 7, max(1, (units - 10 - 70) // 70)
    data = {"dataset": "bench", "source": "orggraph.viz.bench (syntetisk)",
            "organisations": [{"id": "bench", "name": "Syntetisk kommune Ærøy", "kind": "municipality",
                               "kommunenummer": "9999"}],
            "units": [], "posts": [{"id": "bench-dir", "title": "Kommunedirektør", "kind": "executive",
                                    "heads": "bench"}],
            "persons": [{"id": "p-bench-dir", "name": "Øyvind Åsheim", "holds": "bench-dir"}]}
    count = 0
    for a in range(areas):
        area = f"a{a}"
        data["units"].append({"id": area, "name": AREAS[a], "kind": "service_area", "part_of": "bench",
                              "fte": 100 + a})
        data["posts"].append({"id": f"{area}-leder", "title": f"Kommunalsjef {AREAS[a].lower()}", "kind": "leader",
                              "heads": area, "reports_to": {"id": "bench-dir", "kind": "line"}})
        data["persons"].append({"id": f"p-{area}", "name": f"Leder Ås {a}", "holds": f"{area}-leder"})
        count += 1
        for u in range(per_area):
            unit = f"{area}-u{u}"
            data["units"].append({"id": unit, "name": f"{AREAS[a]} enhet {u + 1} – Bøgata", "kind": "unit",
                                  "part_of": area, "fte": 10 + u})
            data["posts"].append({"id": f"{unit}-leder", "title": "Enhetsleder", "kind": "leader", "heads": unit})
            count += 1
            holding = {"id": f"{unit}-leder"}
            if not (a + u) % 8:  # vacant: its leader left (a post never held is "ikke oppgitt")
                holding.update(valid_from="2015-01-01", valid_to="2020-12-31")
            elif (a + u) % 10 == 0:
                holding["capacity"] = "acting"
            data["persons"].append({"id": f"p-{unit}", "name": f"Ærlig Østby {a}.{u}", "holds": holding})
            for t in range(per_unit):
                if count >= units:
                    break
                data["units"].append({"id": f"{unit}-t{t}", "name": f"Team {t + 1}", "kind": "team", "part_of": unit})
                count += 1
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from orggraph.config import Settings
    from orggraph.engine import open_engine
    from orggraph.loader.load import load

    from .common import render_graph
    from .org import org_chart

    with tempfile.TemporaryDirectory() as folder:
        data = synthetic(args.units)
        source = Path(folder) / "bench.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        engine = open_engine(Settings(engine="embedded", db_path=Path(folder) / "bench.lbdb"))
        try:
            started = time.perf_counter()
            load(engine, [source])
            print(f"loaded {len(data['units'])} units, {len(data['posts'])} posts in "
                  f"{time.perf_counter() - started:.2f} s")
            for depth in sorted({args.depth, 99}):
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    chart = org_chart(engine, "bench", depth=depth)
                    built = time.perf_counter()
                    svg = render_graph(chart.graph(), "svg")
                    done = time.perf_counter()
                    times.append((built - started, done - built, done - started))
                best = min(times, key=lambda t: t[2])
                label = "all levels" if depth == 99 else f"depth {depth}"
                verdict = "ok" if best[2] < 1.0 else "SLOWER than the 1 s target"
                print(f"org chart, {label}: build {best[0]:.3f} s + render SVG {best[1]:.3f} s = {best[2]:.3f} s "
                      f"({len(chart.boxes)} boxes, {len(svg):,} bytes SVG; best of {args.repeat}) – {verdict}")
        finally:
            engine.close()


if __name__ == "__main__":
    main()
