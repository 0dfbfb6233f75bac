"""Every process on one database signs links with one key: checked as each one starts.

A worker on another machine with another [web] secret_key sent 25 emails whose links the
web app refused, and nothing said so (a PostgreSQL operator's review)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import main
from service.context import Context
from service.errors import ConfigError
from service.ops.deployment import (
    adopt_signing_key,
    check_signing_key,
    describe_process,
    signing_key_agrees,
)
from service.ops.runner import started
from tests.browser import with_settings

OTHER_KEY = "another-machine's-key-of-32-chars!"


def test_the_first_process_records_the_key_and_the_same_key_passes(context: Context) -> None:
    check_signing_key(context, "box:1:web")
    check_signing_key(context, "box:2:worker")  # the same key: no error


def test_a_process_with_another_key_refuses_to_start_saying_what_to_do(
        context: Context) -> None:
    check_signing_key(context, "box:1:web")
    other = with_settings(context, web__secret_key=OTHER_KEY)
    with pytest.raises(ConfigError) as refused:
        started(other, "box:2:worker")
    message = str(refused.value)
    assert other.signer.fingerprint in message and context.signer.fingerprint in message
    assert "box:1:web" in message and "[web] secret_key" in message
    assert "newsalerts config adopt-key" in message and OTHER_KEY not in message


def test_adopting_a_new_key_makes_it_the_one_every_process_must_use(context: Context) -> None:
    check_signing_key(context, "box:1:web")
    other = with_settings(context, web__secret_key=OTHER_KEY)
    assert adopt_signing_key(other, "box:3:adopt-key") == (context.signer.fingerprint,
                                                          other.signer.fingerprint)
    check_signing_key(other, "box:4:worker")
    with pytest.raises(ConfigError):
        check_signing_key(context, "box:1:web")


def test_a_process_says_where_its_email_goes_as_it_starts(
        context: Context, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="service.ops.runner")
    started(context, "box:1:worker")
    line = describe_process(context, "box:1:worker")
    assert line in caplog.text and context.signer.fingerprint in line
    assert "the outbox folder" in line and "nothing leaves this machine" in line
    smtp = with_settings(context, smtp__host="mail.example.net", smtp__port=587)
    assert "email to SMTP mail.example.net:587" in describe_process(smtp, "box:2:worker")
    assert context.settings.web.secret_key not in line


def test_the_adopt_key_command(tmp_path: object) -> None:
    env = {"NEWSALERTS_DATABASE__URL": f"sqlite:///{tmp_path}/k.db",
           "NEWSALERTS_WEB__SECRET_KEY": OTHER_KEY}
    result = CliRunner().invoke(main, ["config", "adopt-key"], env=env)
    assert result.exit_code == 0 and result.output.startswith("link-signing key ")
    assert "adopted" in result.output


def test_adopt_key_refuses_a_key_it_would_generate_just_now(sqlite_context: Context) -> None:
    """Run from another folder with no [web] secret_key it adopted a new random key and
    locked every process out (a review of this check)."""
    unset = with_settings(sqlite_context, web__secret_key="")
    with pytest.raises(ConfigError, match="none is set"):
        adopt_signing_key(unset, "box:3:adopt-key")


def test_a_running_worker_stops_sending_once_another_key_is_adopted(context: Context) -> None:
    from service.ops.runner import send_round

    check_signing_key(context, "box:1:worker")
    assert signing_key_agrees(context)
    adopt_signing_key(with_settings(context, web__secret_key=OTHER_KEY), "box:3:adopt-key")
    assert not signing_key_agrees(context)
    with pytest.raises(ConfigError, match="no longer the one this database records"):
        send_round(context, "box:1:worker", threading.Event())


def test_the_send_and_digest_commands_check_the_key_too(context: Context) -> None:
    from service.cli.delivery import digest_command, send_command

    check_signing_key(with_settings(context, web__secret_key=OTHER_KEY), "box:1:web")
    for command in (send_command, digest_command):
        result = CliRunner().invoke(command, [], obj={"context": lambda: context})
        assert result.exit_code == 1 and "signs links with another key" in result.output


def test_processes_creating_the_key_file_at_once_all_read_one_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from service.deliver.tokens import load_or_create_secret_key

    for round_ in range(20):
        folder = tmp_path / str(round_)
        with ThreadPoolExecutor(8) as pool:
            keys = set(pool.map(load_or_create_secret_key, [""] * 8, [folder] * 8))
        assert len(keys) == 1 and (folder / "secret_key").read_text().strip() in keys
