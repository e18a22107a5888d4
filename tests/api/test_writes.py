"""Mutations: create, update and end every node type; add and end relationships.

Checked by the loader's rules (problems come back per field), one transaction each,
`source` from the input and dataset "api". Both engines; the main paths also over real HTTP.
"""
from __future__ import annotations

from orggraph.api import writes
from orggraph.schema.model import NODES

from apiutil import (MINIMAL, AsgiClient, audit_lines, bearer, gql, graph, secured, secured_app,  # noqa: F401
                     secured_asgi, unanswered)

EDITOR = bearer()

CREATE_UNIT = """mutation($input: CreateUnitInput!) {
  createUnit(input: $input) { id name kind fte validFrom validTo source dataset partOf { node { id } } } }"""
ADD = """mutation($input: AddRelationshipInput!) {
  addRelationship(input: $input) { type from to validFrom validTo source dataset kind role capacity } }"""
END_REL = """mutation($input: EndRelationshipInput!) {
  endRelationship(input: $input) { type from to validFrom validTo source dataset } }"""


def write(client, query: str, variables: dict | None = None) -> dict:
    return gql(client, query, variables, headers=EDITOR)


def problems(client, query: str, variables: dict | None = None, headers=EDITOR) -> list[tuple]:
    """(field, message) of each error; the mutation's answer must be null."""
    response = client.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("errors") and unanswered(body), body
    return [(e.get("extensions", {}).get("field"), e["message"]) for e in body["errors"]]


def read(client, query: str) -> dict:
    return gql(client, query, headers=EDITOR)


def test_create_then_read_back(secured, tmp_path):
    new = {"id": "kveld", "name": "Kveldspatrulje", "kind": "team", "fte": 4.5,
           "validFrom": "2024-01-01", "source": "vedtak 2023/12 s. 3"}
    created = write(secured, CREATE_UNIT, {"input": new})["createUnit"]
    assert created == {"id": "kveld", "name": "Kveldspatrulje", "kind": "team", "fte": 4.5,
                       "validFrom": "2024-01-01", "validTo": None, "source": "vedtak 2023/12 s. 3",
                       "dataset": "api", "partOf": []}
    linked = write(secured, ADD, {"input": {"type": "PART_OF", "from": "kveld", "to": "hjemmetjeneste",
                                            "validFrom": "2024-01-01", "source": "vedtak 2023/12 s. 4"}})
    assert linked["addRelationship"] == {
        "type": "PART_OF", "from": "kveld", "to": "hjemmetjeneste", "validFrom": "2024-01-01",
        "validTo": None, "source": "vedtak 2023/12 s. 4", "dataset": "api", "kind": None, "role": None,
        "capacity": None}
    data = read(secured, '{ node(id: "hjemmetjeneste", asOf: "2024-06-01") { ... on Unit { '
                         'hasParts { node { id dataset } } } } }')
    assert {"id": "kveld", "dataset": "api"} in [p["node"] for p in data["node"]["hasParts"]]
    assert read(secured, '{ node(id: "kveld", asOf: "2023-06-01") { id } }')["node"] is None
    entries = audit_lines(tmp_path)
    assert [(e["actor"], e["mutation"], e["ids"]) for e in entries] == [
        ("kari", "createUnit", ["kveld"]), ("kari", "addRelationship", ["kveld", "hjemmetjeneste"])]
    assert entries[0]["input"]["source"] == "vedtak 2023/12 s. 3" and entries[0]["input"]["fte"] == 4.5


def test_every_node_type_can_be_created_updated_and_ended(secured_asgi):
    assert set(MINIMAL) == {n.label for n in NODES}
    for label, fields in MINIMAL.items():
        node_id = f"new-{label.lower()}"
        created = write(secured_asgi, f"mutation($i: Create{label}Input!) {{ create{label}(input: $i) "
                                      "{ id displayName dataset } }",
                        {"i": {"id": node_id, "source": "s1", "validFrom": "2024-01-01", **fields}})
        assert created[f"create{label}"] == {"id": node_id, "displayName": "X", "dataset": "api"}
        changed = "title" if "title" in fields else "name"
        updated = write(secured_asgi, f"mutation($i: Update{label}Input!) {{ update{label}(input: $i) "
                                      "{ displayName source } }",
                        {"i": {"id": node_id, "source": "s2", changed: "Y"}})
        assert updated[f"update{label}"] == {"displayName": "Y", "source": "s2"}
        ended = write(secured_asgi, f"mutation($i: EndInput!) {{ end{label}(input: $i) {{ validFrom validTo }} }}",
                      {"i": {"id": node_id, "source": "s3", "validTo": "2024-12-31"}})
        assert ended[f"end{label}"] == {"validFrom": "2024-01-01", "validTo": "2024-12-31"}


