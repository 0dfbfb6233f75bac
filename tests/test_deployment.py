"""Every process on one database signs links with one key: checked as each one starts.

A worker on another machine with another [web] secret_key sent 25 emails whose links the
web app refused, and nothing said so (a PostgreSQL operator's review)."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from service.cli.main import main
from service.context import Context
from service.errors import ConfigError
from service.ops.deployment import adopt_signing_key, check_signing_key, describe_process
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
