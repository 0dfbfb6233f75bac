"""Subscribers: add, confirm, change, unsubscribe, remove, list, CSV import, and the CLI.

Every test that touches the database runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from service.classify.label_rows import READER, save_label
from service.cli.subscribers import subscribers_group
from service.context import Context
from service.db.database import transaction
from service.db.tables import Delivery, Label, Subscriber, Subscription
from service.errors import InvalidLink
from service.subscribers import csv_import as subscriber_import
from service.subscribers.registry import (
    add_subscriber,
    confirm,
    find_subscriber,
    import_csv,
    list_subscribers,
    remove_subscriber,
    set_preferences,
    unsubscribe,
)
from tests.db import FIXED_NOW, make_issue

NOW = FIXED_NOW


def listed(context: Context) -> dict[str, dict[str, object]]:
    with context.sessions() as session:
        return {row["email"]: row for row in list_subscribers(session)}


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "subscribers.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_list_remove_round_trip(context: Context) -> None:
    with transaction(context.sessions) as session:
        add_subscriber(session, " Alice@Example.COM ", ["safety", "policy"], "instant",
                       confirmed=True, now=NOW)
        add_subscriber(session, "bob@example.org", ["compute"], "weekly", confirmed=False,
                       min_score=0.7, now=NOW)
    rows = listed(context)
    assert rows == {
        "alice@example.com": {
            "email": "alice@example.com", "status": "active",
            "themes": {"policy": "instant", "safety": "instant"}, "min_score": None,
            "created_at": rows["alice@example.com"]["created_at"],
            "confirmed_at": rows["alice@example.com"]["confirmed_at"],
        },
        "bob@example.org": {
            "email": "bob@example.org", "status": "pending", "themes": {"compute": "weekly"},
            "min_score": 0.7, "created_at": rows["bob@example.org"]["created_at"],
            "confirmed_at": None,
        },
    }
    assert rows["alice@example.com"]["confirmed_at"] is not None
    json.dumps(list(rows.values()))  # JSON-serialisable as they are
    with transaction(context.sessions) as session:
        assert remove_subscriber(session, "ALICE@example.com") is True
        assert remove_subscriber(session, "nobody@example.com") is False
    assert list(listed(context)) == ["bob@example.org"]
    with context.sessions() as session:
        assert session.scalars(select(Subscription.theme)).all() == ["compute"]


@pytest.mark.parametrize(("email", "themes", "cadence", "message"), [
    ("not-an-address", ["safety"], "instant", "not a valid email address"),
    ("a b@example.com", ["safety"], "instant", "not a valid email address"),
    ("a@localhost", ["safety"], "instant", "not a valid email address"),
    ("a@example.com\r\nBcc: x@example.com", ["safety"], "instant", "not a valid email"),
    # source routing, an IP address for a domain, an encoded word (the web attacker's probe)
    ("x!y%z@127.0.0.1", ["safety"], "instant", "not a valid email address"),
    ("x%internal@example.com", ["safety"], "instant", "not a valid email address"),
    ("a@10.0.0.7", ["safety"], "instant", "not a valid email address"),
    ("a=?utf-8?q?x?=@b.co", ["safety"], "instant", "not a valid email address"),
    # beyond ASCII: sending would need SMTPUTF8 (a read-only review: the form took them)
    ("josé@example.com", ["safety"], "instant", "only addresses in plain ASCII"),
    ("\u0130@example.com", ["safety"], "instant", "only addresses in plain ASCII"),
    ("a\u200bb@example.com", ["safety"], "instant", "only addresses in plain ASCII"),
    ("a@example.com", ["safety", "sports"], "instant", "unknown theme 'sports'"),
    ("a@example.com", [], "instant", "choose at least one theme"),
    ("a@example.com", ["safety"], "daily", "unknown cadence 'daily'"),
])
def test_bad_address_theme_or_cadence_is_refused(
        sqlite_context: Context, email: str, themes: list[str], cadence: str,
        message: str) -> None:
    with sqlite_context.sessions() as session:
        with pytest.raises(ValueError, match=message):
            add_subscriber(session, email, themes, cadence, confirmed=True, now=NOW)
        assert session.scalars(select(Subscriber)).all() == []


def test_pending_subscriber_becomes_active_when_confirmed(context: Context) -> None:
    with transaction(context.sessions) as session:
        subscriber = add_subscriber(session, "p@example.com", ["safety"], "instant",
                                    confirmed=False, now=NOW)
        assert subscriber.status == "pending"
        assert confirm(session, subscriber, NOW + timedelta(hours=1)) is True
        assert confirm(session, subscriber, NOW + timedelta(hours=2)) is False
    with context.sessions() as session:
        stored = find_subscriber(session, "p@example.com")
        assert stored is not None
        assert stored.status == "active"


def test_readding_replaces_themes_and_reactivates_only_when_confirmed(context: Context) -> None:
    with transaction(context.sessions) as session:
        subscriber = add_subscriber(session, "r@example.com", ["safety", "policy"], "instant",
                                    confirmed=True, min_score=0.6, now=NOW)
        unsubscribe(session, subscriber, NOW)
        add_subscriber(session, "r@example.com", ["policy", "compute"], "weekly",
                       confirmed=False, now=NOW)
    row = listed(context)["r@example.com"]
    assert row["status"] == "pending"  # asked again: the confirmation link brings them back
    assert row["themes"] == {"compute": "weekly", "policy": "weekly"}
    assert row["min_score"] == {"compute": None, "policy": 0.6}  # a kept theme keeps its minimum
    with transaction(context.sessions) as session:
        add_subscriber(session, "r@example.com", ["policy"], "instant", confirmed=True, now=NOW)
    row = listed(context)["r@example.com"]
    assert (row["status"], row["themes"]) == ("active", {"policy": "instant"})


def test_confirming_does_not_undo_an_unsubscribe(context: Context) -> None:
    with transaction(context.sessions) as session:
        subscriber = add_subscriber(session, "u@example.com", ["safety"], "instant",
                                    confirmed=False, now=NOW)
        confirm(session, subscriber, NOW)
        unsubscribe(session, subscriber, NOW)
        assert confirm(session, subscriber, NOW) is False  # an old confirmation link
    assert listed(context)["u@example.com"]["status"] == "unsubscribed"


def test_set_preferences_changes_cadence_drops_themes_and_keeps_the_rest(
        context: Context) -> None:
    with transaction(context.sessions) as session:
        subscriber = add_subscriber(session, "s@example.com", ["safety", "policy", "compute"],
                                    "instant", confirmed=True, min_score=0.5, now=NOW)
        set_preferences(session, subscriber, {"safety": "weekly", "policy": None,
                                              "robotics": "instant"})
    row = listed(context)["s@example.com"]
    assert row["themes"] == {"compute": "instant", "robotics": "instant", "safety": "weekly"}
    assert row["min_score"] == {"compute": 0.5, "robotics": None, "safety": 0.5}
    with transaction(context.sessions) as session:
        stored = find_subscriber(session, "s@example.com")
        assert stored is not None
        set_preferences(session, stored, {"compute": "instant", "robotics": "instant",
                                          "safety": "weekly"}, min_score=0)
        with pytest.raises(ValueError, match="unknown theme"):
            set_preferences(session, stored, {"sports": "weekly"})
    assert listed(context)["s@example.com"]["min_score"] is None


def test_unsubscribe_cancels_pending_deliveries_only(context: Context) -> None:
    with transaction(context.sessions) as session:
        subscriber = add_subscriber(session, "x@example.com", ["safety"], "instant",
                                    confirmed=True, now=NOW)
        issues = [make_issue(session, [{"safety": 0.9}]) for _ in range(2)]
        session.add_all([
            Delivery(subscriber_id=subscriber.id, kind="instant", issue_id=issues[0].id,
                     story_ids=[], status="sent", due_at=NOW),
            Delivery(subscriber_id=subscriber.id, kind="instant", issue_id=issues[1].id,
                     story_ids=[], status="pending", due_at=NOW),
        ])
        session.flush()
        assert unsubscribe(session, subscriber, NOW) == 1
    with context.sessions() as session:
        statuses = session.scalars(select(Delivery.status).order_by(Delivery.id)).all()
        stored = find_subscriber(session, "x@example.com")
    assert statuses == ["sent", "cancelled"]
    assert stored is not None
    assert stored.status == "unsubscribed"
    assert stored.unsubscribed_at is not None


def test_remove_deletes_the_subscribers_deliveries(context: Context) -> None:
    with transaction(context.sessions) as session:
        subscriber = add_subscriber(session, "gone@example.com", ["safety"], "instant",
                                    confirmed=True, now=NOW)
        issue = make_issue(session, [{"safety": 0.9}])
        session.add(Delivery(subscriber_id=subscriber.id, kind="instant", issue_id=issue.id,
                             story_ids=[], status="pending", due_at=NOW))
    with transaction(context.sessions) as session:
        assert remove_subscriber(session, "gone@example.com")
    with context.sessions() as session:
        assert session.scalars(select(Delivery)).all() == []


IMPORT_CSV = """\
email,themes,cadence
alice@example.com,safety;policy,instant
BOB@Example.com, compute ; robotics ,Weekly
not-an-address,safety,instant
carol@example.com,safety;sports,instant
dave@example.com,safety,daily
alice@example.com,compute,weekly