def test_a_decision_starts_on_its_date_unless_told_otherwise(secured_asgi):
    """Created with a date and no validFrom, a decision is valid from its date; moving the date moves
    that start along, but not a start given on its own; the date cannot fall after the decision's end."""
    create = "mutation($i: CreateDecisionInput!) { createDecision(input: $i) { validFrom } }"
    update = "mutation($i: UpdateDecisionInput!) { updateDecision(input: $i) { date validFrom } }"
    assert write(secured_asgi, create, {"i": {"id": "v1", "title": "T", "date": "2024-03-05", "source": "s"}}
                 ) == {"createDecision": {"validFrom": "2024-03-05"}}
    assert write(secured_asgi, update, {"i": {"id": "v1", "date": "2024-04-01", "source": "s"}}
                 ) == {"updateDecision": {"date": "2024-04-01", "validFrom": "2024-04-01"}}
    write(secured_asgi, create, {"i": {"id": "v2", "title": "T", "date": "2024-03-05", "validFrom": "2024-01-01",
                                       "source": "s"}})
    assert write(secured_asgi, update, {"i": {"id": "v2", "date": "2024-04-01", "source": "s"}}
                 ) == {"updateDecision": {"date": "2024-04-01", "validFrom": "2024-01-01"}}
    write(secured_asgi, "mutation($i: EndInput!) { endDecision(input: $i) { id } }",
          {"i": {"id": "v1", "validTo": "2024-06-30", "source": "s"}})
    assert problems(secured_asgi, update, {"i": {"id": "v1", "date": "2024-07-01", "source": "s"}}) == [
        ("input.validTo", "[input.validTo] period ends (2024-06-30) before it starts (2024-07-01)")]


def test_problems_come_back_per_field_and_nothing_is_written(secured, tmp_path):
    bad = {"id": "kveld", "name": "Kveld", "kind": "squad", "validFrom": "2024-01-01",
           "validTo": "2023-12-31", "source": "s"}
    assert sorted(problems(secured, CREATE_UNIT, {"input": bad})) == [
        ("input.kind", "[input.kind] must be one of service_area, unit, staff, service_office, "
                       "department, section, team, other; got 'squad'"),
        ("input.validTo", "[input.validTo] period ends (2023-12-31) before it starts (2024-01-01)")]
    bad_id = {**bad, "id": "kveld patrulje", "kind": "team", "validTo": None}
    (field, message), = problems(secured, CREATE_UNIT, {"input": bad_id})
    assert field == "input.id" and "is not a valid id" in message
    assert read(secured, '{ node(id: "kveld", asOf: "2024-01-01") { id } }')["node"] is None
    assert audit_lines(tmp_path) == []


def test_each_mutation_of_a_document_answers_for_itself(secured, tmp_path):
    """Root mutations run in order, each in its own transaction: a refused one must not hide
    the ones before it that committed (or after it), as a non-null result's error would."""
    body = secured.post("/graphql", headers=EDITOR, json={"query": """mutation {
      a: createUnit(input: {id: "multi-1", name: "M1", kind: "team", source: "s"}) { id }
      b: createUnit(input: {id: "multi-2", name: "M2", kind: "squad", source: "s"}) { id }
      c: addRelationship(input: {type: PART_OF, from: "multi-1", to: "nosuch", source: "s"}) { to }
      d: addRelationship(input: {type: PART_OF, from: "multi-1", to: "helse", source: "s"}) { to } }"""}).json()
    assert body["data"] == {"a": {"id": "multi-1"}, "b": None, "c": None, "d": {"to": "helse"}}, body
    assert [(e["path"], e["extensions"]["field"]) for e in body["errors"]] == [
        (["b"], "input.kind"), (["c"], "input.to")]
    assert read(secured, '{ node(id: "multi-1") { ... on Unit { partOf { node { id } } } } }')["node"] == {
        "partOf": [{"node": {"id": "helse"}}]}
    assert read(secured, '{ node(id: "multi-2") { id } }')["node"] is None
    assert [e["mutation"] for e in audit_lines(tmp_path)] == ["createUnit", "addRelationship"]


