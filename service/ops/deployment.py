"""What every process on one database must agree on, checked as each one starts.

Links in emails are signed with ``[web] secret_key`` (or, when it is empty, a key
generated into the process's var/ folder).  A worker on another machine with
another key sends links the web app refuses, and nothing said so (a PostgreSQL
operator's review: one-click unsubscribes answered 403).  The first long-running
process records its key's fingerprint in ``deployment_facts``; a later one with
another key refuses to start, saying what to do.  After changing the key on
purpose, `newsalerts config adopt-key` records the new one.

Each process also says, as it starts, where it works: the database, where its
emails go and which key signs its links, so a misconfigured one shows in the log.
"""

from __future__ import annotations

from service.context import Context
from service.db import tables
from service.db.bulk import insert_new
from service.db.database import transaction
from service.db.tables import Base
from service.errors import ConfigError
from service.typed_settings import mask_url

__all__ = ["adopt_signing_key", "check_signing_key", "describe_process", "signing_key_agrees"]

SIGNING_KEY = "link_signing_key"
FACTS = Base.metadata.tables["deployment_facts"]


def check_signing_key(ctx: Context, who: str) -> None:
    """Record this process's key fingerprint if none is; refuse another one (ConfigError)."""
    mine = ctx.signer.fingerprint
    with transaction(ctx.sessions) as session:
        insert_new(session, FACTS,
                   [{"name": SIGNING_KEY, "value": mine, "recorded_by": who,
                     "recorded_at": ctx.now()}], ["name"])
        fact = session.get_one(tables.DeploymentFact, SIGNING_KEY)
        theirs, by, at = fact.value, fact.recorded_by, fact.recorded_at
    if theirs != mine:
        raise ConfigError(
            f"this process signs links with another key (fingerprint {mine}) than this "
            f"database's other processes ({theirs}, recorded by {by} at {at:%Y-%m-%d %H:%M} "
            "UTC): its emails' links would be refused. Give every process the same [web] "
            "secret_key; after changing it on purpose, run `newsalerts config adopt-key`")


def signing_key_agrees(ctx: Context) -> bool:
    """Whether the key this database records is still this process's (a running worker asks
    before each round: after `config adopt-key` it must stop signing with the old one)."""
    with ctx.sessions() as session:
        fact = session.get(tables.DeploymentFact, SIGNING_KEY)
        return fact is None or fact.value == ctx.signer.fingerprint


def adopt_signing_key(ctx: Context, who: str) -> tuple[str | None, str]:
    """Make this process's key the deployment's; (the fingerprint before, after).  Only a
    configured ``[web] secret_key``: one generated into this folder's var/ just now would be
    no other process's (a review: adopt-key run from another folder adopted a new random
    key and locked every process out)."""
    if not ctx.settings.web.secret_key:
        raise ConfigError("adopt-key adopts the configured [web] secret_key, and none is set: "
                          "set the key every process shares, then run it again")
    mine = ctx.signer.fingerprint
    with transaction(ctx.sessions) as session:
        fact = session.get(tables.DeploymentFact, SIGNING_KEY)
        before = fact.value if fact is not None else None
        if fact is None:
            session.add(tables.DeploymentFact(name=SIGNING_KEY, value=mine, recorded_by=who,
                                              recorded_at=ctx.now()))
        else:
            fact.value, fact.recorded_by, fact.recorded_at = mine, who, ctx.now()
    return before, mine


def describe_process(ctx: Context, role: str) -> str:
    """One line: where this process works, for the log as it starts."""
    settings = ctx.settings
    mail = (f"SMTP {settings.smtp.host}:{settings.smtp.port or 'default port'}"
            if settings.smtp.host else f"the outbox folder {settings.smtp.outbox_dir} (no "
            "[smtp] host: nothing leaves this machine)")
    return (f"{role}: database {mask_url(settings.database.url)}, email to {mail}, links for "
            f"{ctx.base_url} signed with key {ctx.signer.fingerprint}")