erin@example.com,safety
"frank@example.com","policy",instant
known@example.com,safety;robotics,instant
gone@example.com,safety,instant
drop@example.com,policy,weekly
"""


def test_import_adds_updates_and_skips_bad_rows_with_their_line(
        context: Context, tmp_path: Path) -> None:
    with transaction(context.sessions) as session:
        add_subscriber(session, "known@example.com", ["safety"], "weekly", confirmed=False,
                       min_score=0.8, now=NOW)
        gone = add_subscriber(session, "gone@example.com", ["safety"], "weekly",
                              confirmed=True, now=NOW)
        unsubscribe(session, gone, NOW)
        add_subscriber(session, "drop@example.com", ["compute", "policy"], "weekly",
                       confirmed=True, now=NOW)
    result = import_csv(context.sessions, write_csv(tmp_path, IMPORT_CSV), now=NOW)
    assert (result.added, result.updated) == (3, 2)
    assert [line for line, _ in result.skipped] == [4, 5, 6, 7, 9, 12]
    reasons = dict(result.skipped)
    assert "not a valid email address" in reasons[4]
    assert "unknown theme 'sports'" in reasons[5]
    assert "unknown cadence 'daily'" in reasons[6]
    assert "already appears on line 2" in reasons[7]
    assert "expected the columns" in reasons[9]
    assert "unsubscribed" in reasons[12]
    rows = listed(context)
    assert {email: (r["status"], r["themes"]) for email, r in rows.items()} == {
        "alice@example.com": ("active", {"policy": "instant", "safety": "instant"}),
        "bob@example.com": ("active", {"compute": "weekly", "robotics": "weekly"}),
        "frank@example.com": ("active", {"policy": "instant"}),
        "known@example.com": ("active", {"robotics": "instant", "safety": "instant"}),
        "gone@example.com": ("unsubscribed", {"safety": "weekly"}),
        "drop@example.com": ("active", {"policy": "weekly"}),
    }
    assert rows["known@example.com"]["min_score"] == {"robotics": None, "safety": 0.8}
    assert rows["known@example.com"]["confirmed_at"] == NOW.isoformat()


def test_import_twice_changes_nothing_the_second_time(context: Context, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subscriber_import, "CHUNK", 3)  # several chunks from a small file
    lines = [f"user{i}@example.com,safety;compute,instant" for i in range(10)]
    path = write_csv(tmp_path, "email,themes,cadence\n" + "\n".join(lines) + "\n")
    first = import_csv(context.engine, path, now=NOW)
    before = listed(context)
    second = import_csv(context.engine, path, now=NOW + timedelta(days=1))
    assert (first.added, first.updated, first.skipped) == (10, 0, [])
    assert (second.added, second.updated, second.skipped) == (0, 10, [])
    assert listed(context) == before
    with context.sessions() as session:
        assert len(session.scalars(select(Subscription)).all()) == 20


def test_import_refuses_a_file_without_the_header(sqlite_context: Context,
                                                  tmp_path: Path) -> None:
    path = write_csv(tmp_path, "alice@example.com,safety,instant\n")
    with pytest.raises(ValueError, match="header row with columns email,themes,cadence"):
        import_csv(sqlite_context.sessions, path, now=NOW)


def test_import_reads_a_spreadsheet_bom_and_columns_in_any_order(
        sqlite_context: Context, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffCadence,Email,Themes\r\nweekly,a@example.com,policy\r\n"
                     .encode() + b"instant,b\xff@example.com,safety\r\n")
    result = import_csv(sqlite_context.sessions, path, now=NOW)
    assert (result.added, [line for line, _ in result.skipped]) == (1, [3])
    assert listed(sqlite_context)["a@example.com"]["themes"] == {"policy": "weekly"}


# --- the CLI -------------------------------------------------------------------------------


def invoke(context: Context, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(subscribers_group, list(args), obj={"context": lambda: context})
    return result.exit_code, result.stdout, result.stderr


def test_cli_add_list_remove(context: Context) -> None:
    code, out, _ = invoke(context, "add", "Alice@Example.com", "--themes", "safety,policy",
                          "--cadence", "instant", "--confirmed", "--min-score", "0.4")
    assert code == 0
    assert json.loads(out)["themes"] == {"policy": "instant", "safety": "instant"}
    code, _, err = invoke(context, "add", "bob@example.com", "--themes", "compute",
                          "--cadence", "weekly")
    assert (code, "pending" in err) == (0, True)
    code, out, _ = invoke(context, "list")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["email"], r["status"], r["min_score"]) for r in rows] == [
        ("alice@example.com", "active", 0.4), ("bob@example.com", "pending", None)]
    assert invoke(context, "remove", "alice@example.com")[0] == 0
    code, _, err = invoke(context, "remove", "alice@example.com")
    assert code == 1
    assert err.splitlines() == ["Error: SubscriberError: no subscriber alice@example.com"]
    assert [r["email"] for r in listed(context).values()] == ["bob@example.com"]


@pytest.mark.parametrize(("args", "message"), [
    (["--themes", "safety,sports", "--cadence", "instant"], "unknown theme 'sports'"),
    (["--themes", "safety", "--cadence", "daily"], "'daily' is not one of"),
    (["--themes", "safety", "--cadence", "weekly", "--min-score", "2"], "--min-score"),
])
def test_cli_add_refuses_bad_input_with_exit_2(sqlite_context: Context, args: list[str],
                                               message: str) -> None:
    code, _, err = invoke(sqlite_context, "add", "a@example.com", *args)
    assert code == 2
    assert message in err
    assert listed(sqlite_context) == {}


def test_cli_import_prints_counts_and_skipped_lines(context: Context, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "email,themes,cadence\na@example.com,safety,instant\n"
                               "b@example.com,sports,weekly\n")
    code, out, err = invoke(context, "import", str(path))
    assert code == 0
    assert out.strip() == "added 1, updated 0, skipped 1"
    assert f"{path}:3: skipped: unknown theme 'sports'" in err
    code, _, err = invoke(context, "import", str(write_csv(tmp_path, "nothing,here\n")))
    assert code == 2
    assert "header row" in err


def test_cli_revoke_links_forgets_the_answers_given_through_them(context: Context) -> None:
    """Whoever held the leaked email may have answered "wrong tags?" as its reader: those
    answers kept teaching the model after the links were revoked (the editor's probe)."""
    for email in ("alice@example.com", "bob@example.com"):
        assert invoke(context, "add", email, "--themes", "safety", "--cadence", "instant",
                      "--confirmed")[0] == 0
    with transaction(context.sessions) as session:
        story_id = make_issue(session, [{"safety": 0.9}]).stories[0].id
        for email in ("alice@example.com", "bob@example.com"):
            save_label(session, story_id, ["robotics"], READER, email)
        save_label(session, story_id, ["policy"], "editor", "editor")
    code, out, _ = invoke(context, "revoke-links", "Alice@Example.com")
    assert code == 0 and "forgot 1 tag correction(s)" in out
    with context.sessions() as session:
        left = session.execute(select(Label.role, Label.who).order_by(Label.id)).all()
    assert [tuple(row) for row in left] == [(READER, "bob@example.com"), ("editor", "editor")]


def test_cli_revoke_links_of_an_address_stored_before_a_stricter_rule(context: Context) -> None:
    """The review: revoke-links read the address again through today's rule, which refuses
    "%" (source routing); the command failed and the links stayed good."""
    assert invoke(context, "add", "bob@example.com", "--themes", "safety", "--cadence",
                  "instant", "--confirmed")[0] == 0
    with transaction(context.sessions) as session:
        session.execute(update(Subscriber).values(email="bob%relay@example.com"))
        story_id = make_issue(session, [{"safety": 0.9}]).stories[0].id
        save_label(session, story_id, ["robotics"], READER, "bob%relay@example.com")
        secret = session.scalar(select(Subscriber.link_secret))
    code, out, _ = invoke(context, "revoke-links", "bob%relay@example.com")
    assert code == 0 and "forgot 1 tag correction(s)" in out
    with context.sessions() as session:
        assert session.scalar(select(Subscriber.link_secret)) != secret


def test_cli_revoke_links_makes_every_sent_link_act_for_nobody(context: Context) -> None:
    """A reader whose email was forwarded, or leaked: the operator revokes its links."""
    assert invoke(context, "add", "alice@example.com", "--themes", "safety", "--cadence",
                  "instant", "--confirmed")[0] == 0
    with transaction(context.sessions) as session:
        alice = find_subscriber(session, "alice@example.com")
        assert alice is not None
        old = context.signer.sign("unsubscribe", alice.id, alice.link_secret)
    code, out, _ = invoke(context, "revoke-links", "Alice@Example.com")
    assert code == 0 and "revoked the links" in out
    with transaction(context.sessions) as session:
        alice = find_subscriber(session, "alice@example.com")
        assert alice is not None
        with pytest.raises(InvalidLink, match="revoked"):
            context.signer.verify("unsubscribe", old).check_owner(alice.link_secret)
        new = context.signer.sign("unsubscribe", alice.id, alice.link_secret)
        context.signer.verify("unsubscribe", new).check_owner(alice.link_secret)
    code, _, err = invoke(context, "revoke-links", "nobody@example.com")
    assert code == 1 and "no subscriber nobody@example.com" in err