def test_ids_are_unique_across_types(secured_asgi):
    for label, fields in (("Unit", {"name": "Dup", "kind": "team"}), ("Site", {"name": "Dup"})):
        found = problems(secured_asgi, f"mutation($i: Create{label}Input!) {{ create{label}(input: $i) {{ id }} }}",
                         {"i": {"id": "helse", "source": "s", **fields}})
        assert found == [("input.id", "[input.id] duplicate id 'helse': already defined at the database")]


def test_a_kommunenummer_is_held_by_one_municipality_at_a_time(secured_asgi):
    """Nordøy holds 1901 until 2019-12-31 (tests/data/valid): not again before then, by a new
    municipality or by moving another's number or start; from the day after, it is free."""
    create = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id kommunenummer } }"
    update = "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { id kommunenummer } }"
    new = {"id": "ny", "name": "Ny", "kind": "municipality", "kommunenummer": "1901", "source": "s"}
    clash = ("input.kommunenummer", "[input.kommunenummer] kommunenummer '1901' is also held by 'nord' "
             "(in the database, dataset 'fjordvik', valid … – 2019-12-31) in an overlapping period: "
             "a kommunenummer names one Organisation at a time")
    assert problems(secured_asgi, create, {"i": {**new, "validFrom": "2019-12-31"}}) == [clash]
    assert problems(secured_asgi, update, {"i": {"id": "sor", "source": "s", "kommunenummer": "1901"}}) == [clash]
    assert write(secured_asgi, update, {"i": {"id": "fjordvik", "source": "s", "kommunenummer": "1901"}}) == {
        "updateOrganisation": {"id": "fjordvik", "kommunenummer": "1901"}}  # it starts on 2020-01-01
    assert problems(secured_asgi, update, {"i": {"id": "fjordvik", "source": "s", "validFrom": "2019-06-01"}}) \
        == [clash]
    assert write(secured_asgi, create, {"i": {**new, "kommunenummer": "1902", "validFrom": "2020-01-01"}}) == {
        "createOrganisation": {"id": "ny", "kommunenummer": "1902"}}


def test_update_sets_clears_and_checks(secured_asgi):
    query = "mutation($i: UpdateUnitInput!) { updateUnit(input: $i) { name fte description source dataset } }"
    done = write(secured_asgi, query, {"i": {"id": "hjemmetjeneste", "source": "s2", "fte": 82.5,
                                             "description": "ny tekst"}})["updateUnit"]
    assert done == {"name": "Hjemmetjenesten", "fte": 82.5, "description": "ny tekst", "source": "s2",
                    "dataset": "api"}
    cleared = write(secured_asgi, query, {"i": {"id": "hjemmetjeneste", "source": "s3", "fte": None}})
    assert cleared["updateUnit"]["fte"] is None and cleared["updateUnit"]["description"] == "ny tekst"
    assert problems(secured_asgi, query, {"i": {"id": "hjemmetjeneste", "source": "s", "name": None}}) == [
        ("input.name", "[input.name] Unit needs 'name'")]
    assert problems(secured_asgi, query, {"i": {"id": "hjemmetjeneste", "source": "s", "fte": 2e6}}) == [
        ("input.fte", "[input.fte] must be at most 1 000 000, got 2000000.0")]
    assert problems(secured_asgi, query, {"i": {"id": "nosuch", "source": "s"}}) == [
        ("input.id", "[input.id] no Unit with id 'nosuch'")]
    assert problems(secured_asgi, query, {"i": {"id": "fjordvik", "source": "s"}}) == [
        ("input.id", "[input.id] 'fjordvik' is an Organisation, not a Unit")]
    # a later start would leave a relationship starting before the person exists
    person = "mutation($i: UpdatePersonInput!) { updatePerson(input: $i) { id } }"
    assert problems(secured_asgi, person, {"i": {"id": "cecilie", "source": "s", "validFrom": "2022-01-01"}}) == [
        ("input", "[input] existing HOLDS cecilie → kommunalsjef-helse: 'cecilie' did not exist on "
                  "2021-07-01 (start of the relationship); it is valid 2022-01-01 – …")]


