"""refusals stored before stop 33 known by their bytes, as new ones are

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:30:00

Stop 33 keyed a refused message by the sha256 of its bytes (ingest/store.py
``refusal_key``), where it had been keyed by its Message-ID: a message refused
before the upgrade and read again after it was stored twice and counted twice.
Each older row that holds the whole message (``size`` is the length of ``raw``)
gets the key its bytes give; of two rows then holding the same bytes, the later
refusal is kept.  A row that kept only the headers of a message too large to
store keeps its old key: its bytes are not here to hash.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PREFIX = "sha256:"

refused = sa.table("refused_messages", sa.column("id", sa.Integer),
                   sa.column("dedupe_key", sa.String), sa.column("size", sa.BigInteger),
                   sa.column("raw", sa.LargeBinary))


def upgrade() -> None:
    bind = op.get_bind()
    old = bind.execute(sa.select(refused.c.id, refused.c.size, refused.c.raw)
                       .where(~refused.c.dedupe_key.startswith(PREFIX))
                       .order_by(refused.c.id)).all()
    for row_id, size, raw in old:
        raw = bytes(raw or b"")
        if not raw or len(raw) != size:
            continue
        key = PREFIX + hashlib.sha256(raw).hexdigest()
        later = bind.scalar(sa.select(refused.c.id).where(refused.c.dedupe_key == key))
        if later is not None:  # the same bytes, refused again after the upgrade
            bind.execute(refused.delete().where(refused.c.id == row_id))
        else:
            bind.execute(refused.update().where(refused.c.id == row_id).values(dedupe_key=key))


def downgrade() -> None:
    """Nothing to undo: a key made of the bytes is as unique as the Message-ID was."""
