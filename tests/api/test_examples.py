"""Every example in examples/queries runs without errors and answers what its comment promises."""
from __future__ import annotations

import pytest

from apiutil import EXAMPLES, asgi, gql, graph  # noqa: F401 (fixtures)

FILES = sorted(EXAMPLES.glob("*.graphql"))


def expect_01(data):
    assert [(c["name"], c["holder"]) for c in data["chainOfCommand"]] == [
        ("Hjemmetjenesten", None), ("Helse og omsorg", "Cecilie Lærum"), ("Fjordvik", "Åse Ødegård")]


def expect_02(data):
    assert [m["name"] for m in data["before"]] == ["Nordøy", "Sørå"]
    assert data["after"] == [{"name": "Fjordvik", "kommunenummer": "5401", "county": "Troms og Finnmark"}]


def expect_03(data):
    (fjordvik,) = data["organisations"]["nodes"]
    assert fjordvik["headedBy"][0]["node"]["holders"][0]["node"]["name"] == "Åse Ødegård"
    parts = {p["node"]["name"]: p["node"] for p in fjordvik["hasParts"]}
    assert set(parts) == {"Helse og omsorg", "Økonomistab"}
    helse = parts["Helse og omsorg"]
    assert helse["headedBy"][0]["node"]["holders"][0]["capacity"] == "acting"
    assert [p["node"]["displayName"] for p in helse["hasParts"]] == [
        "Hjemmetjenesten", "Rehabilitering", "Ævretun sykehjem"]


def expect_04(data):
    assert data["search"] == [{"__typename": "Person", "id": "aase", "displayName": "Åse Ødegård"}]
    assert data["units"]["totalCount"] == 3 and data["units"]["pageInfo"]["hasNextPage"]
    assert [n["id"] for n in data["units"]["nodes"]] == ["helse", "natt"]


def expect_05(data):
    assert {m["name"]: m["seats"] for m in data["members"]} == {"Nordøy": 9, "Sørå": 5}
    barnevern = next(a for a in data["agreementsOf"] if a["name"].startswith("Vertskommune"))
    assert barnevern["hosts"] == ["Nordøy"] and barnevern["node"]["status"] == "in_force"


def test_there_are_numbered_examples():
    assert 3 <= len(FILES) <= 5
    assert [f.name[:3] for f in FILES] == [f"{i:02d}_" for i in range(1, len(FILES) + 1)]


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_example_runs(asgi, path):
    data = gql(asgi, path.read_text(encoding="utf-8"))
    globals()[f"expect_{path.name[:2]}"](data)