def test_end_keeps_history_and_closes_open_relationships(secured, tmp_path):
    query = "mutation($i: EndInput!) { endUnit(input: $i) { id validTo source dataset } }"
    ended = write(secured, query, {"i": {"id": "natt", "validTo": "2023-06-30", "source": "vedtak 2023/5"}})
    assert ended["endUnit"] == {"id": "natt", "validTo": "2023-06-30", "source": "vedtak 2023/5",
                                "dataset": "api"}
    before = read(secured, '{ node(id: "hjemmetjeneste", asOf: "2023-06-30") { ... on Unit { hasParts { node { id } } } } }')
    after = read(secured, '{ node(id: "hjemmetjeneste", asOf: "2023-07-01") { ... on Unit { hasParts { node { id } } } } }')
    assert {"id": "natt"} in [p["node"] for p in before["node"]["hasParts"]]
    assert {"id": "natt"} not in [p["node"] for p in after["node"]["hasParts"]]
    assert read(secured, '{ node(id: "natt", asOf: "2023-07-01") { id } }')["node"] is None
    assert problems(secured, query, {"i": {"id": "natt", "validTo": "2024-01-01", "source": "s"}}) == [
        ("input.validTo", "[input.validTo] Unit 'natt' already ended on 2023-06-30; history is kept, "
                          "so an end is not moved (a wrong date is corrected with updateUnit)")]
    assert [e["ids"] for e in audit_lines(tmp_path)] == [["natt", "hjemmetjeneste"]]


def test_end_before_start_is_refused(secured_asgi):
    found = problems(secured_asgi, "mutation { endUnit(input: {id: \"natt\", validTo: \"2019-12-31\", "
                                   "source: \"s\", cascade: false}) { id } }")
    assert found == [("input.validTo", "[input.validTo] period ends (2019-12-31) before it starts (2020-01-01)")]


def add(client, **fields) -> list[tuple]:
    return problems(client, ADD, {"input": {"source": "s", **fields}})


def test_relationships_are_checked_like_the_loader_does(secured_asgi):
    c = secured_asgi
    assert add(c, type="PART_OF", **{"from": "natt", "to": "nosuch"}) == [
        ("input.to", "[input.to] unknown id 'nosuch' (PART_OF target)")]
    assert add(c, type="PART_OF", **{"from": "aase", "to": "helse"}) == [
        ("input.from", "[input.from] 'aase' is a Person; PART_OF source must be Unit or Organisation")]
    assert add(c, type="PART_OF", **{"from": "natt", "to": "helse", "role": "leder"}) == [
        ("input.role", "[input.role] PART_OF has no property 'role'")]
    assert add(c, type="PARTY_TO", **{"from": "fjordvik", "to": "ikt-avtale"}) == [
        ("input.role", "[input.role] PARTY_TO needs 'role'")]
    assert add(c, type="REPORTS_TO", kind="sideways", **{"from": "natt", "to": "stab"}) == [
        ("input.kind", "[input.kind] must be one of line, dotted; got 'sideways'")]
    assert sorted(add(c, type="BELONGS_TO", validFrom="2018-01-01", **{"from": "ledergruppe", "to": "fjordvik"})) == [
        ("input.from", "[input.from] 'ledergruppe' did not exist on 2018-01-01 (start of the relationship); "
                       "it is valid 2020-01-01 – …"),
        ("input.to", "[input.to] 'fjordvik' did not exist on 2018-01-01 (start of the relationship); "
                     "it is valid 2020-01-01 – …")]
    # the same relationship twice, an overlapping holder, a reporting cycle: checked against the graph
    assert add(c, type="PART_OF", **{"from": "natt", "to": "hjemmetjeneste"})[0][1] \
        .startswith("[input] PART_OF natt → hjemmetjeneste is stated twice (also at the database)")
    assert sorted(add(c, type="HOLDS", validFrom="2021-01-01", **{"from": "aase", "to": "kommunalsjef-helse"})) == [
        ("input", f"[input] post 'kommunalsjef-helse' is held by 'aase' and by {other!r} (in the database, "
                  "dataset 'fjordvik') in "
                  "overlapping periods") for other in ("bjorn", "cecilie")]
    (field, message), = add(c, type="PART_OF", validFrom="2022-01-01", **{"from": "helse", "to": "natt"})
    assert field == "input" and message.startswith("[input] reporting cycle from 2022-01-01: ")
    assert set(message.split(": ")[1].split(" → ")) == {"helse", "natt", "hjemmetjeneste"}
    (field, message), = add(c, type="REPORTS_TO", kind="line", **{"from": "kommunedirektor", "to": "leder-hjemme"})
    assert message.startswith("[input] reporting cycle: ")  # on every day: none of the links is dated
    assert set(message.split(": ")[1].split(" → ")) == {"kommunedirektor", "leder-hjemme", "kommunalsjef-helse"}
    # a dotted line is no line of command: no cycle
    dotted = write(c, ADD, {"input": {"type": "REPORTS_TO", "kind": "dotted", "from": "kommunedirektor",
                                      "to": "leder-hjemme", "source": "s"}})
    assert dotted["addRelationship"]["kind"] == "dotted"


