"""Every example in examples/queries runs without errors and answers what its comment promises."""
from __future__ import annotations

import pytest

from apiutil import EXAMPLES, asgi, gql, graph  # noqa: F401 (fixtures)

ALL = sorted(EXAMPLES.glob("*.graphql"))


def dataset(path) -> str | None:
    """What the example runs on, from its first line `# dataset: …` (a reader loads that to try it)."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# dataset:").strip() if first.startswith("# dataset:") else None


SEEDED = [f for f in ALL if dataset(f) == "data/seeds"]
FILES = [f for f in ALL if dataset(f) == "tests/data/valid"]


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


def expect_06(data):
    hosts = {a["name"]: a["hosts"] for a in data["agreementsOf"]}
    assert hosts == {"Felles barneverntjeneste": ["Salangen kommune"],
                     "Felles IKT drift": ["Salangen kommune"],
                     "Felles kart og oppmåling": ["Gratangen kommune"],
                     "Felles økonomitjeneste (todelt løsning)": ["Gratangen kommune", "Lavangen kommune"]}
    assert all("Ibestad kommune (partial)" in a["parties"] for a in data["agreementsOf"])


def expect_07(data):
    assert [c["name"] for c in data["chainOfCommand"]] == ["Innherred samkommune"]
    assert data["node"]["basedAt"] == [{"node": {"displayName": "Levanger kommune"}}]


def expect_08(data):
    before = {m["name"] for m in data["before"]}
    after = {m["name"]: m["kommunenummer"] for m in data["after"]}
    assert {"Andebu kommune", "Stokke kommune"} <= before and not {"Andebu kommune", "Stokke kommune"} & set(after)
    assert after["Sandefjord kommune"] == "0710"


def expect_09(data):
    effects = {a["name"]: a["effect"] for a in data["gratangenLeaves"]}
    assert effects["Barnevern"] == "Gratangen kommune must provide it in another way"
    assert effects["Salangen kommune"].startswith("hosts for one party fewer")
    assert "Gratangen kommune" not in effects  # it leaves; the rest remain
    ends, *affected = data["hostLeaves"]
    assert ends["effect"] == "cannot continue as it is: no host is left"
    assert {a["name"] for a in affected} == {"Gratangen kommune", "Ibestad kommune", "Lavangen kommune",
                                             "Salangen kommune"}


def test_there_are_numbered_examples():
    assert len(ALL) >= 6 and len(SEEDED) >= 3
    # each names its dataset: on the other one it answers, silently, nothing
    assert {f.name: dataset(f) for f in ALL if f not in SEEDED + FILES} == {}
    assert [f.name[:3] for f in ALL] == [f"{i:02d}_" for i in range(1, len(ALL) + 1)]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from apiutil import AsgiClient
    from orggraph.api import create_app
    from orggraph.config import Settings
    from orggraph.engine import open_engine
    from orggraph.loader.load import load
    engine = open_engine(Settings(engine="embedded", db_path=tmp_path_factory.mktemp("s") / "g.lbdb"))
    load(engine, [EXAMPLES.parents[1] / "data" / "seeds"])
    yield AsgiClient(create_app(engine))
    engine.close()


@pytest.mark.parametrize("path", SEEDED, ids=[f.stem for f in SEEDED])
def test_seed_example_runs(seeded, path):
    data = gql(seeded, path.read_text(encoding="utf-8"))
    globals()[f"expect_{path.name[:2]}"](data)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_example_runs(asgi, path):
    data = gql(asgi, path.read_text(encoding="utf-8"))
    globals()[f"expect_{path.name[:2]}"](data)
