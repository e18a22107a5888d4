"""Bearer tokens (HS256, RS256), roles, private properties and 401s, in-process and over HTTP."""
from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from orggraph.api import create_app
from orggraph.api.auth import AuthConfig
from orggraph.loader.load import load

from apiutil import (VALID, AsgiClient, SECRET, bearer, gql, graph, make_client, secured,  # noqa: F401
                     secured_app, secured_asgi, token)
from conftest import make_engine

EMAIL = '{ node(id: "aase") { ... on Person { name email phone } } }'


def post(client, query: str, headers: dict | None = None):
    return client.post("/graphql", json={"query": query}, headers=headers or {})


def test_anonymous_readers_see_public_facts_only(secured):
    body = post(secured, EMAIL).json()
    assert body["data"] == {"node": {"name": "Åse Ødegård", "email": None, "phone": None}}
    assert {tuple(e["path"]) for e in body["errors"]} == {("node", "email"), ("node", "phone")}
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHENTICATED"}
    assert "Person.email is personal data" in body["errors"][0]["message"] + body["errors"][1]["message"]


@pytest.mark.parametrize("roles", [["reader"], ["editor"], "reader other"])
def test_readers_and_editors_see_private_properties(secured, roles):
    data = gql(secured, EMAIL, headers={"Authorization": f"Bearer {token(roles)}"})
    assert data == {"node": {"name": "Åse Ødegård", "email": "aase@example.org", "phone": None}}