def test_dated_relationships_use_their_owners_date(secured_asgi):
    # HAS_PREDECESSOR without a period: the organisation must exist the day before the change
    assert add(secured_asgi, type="HAS_PREDECESSOR", **{"from": "sammenslaing", "to": "fjordvik"}) == [
        ("input.to", "[input.to] 'fjordvik' did not exist on 2019-12-31 (the day before the change); "
                     "it is valid 2020-01-01 – …")]


def test_end_relationship_by_its_start(secured, tmp_path):
    key = {"type": "HOLDS", "from": "cecilie", "to": "kommunalsjef-helse", "validFrom": "2021-07-01"}
    ended = write(secured, END_REL, {"input": {**key, "validTo": "2024-03-31", "source": "melding 2024"}})
    assert ended["endRelationship"] == {**key, "validTo": "2024-03-31", "source": "melding 2024",
                                        "dataset": "fjordvik"}  # still the dataset's: the API only ended it
    holders = '{ node(id: "kommunalsjef-helse", asOf: "%s") { ... on Post { holders { node { id } } } } }'
    assert read(secured, holders % "2024-03-31")["node"]["holders"] == [{"node": {"id": "cecilie"}}]
    assert read(secured, holders % "2024-04-01")["node"]["holders"] == []
    # now a successor fits
    write(secured, ADD, {"input": {"type": "HOLDS", "from": "bjorn", "to": "kommunalsjef-helse",
                                   "validFrom": "2024-04-01", "source": "melding 2024"}})
    assert read(secured, holders % "2024-04-01")["node"]["holders"] == [{"node": {"id": "bjorn"}}]
    wrong_start = {**key, "validFrom": "2021-07-02", "validTo": "2024-03-31", "source": "s"}
    assert problems(secured, END_REL, {"input": wrong_start}) == [
        ("input", "[input] no HOLDS cecilie → kommunalsjef-helse starting 2021-07-02 in the database")]
    assert [e["mutation"] for e in audit_lines(tmp_path)] == ["endRelationship", "addRelationship"]


def test_end_relationship_without_start_and_end_checks(secured_asgi):
    key = {"type": "PART_OF", "from": "stab", "to": "fjordvik", "validFrom": "2020-01-01"}
    assert problems(secured_asgi, END_REL, {"input": {**key, "validTo": "2030-01-01", "source": "s"}}) == [
        ("input", "[input] no PART_OF stab → fjordvik starting 2020-01-01 in the database")]
    done = write(secured_asgi, END_REL, {"input": {**key, "validFrom": None, "validTo": "2030-01-01",
                                                   "source": "s"}})
    assert done["endRelationship"]["validFrom"] is None and done["endRelationship"]["validTo"] == "2030-01-01"
    holds = {"type": "HOLDS", "from": "cecilie", "to": "kommunalsjef-helse", "validFrom": "2021-07-01"}
    assert problems(secured_asgi, END_REL, {"input": {**holds, "validTo": "2021-01-01", "source": "s"}}) == [
        ("input.validTo", "[input.validTo] period ends (2021-01-01) before it starts (2021-07-01)")]
    # the person must still exist on the relationship's last day
    write(secured_asgi, "mutation { endPerson(input: {id: \"cecilie\", validTo: \"2024-12-31\", source: \"s\", "
                        "cascade: false}) { id } }")
    assert problems(secured_asgi, END_REL, {"input": {**holds, "validTo": "2025-06-30", "source": "s"}}) == [
        ("input.from", "[input.from] 'cecilie' did not exist on 2025-06-30 (end of the relationship); "
                       "it is valid … – 2024-12-31")]


