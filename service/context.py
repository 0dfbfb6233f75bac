"""What every command and job needs at hand, built once from the settings.

The clock is part of it so that tests (and the digest's ISO week) can run at
any date without patching time.  ``now`` is the one clock every stage reads;
it returns an aware datetime (UTC unless a test says otherwise), and the
database's UtcDateTime columns store it as UTC whatever its zone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Settings
from service.db.database import make_engine, session_factory, upgrade
from service.db.types import utc_now
from service.deliver.tokens import LinkSigner, load_or_create_secret_key

log = logging.getLogger(__name__)


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    var_dir: Path = Path("var")
    now: Callable[[], datetime] = field(default=utc_now)

    @cached_property
    def signer(self) -> LinkSigner:
        key = load_or_create_secret_key(self.settings.web.secret_key, self.var_dir)
        return LinkSigner(key)

    @property
    def base_url(self) -> str:
        return self.settings.web.base_url.rstrip("/")

    def close(self) -> None:
        self.engine.dispose()


def open_context(settings: Settings, *, migrate: bool = True,
                 var_dir: Path = Path("var")) -> Context:
    """Connect to the configured database, bringing its schema up to date first."""
    engine = make_engine(settings.database.url)
    if migrate:
        before, after = upgrade(engine)
        if before is not None and before != after:
            # an older database brought up to date: said, for an older newsalerts will not
            # read it again (`migrate --to` goes back only so far; an operator's review)
            log.warning("database schema upgraded from revision %s to %s", before, after)
    return Context(settings, engine, session_factory(engine), var_dir)