def test_a_token_without_a_reading_role_is_forbidden_private_data(secured_asgi):
    body = post(secured_asgi, EMAIL, bearer(["auditor"])).json()
    assert body["data"]["node"]["email"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "your token has roles: auditor" in body["errors"][0]["message"]


def test_private_properties_cannot_be_filtered_by_anonymous_readers():
    from orggraph.api import sdl
    text = sdl()
    where = text[text.index("input PersonWhere"):]
    assert "email" not in where[:where.index("}")]


@pytest.fixture(scope="module", params=["asgi", "http"])
def gatekeeper(request, tmp_path_factory):
    """One token-checking app for the many bad tokens, in-process and over real HTTP: a token is
    refused before the database is asked anything, so one engine (embedded) and one server do."""
    folder = tmp_path_factory.mktemp("gatekeeper")
    engine = make_engine("embedded", folder)
    load(engine, [VALID])
    yield from make_client(secured_app(engine, folder), request.param)
    engine.close()


@pytest.mark.parametrize("case, headers, message", [
    ("expired", lambda: bearer(exp=int(time.time()) - 3600), "the token has expired"),
    ("audience", lambda: bearer(aud="someone-else"), "its audience (aud) must be 'orggraph'"),
    ("signature", lambda: bearer(key="another-secret-of-at-least-32-bytes!!"),
     "signature does not verify"),
    ("no subject", lambda: bearer(sub=None), "the token has no 'sub' claim"),
    ("garbage", lambda: {"Authorization": "Bearer not.a.jwt"}, "the token is not a JWT"),
    ("scheme", lambda: {"Authorization": "Basic a2FyaTpwdw=="}, "must be `Bearer <token>`"),
    ("roles", lambda: bearer(roles=[1, 2]), "roles claim must be a list of strings"),
    ("not yet valid", lambda: bearer(nbf=int(time.time()) + 3600), "the token is not valid yet"),
    ("alg none", lambda: {"Authorization": "Bearer " + token(key=None, alg="none")},
     "signed with 'none'; this server accepts HS256"),
    ("tampered", lambda: {"Authorization": "Bearer " + tampered()}, "signature does not verify"),
    ("malformed", lambda: {"Authorization": "Bearer e30.e30.e30.e30"}, "the token is not a JWT"),
    ("bad base64", lambda: {"Authorization": "Bearer !!!.???.###"}, "the token is not a JWT"),
    ("no scheme", lambda: {"Authorization": token()}, "must be `Bearer <token>`"),
    ("empty", lambda: {"Authorization": "Bearer"}, "must be `Bearer <token>`"),
    ("no expiry", lambda: {"Authorization": "Bearer " + token(exp=None)}, "the token has no 'exp' claim"),
    ("bad expiry", lambda: bearer(exp="tomorrow"), "the token is invalid: Expiration Time claim (exp) must be"),
    ("empty subject", lambda: bearer(sub=""), "sub"),
])
def test_bad_tokens_are_401_with_a_reason(gatekeeper, case, headers, message):
    response = post(gatekeeper, '{ municipalities { id } }', headers())
    assert response.status_code == 401, case
    assert message in response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["www-authenticate"].startswith('Bearer realm="orggraph", error="invalid_token"')


def tampered() -> str:
    """A good token whose claims were edited after signing (roles widened)."""
    import base64
    import json
    head, claims, signature = token(["reader"]).split(".")
    body = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    body["roles"] = ["editor"]
    edited = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{head}.{edited}.{signature}"


def test_issuer_is_checked_when_configured(graph, tmp_path):
    app = create_app(graph, auth=AuthConfig(secret=SECRET, issuer="https://idp.example.org"),
                     audit=tmp_path / "audit.jsonl")
    client = AsgiClient(app)
    assert gql(client, EMAIL, headers=bearer(["reader"], iss="https://idp.example.org"))["node"]["email"]
    for headers, message in ((bearer(["reader"], iss="https://evil.example.org"),
                              "the token's issuer (iss) must be 'https://idp.example.org'"),
                             (bearer(["reader"]), "the token has no 'iss' claim")):
        response = post(client, EMAIL, headers)
        assert response.status_code == 401 and message in response.json()["errors"][0]["message"]


@pytest.fixture(scope="module")
def rsa_keys(tmp_path_factory):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    path = tmp_path_factory.mktemp("keys") / "orggraph.pub.pem"
    path.write_bytes(pem)
    return private, path


@pytest.mark.parametrize("transport", ["asgi", "http"])
def test_rs256_keys_and_issuer_from_the_environment(graph, tmp_path, monkeypatch, rsa_keys, transport):
    private, public_file = rsa_keys
    monkeypatch.delenv("ORGGRAPH_JWT_SECRET", raising=False)
    monkeypatch.setenv("ORGGRAPH_JWT_PUBLIC_KEY_FILE", str(public_file))
    monkeypatch.setenv("ORGGRAPH_JWT_AUDIENCE", "orggraph-test")
    monkeypatch.setenv("ORGGRAPH_JWT_ISSUER", "https://idp.example.org")
    app = create_app(graph, audit=tmp_path / "audit.jsonl")  # everything from the environment
    for client in make_client(app, transport):
        good = token(["reader"], key=private, alg="RS256", aud="orggraph-test", iss="https://idp.example.org")
        data = gql(client, EMAIL, headers={"Authorization": f"Bearer {good}"})
        assert data["node"]["email"] == "aase@example.org"
        wrong_issuer = token(["reader"], key=private, alg="RS256", aud="orggraph-test", iss="https://evil")
        response = post(client, EMAIL, {"Authorization": f"Bearer {wrong_issuer}"})
        assert response.status_code == 401 and "issuer (iss) must be 'https://idp.example.org'" in response.text
        hs256 = token(["reader"], aud="orggraph-test", iss="https://idp.example.org")
        response = post(client, EMAIL, {"Authorization": f"Bearer {hs256}"})
        assert response.status_code == 401
        assert "signed with 'HS256'; this server accepts RS256" in response.json()["errors"][0]["message"]


def test_a_server_without_keys_refuses_tokens_but_serves_anonymous_readers(graph, tmp_path):
    client = AsgiClient(create_app(graph, auth=AuthConfig(), audit=tmp_path / "a.jsonl"))
    assert post(client, '{ municipalities { id } }').status_code == 200
    response = post(client, '{ municipalities { id } }', bearer())
    assert response.status_code == 401 and "this server accepts no tokens" in response.text


def test_both_algorithms_at_once(rsa_keys):
    private, public_file = rsa_keys
    config = AuthConfig(secret=SECRET, public_key=public_file.read_text())
    assert config.verify(token(["editor"], key=private, alg="RS256")).can_write()
    assert config.verify(token(["reader"])).can_read_private()
    assert not config.verify(token([])).can_read_private()
