"""Bearer tokens (JWT) and roles.

A request without `Authorization` is an anonymous reader: it sees public facts.
A request with `Authorization: Bearer <jwt>` must carry a valid token, or it is
refused with 401 before anything runs (a bad token never degrades to anonymous).

Keys come from the environment (see `AuthConfig.from_env`):

* `ORGGRAPH_JWT_SECRET`: a shared secret, accepts HS256 tokens;
* `ORGGRAPH_JWT_PUBLIC_KEY_FILE`: a PEM public key, accepts RS256 tokens;
* `ORGGRAPH_JWT_AUDIENCE`: the required `aud` (default "orggraph");
* `ORGGRAPH_JWT_ISSUER`: the required `iss`, if set;
* `ORGGRAPH_JWT_LEEWAY`: seconds of clock skew allowed on `exp`/`nbf`/`iat` (default 30).

Tokens must carry `sub` (who: it goes to the audit log) and `exp`. Roles come
from the `roles` claim (a list, or a space-separated string): `reader` may see
private properties (personal data), `editor` may also write.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orggraph.errors import OrggraphError

READER, EDITOR = "reader", "editor"
DEFAULT_AUDIENCE = "orggraph"


class AuthFailed(OrggraphError):
    """The request's token cannot be accepted: the client gets 401 and this message."""

    exit_code = 2


class NotAllowed(OrggraphError):
    """The caller lacks a role a field needs; a GraphQL error with a code, never masked."""

    exit_code = 2

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.extensions = {"code": code}


@dataclass(frozen=True)
class Principal:
    """Who is asking: `subject` is None for anonymous requests."""

    subject: str | None = None
    roles: frozenset[str] = frozenset()

    @property
    def authenticated(self) -> bool:
        return self.subject is not None

    def can_read_private(self) -> bool:
        return self.authenticated and bool(self.roles & {READER, EDITOR})

    def can_write(self) -> bool:
        return self.authenticated and EDITOR in self.roles


ANONYMOUS = Principal()


@dataclass(frozen=True)
class AuthConfig:
    secret: str | None = None
    public_key: str | None = None  # PEM text
    audience: str = DEFAULT_AUDIENCE
    issuer: str | None = None
    leeway: float = 30.0
    keys: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.secret:
            self.keys["HS256"] = self.secret
        if self.public_key:
            from cryptography.hazmat.primitives.serialization import load_pem_public_key
            try:
                self.keys["RS256"] = load_pem_public_key(self.public_key.encode())
            except ValueError as exc:
                raise OrggraphError(f"the JWT public key is not a PEM public key: {exc}") from None

    @classmethod
    def from_env(cls) -> "AuthConfig":
        env = os.environ
        key_file = env.get("ORGGRAPH_JWT_PUBLIC_KEY_FILE")
        public_key = None
        if key_file:
            try:
                public_key = Path(key_file).expanduser().read_text(encoding="utf-8")
            except OSError as exc:
                raise OrggraphError(f"cannot read ORGGRAPH_JWT_PUBLIC_KEY_FILE {key_file}: "
                                    f"{exc.strerror}") from None
        try:
            leeway = float(env.get("ORGGRAPH_JWT_LEEWAY", "30"))
        except ValueError:
            raise OrggraphError("ORGGRAPH_JWT_LEEWAY must be a number of seconds") from None
        return cls(secret=env.get("ORGGRAPH_JWT_SECRET") or None, public_key=public_key,
                   audience=env.get("ORGGRAPH_JWT_AUDIENCE") or DEFAULT_AUDIENCE,
                   issuer=env.get("ORGGRAPH_JWT_ISSUER") or None, leeway=leeway)

    @property
    def enabled(self) -> bool:
        return bool(self.keys)

    def describe(self) -> str:
        if not self.enabled:
            return "no token keys configured: anonymous reads only"
        return f"bearer tokens {', '.join(sorted(self.keys))}, audience {self.audience!r}" + (
            f", issuer {self.issuer!r}" if self.issuer else "")

    def principal(self, authorization: str | None) -> Principal:
        """The caller named by an `Authorization` header value; raises AuthFailed."""
        if authorization is None:
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthFailed("the Authorization header must be `Bearer <token>`")
        if not self.enabled:
            raise AuthFailed("this server accepts no tokens: set ORGGRAPH_JWT_SECRET or "
                             "ORGGRAPH_JWT_PUBLIC_KEY_FILE, or send the request without Authorization")
        return self.verify(token.strip())

    def verify(self, token: str) -> Principal:
        import jwt
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise AuthFailed(f"the token is not a JWT: {exc}") from None
        alg = header.get("alg")
        if alg not in self.keys:
            raise AuthFailed(f"the token is signed with {alg!r}; this server accepts "
                             f"{', '.join(sorted(self.keys))}")
        options = {"require": ["exp", "sub"]}
        try:
            claims = jwt.decode(token, self.keys[alg], algorithms=[alg], audience=self.audience,
                                issuer=self.issuer, leeway=self.leeway, options=options)
        except jwt.ExpiredSignatureError:
            raise AuthFailed("the token has expired (exp is in the past)") from None
        except jwt.InvalidAudienceError:
            raise AuthFailed(f"the token is not for this service: its audience (aud) must be "
                             f"{self.audience!r}") from None
        except jwt.InvalidIssuerError:
            raise AuthFailed(f"the token's issuer (iss) must be {self.issuer!r}") from None
        except jwt.InvalidSignatureError:
            raise AuthFailed("the token's signature does not verify with this server's key") from None
        except jwt.MissingRequiredClaimError as exc:
            needed = "sub, exp and iss" if self.issuer else "sub and exp"
            raise AuthFailed(f"the token has no {exc.claim!r} claim; tokens need {needed}") from None
        except jwt.ImmatureSignatureError:
            raise AuthFailed("the token is not valid yet (nbf or iat is in the future)") from None
        except jwt.InvalidTokenError as exc:
            raise AuthFailed(f"the token is invalid: {exc}") from None
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise AuthFailed("the token's sub claim must be a non-empty string")
        return Principal(subject, frozenset(_roles(claims.get("roles"))))


def _roles(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise AuthFailed("the token's roles claim must be a list of strings (or one space-separated string)")


def require_reader(principal: Principal, what: str) -> None:
    if principal.can_read_private():
        return
    if not principal.authenticated:
        raise NotAllowed(f"{what} is personal data: only authenticated readers see it "
                         "(send Authorization: Bearer <token> with role reader or editor)",
                         "UNAUTHENTICATED")
    raise NotAllowed(f"{what} is personal data: it needs role reader or editor; your token has "
                     f"{_role_list(principal)}", "FORBIDDEN")


def require_editor(principal: Principal, what: str) -> None:
    if principal.can_write():
        return
    if not principal.authenticated:
        raise NotAllowed(f"{what} needs the editor role: send Authorization: Bearer <token>",
                         "UNAUTHENTICATED")
    raise NotAllowed(f"{what} needs the editor role; your token has {_role_list(principal)}",
                     "FORBIDDEN")


def _role_list(principal: Principal) -> str:
    return "roles: " + ", ".join(sorted(principal.roles)) if principal.roles else "no roles"
