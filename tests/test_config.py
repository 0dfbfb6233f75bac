from __future__ import annotations

import logging
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.cli.settings_docs import settings_table_markdown
from service.config import SETTINGS, load_settings
from service.errors import ConfigError
from service.ops.logs import JsonFormatter, configure_logging
from service.typed_settings import SECTIONS, key_of
from tests.helpers import REPO


def test_defaults_need_no_file() -> None:
    settings = load_settings(None, environ={})
    assert settings.database.url == "sqlite:///var/newsalerts.db"
    assert settings.inbox.folder == "INBOX"
    assert settings.inbox.dir == "var/inbox"
    assert settings.web.listen == "127.0.0.1:8080"
    assert [s.name for s in settings.sources] == ["Import AI", "newsalerts sample"]
    assert settings.sources[0].require_dkim is True  # Import AI: DKIM for substack.com
    assert settings.get("trust", "authserv_id") == ""


def test_file_then_environment_override(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[database]\nurl = "sqlite:///x.db"\n[inbox]\nhost = "imap.test"\nport = 1143\n'
        'ssl = false\n[[sources]]\nname = "N"\nsenders = ["A@B.test"]\nrequire_dkim = true\n'
    )
    env = {"NEWSALERTS_INBOX__PORT": "2143", "NEWSALERTS_INBOX__STARTTLS": "yes"}
    settings = load_settings(path, environ=env)
    assert settings.database.url == "sqlite:///x.db"
    assert settings.inbox.host == "imap.test"
    assert settings.inbox.port == 2143
    assert settings.inbox.ssl is False
    assert settings.inbox.starttls is True
    assert settings.sources[0].senders == ("a@b.test",)
    assert settings.sources[0].require_dkim is True


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[inbox]\nfolder = "Newsletters"\n')
    settings = load_settings(None, environ={"NEWSALERTS_CONFIG": str(path)})
    assert settings.inbox.folder == "Newsletters"


