"""The audit trail: a JSON line per committed write, readable by editors through auditLog."""
from __future__ import annotations

import datetime as dt
import json

from orggraph.api import create_app
from orggraph.api.audit import AuditLog, default_path

from apiutil import AsgiClient, bearer, gql, graph, secured, secured_asgi  # noqa: F401

LOG = "query($since: DateTime, $actor: String, $first: Int! = 50) { " \
      "auditLog(since: $since, actor: $actor, first: $first) { at actor mutation ids input } }"
SITE = 'mutation($id: ID!) { createSite(input: {id: $id, name: "Kontor", source: "s"}) { id } }'


def test_committed_writes_are_logged_and_queryable_by_editors(secured, tmp_path):
    for who, site in (("kari", "kontor-1"), ("ola", "kontor-2"), ("kari", "kontor-3")):
        gql(secured, SITE, {"id": site}, headers=bearer(sub=who))
    gql_errors = secured.post("/graphql", headers=bearer(sub="ola"), json={
        "query": SITE, "variables": {"id": "kontor-1"}}).json()["errors"]  # a duplicate: not written
    assert gql_errors[0]["extensions"]["field"] == "input.id"
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(e["actor"], e["ids"]) for e in lines] == [("kari", ["kontor-1"]), ("ola", ["kontor-2"]),
                                                       ("kari", ["kontor-3"])]
    assert lines[0]["input"] == {"id": "kontor-1", "name": "Kontor", "source": "s"}
    editor = bearer(sub="revisor")
    entries = gql(secured, LOG, headers=editor)["auditLog"]
    assert [e["ids"] for e in entries] == [["kontor-3"], ["kontor-2"], ["kontor-1"]]  # newest first
    assert entries[0]["mutation"] == "createSite" and entries[0]["input"]["name"] == "Kontor"
    assert [e["ids"] for e in gql(secured, LOG, {"actor": "kari", "first": 1}, headers=editor)["auditLog"]] == [
        ["kontor-3"]]
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1)).isoformat()
    assert gql(secured, LOG, {"since": later}, headers=editor)["auditLog"] == []
    since = dt.datetime.fromisoformat(entries[1]["at"]).replace(tzinfo=None).isoformat()  # naive: UTC
    assert len(gql(secured, LOG, {"since": since}, headers=editor)["auditLog"]) == 2


def test_only_editors_read_the_log(secured_asgi):
    for headers, code in (({}, "UNAUTHENTICATED"), (bearer(["reader"]), "FORBIDDEN")):
        body = secured_asgi.post("/graphql", json={"query": LOG}, headers=headers).json()
        assert body["data"] == {"auditLog": None} and body["errors"][0]["extensions"]["code"] == code


def test_where_the_log_lives(tmp_path, monkeypatch):
    class Embedded:
        path = tmp_path / "graph.lbdb"
    monkeypatch.delenv("ORGGRAPH_AUDIT_LOG", raising=False)
    assert default_path(Embedded()) == tmp_path / "graph.lbdb.audit.jsonl"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path(object()) == tmp_path / "xdg" / "orggraph" / "audit.jsonl"
    monkeypatch.setenv("ORGGRAPH_AUDIT_LOG", str(tmp_path / "elsewhere.jsonl"))
    assert default_path(Embedded()) == tmp_path / "elsewhere.jsonl"


def test_the_log_is_append_only_and_skips_damaged_lines(tmp_path, caplog):
    log = AuditLog(tmp_path / "sub" / "audit.jsonl")
    log.record("a", "createUnit", ["x"], {"validFrom": dt.date(2024, 1, 1)})
    with log.path.open("a") as f:
        f.write("not json\n")
    log.record("b", "endUnit", ["x"], {})
    assert [e["actor"] for e in log.entries()] == ["b", "a"]
    assert log.entries(actor="a")[0]["input"] == {"validFrom": "2024-01-01"}
    assert "line 2 is not an audit entry" in caplog.text


def test_the_app_audits_beside_the_embedded_database_by_default(engine, tmp_path, monkeypatch):
    monkeypatch.delenv("ORGGRAPH_AUDIT_LOG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    app = create_app(engine)
    expected = (engine.path.with_name(engine.path.name + ".audit.jsonl") if engine.dialect == "ladybug"
                else tmp_path / "xdg" / "orggraph" / "audit.jsonl")
    assert app.state.audit.path == expected
    assert AsgiClient(app).get("/healthz").status_code == 200