def test_a_relationship_the_api_wrote_by_mistake_can_be_deleted(secured_asgi):
    """A wrong start is not history: delete it and add the right one. A dataset's relationship is
    corrected in its file instead, and is not touched."""
    delete = """mutation($input: DeleteRelationshipInput!) {
      deleteRelationship(input: $input) { type from to validFrom source dataset } }"""
    write(secured_asgi, CREATE_UNIT, {"input": {"id": "kveld", "name": "Kveld", "kind": "team", "source": "s"}})
    key = {"type": "PART_OF", "from": "kveld", "to": "hjemmetjeneste", "validFrom": "2024-01-01"}
    write(secured_asgi, ADD, {"input": {**key, "source": "feil dato"}})
    parts = '{ node(id: "kveld", asOf: "2024-06-01") { ... on Unit { partOf { validFrom node { id } } } } }'
    assert read(secured_asgi, parts)["node"]["partOf"] == [{"validFrom": "2024-01-01", "node": {"id": "hjemmetjeneste"}}]
    done = write(secured_asgi, delete, {"input": {**key, "source": "rettet: fra 2024-02-01"}})
    assert done["deleteRelationship"] == {**key, "source": "feil dato", "dataset": "api"}
    assert read(secured_asgi, parts)["node"]["partOf"] == []
    assert problems(secured_asgi, delete, {"input": {**key, "source": "s"}}) == [
        ("input", "[input] no PART_OF kveld → hjemmetjeneste starting 2024-01-01 in the database")]
    from_file = {"type": "HOLDS", "from": "cecilie", "to": "kommunalsjef-helse", "validFrom": "2021-07-01"}
    assert problems(secured_asgi, delete, {"input": {**from_file, "source": "s"}}) == [
        ("input", "[input] HOLDS cecilie → kommunalsjef-helse starting 2021-07-01 belongs to dataset 'fjordvik': "
                  "correct it in that dataset's file and load it again (only what the API wrote is deleted here)")]
    # ended through the API, it is still the dataset's: ending it is no way round that
    write(secured_asgi, END_REL, {"input": {**from_file, "validTo": "2024-03-31", "source": "s"}})
    assert problems(secured_asgi, delete, {"input": {**from_file, "source": "s"}})[0][1].startswith(
        "[input] HOLDS cecilie → kommunalsjef-helse starting 2021-07-01 belongs to dataset 'fjordvik'")
    # nor is ending its node: the relationships it closes keep their dataset too
    write(secured_asgi, "mutation { endUnit(input: {id: \"natt\", validTo: \"2023-06-30\", source: \"s\"}) { id } }")
    natt = {"type": "PART_OF", "from": "natt", "to": "hjemmetjeneste", "validFrom": None}
    assert "belongs to dataset 'fjordvik'" in problems(secured_asgi, delete, {"input": {**natt, "source": "s"}})[0][1]
    # what the API added and ended is the API's: a wrong end is mended by deleting it and adding it again
    key = {**key, "validFrom": "2024-02-01"}
    write(secured_asgi, ADD, {"input": {**key, "source": "s"}})
    write(secured_asgi, END_REL, {"input": {**key, "validTo": "2024-05-31", "source": "s"}})
    assert problems(secured_asgi, END_REL, {"input": {**key, "validTo": "2024-06-30", "source": "s"}}) == [
        ("input.validTo", "[input.validTo] PART_OF kveld → hjemmetjeneste starting 2024-02-01 already ended on "
                          "2024-05-31; history is kept, so an end is not moved (delete it with deleteRelationship "
                          "and add it again)")]
    assert write(secured_asgi, delete, {"input": {**key, "source": "s"}})["deleteRelationship"]["dataset"] == "api"


def test_a_failed_write_leaves_nothing_behind(graph, tmp_path, monkeypatch, caplog):
    """The node is written before its relationships are closed; a failure then undoes both."""
    client = AsgiClient(secured_app(graph, tmp_path))
    monkeypatch.setattr(writes, "closing", lambda engine: "SET r.valid_to = nosuchfunction($end_day)")
    response = client.post("/graphql", headers=EDITOR, json={
        "query": 'mutation { endUnit(input: {id: "natt", validTo: "2023-06-30", source: "s"}) { id } }'})
    assert response.json()["errors"][0]["message"] == "internal error"
    assert gql(client, '{ node(id: "natt", asOf: "2024-01-01") { validTo source } }')["node"] == {
        "validTo": None, "source": "tests/data/valid/fjordvik.yaml"}
    assert audit_lines(tmp_path) == []