def test_sources_from_environment_json() -> None:
    env = {"NEWSALERTS_SOURCES": '[{"name": "X", "senders": ["x@y.test"]}]'}
    assert [s.name for s in load_settings(None, environ=env).sources] == ["X"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[inbox]\nhots = 'x'\n", "unknown config key [inbox] hots"),
        ("[mailbox]\nhost = 'x'\n", "unknown config section [mailbox]"),
        ("[inbox]\nport = 'many'\n", "[inbox] port must be a whole number"),
        ("[[sources]]\nname = 'N'\n", "needs senders"),
        ("[[sources]]\nname = 'N'\nsenders = ['a@b']\nrequire_dkim = 'yes'\n", "require_dkim"),
        ("[inbox\n", "not valid TOML"),
        ("[digest]\ntimezone = 'Mars/Olympus'\n", "[digest] timezone must be an IANA time zone"),
        ("[digest]\ntimezone = 'Europe'\n", "[digest] timezone must be an IANA time zone"),
        ("[digest]\nday = 'funday'\n", "[digest] day must be one of mon, tue"),
        ("[digest]\nhour = 24\n", "[digest] hour must be an hour from 0 to 23"),
        ("[log]\nlevel = 'LOUD'\n", "[log] level must be one of debug, info"),
        ("[log]\nformat = 'xml'\n", "[log] format must be one of text, json"),
        # (a read-only review: -5 hung `run`, its scheduler's loop growing to 17 GB)
        ("[inbox]\npoll_interval = -5\n", "[inbox] poll_interval must be above 0"),
        ("[inbox]\npoll_interval = 0\n", "[inbox] poll_interval must be above 0"),
        ("[inbox]\nmax_message_bytes = 0\n", "[inbox] max_message_bytes must be above 0"),
        ("[worker]\nidle_sleep = 0\n", "[worker] idle_sleep must be above 0"),
        ("[scheduler]\nlock_retry = -1.0\n", "[scheduler] lock_retry must be above 0"),
        ("[smtp]\nrate_limit = nan\n", "[smtp] rate_limit must be 0 or more"),
        ("[smtp]\nport = 70000\n", "[smtp] port must be a port from 1 to 65535, or 0"),
        ("[[sources]]\nname = 'N'\nsenders = ['Import AI <importai@substack.com>']\n",
         "needs senders: a list of bare email addresses"),
        (f"[[sources]]\nname = '{'N' * 201}'\nsenders = ['a@b.example']\n",
         "name must be 200 characters at most"),
        # the file's own types are not converted (an operator's review): port 993, a batch
        # of 2, a 1 s timeout, a folder named "['INBOX', 'x']", a listen address 28080
        ("[inbox]\nport = 993.9\n", "[inbox] port must be a whole number, got 993.9"),
        ("[smtp]\nbatch_size = 2.5\n", "[smtp] batch_size must be a whole number"),
        ("[smtp]\ntimeout = true\n", "[smtp] timeout must be a number, got True"),
        ("[inbox]\nfolder = ['INBOX', 'x']\n", "[inbox] folder must be text"),
        ("[web]\nlisten = 28080\n", "[web] listen must be text, got 28080"),
        ("[inbox]\npoll_interval = 0.5\n", "[inbox] poll_interval must be a whole number"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(tmp_path: Path, text: str,
                                                    message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(path, environ={})


def test_zero_stays_allowed_where_it_means_off() -> None:
    settings = load_settings(environ={"NEWSALERTS_SMTP__RATE_LIMIT": "0",
                                      "NEWSALERTS_MODELS__RETRAIN_AFTER_LABELS": "0",
                                      "NEWSALERTS_METRICS__PORT": "0",
                                      "NEWSALERTS_DELIVERY__RETRY_BASE_SECONDS": "0"})
    assert settings.smtp.rate_limit == 0 and settings.models.retrain_after_labels == 0


def test_the_sample_s_unsigned_sender_is_trusted_only_without_an_imap_host() -> None:
    """A read-only review: with an IMAP host and no [[sources]], anybody could send as the
    sample's sender (no DKIM asked) and have their links mailed to every reader."""
    laptop = load_settings(environ={})
    mailbox = load_settings(environ={"NEWSALERTS_INBOX__HOST": "imap.example.org"})
    assert [s.name for s in laptop.sources] == ["Import AI", "newsalerts sample"]
    assert [s.name for s in mailbox.sources] == ["Import AI"]


def test_a_source_s_list_id_may_be_written_with_its_brackets(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[[sources]]\nname = 'B'\nsenders = ['b@b.example']\n"
                    "list_id = '<B.Example>'\n")
    assert load_settings(path, environ={}).sources[0].list_id == "b.example"


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes the root logger's handlers and levels: put them back."""
    root, loggers = logging.getLogger(), [logging.getLogger(n) for n in ("newsalerts", "service")]
    saved = root.handlers[:], root.level, [logger.level for logger in loggers]
    try:
        yield
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for logger, level in zip(loggers, saved[2], strict=True):
            logger.setLevel(level)


@pytest.mark.usefixtures("restored_logging")
def test_a_log_format_the_check_lets_pass_is_the_format_logged(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[log]\nformat = 'JSON'\n")  # the check takes any case, as for level
    configure_logging(load_settings(path, environ={}))
    assert [type(h.formatter) for h in logging.getLogger().handlers] == [JsonFormatter]


def test_secret_values_never_appear_in_errors_or_redacted_view() -> None:
    env = {"NEWSALERTS_INBOX__PASSWORD": "hunter2-secret"}
    settings = load_settings(None, environ=env)
    assert "hunter2-secret" not in repr(settings.redacted())


def test_every_setting_is_documented() -> None:
    docs = (REPO / "docs" / "settings.md").read_text()
    assert settings_table_markdown() in docs, "run: newsalerts config docs > table in docs"
    for setting in SETTINGS:
        assert f"`[{setting.section}] {setting.key}`" in docs


def test_every_setting_has_a_typed_field_of_its_type() -> None:
    """The typed sections and the table name the same settings with the same types."""
    table = {(s.section, s.key): s.type for s in SETTINGS}
    typed = {
        (section, key_of(name)): hint
        for section, cls in SECTIONS.items()
        for name, hint in typing.get_type_hints(cls).items()
    }
    assert typed == table


def test_typed_sections_read_what_the_table_loaded(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[smtp]\nbatch_size = 7\nfrom = "x <x@y.test>"\n[inbox]\nssl = false\n')
    settings = load_settings(path, environ={"NEWSALERTS_DELIVERY__RETRY_BASE_SECONDS": "2.5"})
    assert settings.smtp.batch_size == 7
    assert settings.smtp.from_ == "x <x@y.test>"
    assert settings.inbox.ssl is False
    assert settings.delivery.retry_base_seconds == 2.5
    for setting in SETTINGS:
        section = getattr(settings, setting.section)
        field_name = setting.key + "_" if setting.key == "from" else setting.key
        assert getattr(section, field_name) == settings.get(setting.section, setting.key)


def test_typed_sections_keep_secrets_out_of_their_repr() -> None:
    env = {"NEWSALERTS_SMTP__PASSWORD": "hunter2-smtp", "NEWSALERTS_ADMIN__PASSWORD": "pw-admin"}
    settings = load_settings(None, environ=env)
    assert settings.smtp.password == "hunter2-smtp"
    assert "hunter2-smtp" not in repr(settings.smtp)
    assert "pw-admin" not in repr(settings.admin)


def test_a_misspelt_setting_in_the_environment_is_refused() -> None:
    """NEWSALERTS_SMTP__HOTS was ignored: mail quietly went to var/outbox (an operator's
    review).  Names not of the settings' shape are not read as settings."""
    with pytest.raises(ConfigError, match=r"unknown setting NEWSALERTS_SMTP__HOTS: no "
                                          r"\[smtp\] hots"):
        load_settings(None, environ={"NEWSALERTS_SMTP__HOTS": "smtp.example.org"})
    settings = load_settings(None, environ={"NEWSALERTS_SMTP__HOST": "smtp.example.org",
                                            "NEWSALERTS_SHARED": "/srv/shared"})
    assert settings.smtp.host == "smtp.example.org"



def test_a_setting_in_lower_case_in_the_environment_names_its_upper_case() -> None:
    with pytest.raises(ConfigError, match="the names are upper case, NEWSALERTS_SMTP__HOST"):
        load_settings(None, environ={"NEWSALERTS_smtp__host": "smtp.example.org"})


@pytest.mark.usefixtures("restored_logging")
def test_control_characters_from_mail_are_escaped_in_the_text_log(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A From of "ESC c" reset the operator's terminal; "ESC [2K" erased a line to forge one."""
    configure_logging(load_settings(environ={}))
    logging.getLogger("service.ingest.pipeline").warning(
        "rejected %s: the From header names %s", "a.eml", "\x1bc\x1b[2Kwarn\x9b@evil.test")
    try:
        raise ValueError("bad header: evil\x1bc\rFORGED line")
    except ValueError:  # an error's text may quote a sender's (the review of this change)
        logging.getLogger("service.ingest.pipeline").exception("cannot examine a.eml")
    logged = capsys.readouterr().err
    assert "\x1b" not in logged and "\x9b" not in logged and "\r" not in logged
    assert "evil\\x1bc\\x0dFORGED" in logged
    assert "names \\x1bc\\x1b[2Kwarn\\x9b@evil.test" in logged


@pytest.mark.usefixtures("restored_logging")
@pytest.mark.parametrize(("level", "shown"), [("WARNING", False), ("INFO", True)])
def test_a_poll_skipped_as_one_already_runs_is_no_warning(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, level: str, shown: bool) -> None:
    """An operator's probe: new mail woke a poll as the start-up one ran, and APScheduler's
    "skipped: maximum number of running instances reached" read as a fault at WARNING."""
    path = tmp_path / "c.toml"
    path.write_text(f"[log]\nlevel = '{level}'\n")
    configure_logging(load_settings(path, environ={}))
    logging.getLogger("apscheduler.scheduler").warning(
        'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
        "poll (trigger: interval[0:05:00])", 1)
    logging.getLogger("apscheduler.scheduler").warning("Run time of job was missed")
    logging.getLogger("apscheduler.scheduler").warning(  # a digest stuck: a fault to see
        'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
        "digest (trigger: cron[day_of_week='mon'])", 1)
    logged = capsys.readouterr().err
    assert 'WARNING apscheduler.scheduler: Execution of job "digest' in logged
    assert ("INFO apscheduler.scheduler: Execution of job" in logged) is shown
    assert "WARNING apscheduler.scheduler: Execution of job \"poll" not in logged
    assert "WARNING apscheduler.scheduler: Run time of job was missed" in logged