def test_writes_need_an_editor(secured):
    query = 'mutation { createSite(input: {id: "x", name: "X", source: "s"}) { id } }'
    anonymous = problems(secured, query, headers={})
    assert anonymous == [(None, "createSite needs the editor role: send Authorization: Bearer <token>")]
    reader = secured.post("/graphql", json={"query": query}, headers=bearer(["reader"])).json()
    assert reader["errors"][0]["message"] == "createSite needs the editor role; your token has roles: reader"
    assert reader["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert gql(secured, '{ node(id: "x") { id } }')["node"] is None


def test_mutation_types_come_from_the_model():
    from orggraph.api import sdl
    text = sdl()
    for node in NODES:
        for verb, argument in (("create", f"Create{node.label}Input!"), ("update", f"Update{node.label}Input!"),
                               ("end", "EndInput!")):
            assert f"  {verb}{node.label}(input: {argument}): {node.label}\n" in text  # nullable
    assert "addRelationship(input: AddRelationshipInput!): Relationship\n" in text
    assert "endRelationship(input: EndRelationshipInput!): Relationship\n" in text
    create = text[text.index("input CreateChangeEventInput"):]
    assert "date: Date!" in create[:create.index("}")] and "dataset" not in create[:create.index("}")]


def test_answers_follow_writes_at_once(secured_asgi):
    """Named queries (and any cache behind them) see a write as soon as it commits."""
    chain = '{ chainOfCommand(id: "natt", asOf: "2024-06-01") { id } }'
    before = [c["id"] for c in read(secured_asgi, chain)["chainOfCommand"]]
    assert [c["id"] for c in read(secured_asgi, chain)["chainOfCommand"]] == before  # asked twice
    assert before[0] == "hjemmetjeneste"
    write(secured_asgi, END_REL, {"input": {"type": "PART_OF", "from": "natt", "to": "hjemmetjeneste",
                                            "validTo": "2024-01-31", "source": "s"}})
    write(secured_asgi, ADD, {"input": {"type": "PART_OF", "from": "natt", "to": "sykehjem",
                                        "validFrom": "2024-02-01", "source": "s"}})
    assert [c["id"] for c in read(secured_asgi, chain)["chainOfCommand"]][0] == "sykehjem"


def test_search_follows_creates_and_renames(secured_asgi):
    """`search` finds a node by the name a mutation gave it, and no longer by the name it replaced
    (on Neo4j through the folded name every write keeps, on LadybugDB through the line index)."""
    query = '{ search(text: "%s", asOf: "2025-01-01") { ... on Unit { id name } } }'
    assert read(secured_asgi, query % "ornes")["search"] == []
    write(secured_asgi, CREATE_UNIT, {"input": {"id": "kveld", "name": "Kveldspatrulje Ørnes", "kind": "team",
                                                "source": "s"}})
    assert read(secured_asgi, query % "ORNES kveld")["search"] == [{"id": "kveld", "name": "Kveldspatrulje Ørnes"}]
    rename = "mutation($i: UpdateUnitInput!) { updateUnit(input: $i) { name } }"
    write(secured_asgi, rename, {"i": {"id": "kveld", "name": "Nattevakt Åsgård", "source": "s2"}})
    assert read(secured_asgi, query % "ornes")["search"] == []
    assert read(secured_asgi, query % "asgard nattevakt")["search"] == [{"id": "kveld", "name": "Nattevakt Åsgård"}]


def test_the_mutations_in_the_api_docs_run_on_the_test_data(secured_asgi):
    """docs/API.md's examples use tests/data/valid's ids (it says so): they must run there."""
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "docs" / "API.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```graphql\n")[1:]]
    documents = [b for b in blocks if b.startswith("mutation")]
    assert len(documents) >= 2
    for document in documents:
        assert all(value is not None for value in write(secured_asgi, document).values()), document
    assert read(secured_asgi, '{ node(id: "natt", asOf: "2023-06-30") { validTo } }')["node"] == {
        "validTo": "2023-06-30"}
