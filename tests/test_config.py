from __future__ import annotations

from pathlib import Path

import pytest

from service.config import SETTINGS, load_settings, settings_table_markdown
from service.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_defaults_need_no_file() -> None:
    settings = load_settings(None, environ={})
    assert settings.get("database", "url") == "sqlite:///var/newsalerts.db"
    assert settings.get("inbox", "folder") == "INBOX"
    assert settings.get("inbox", "dir") == "var/inbox"
    assert settings.get("web", "listen") == "127.0.0.1:8080"
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
    assert settings.get("database", "url") == "sqlite:///x.db"
    assert settings.get("inbox", "host") == "imap.test"
    assert settings.get("inbox", "port") == 2143
    assert settings.get("inbox", "ssl") is False
    assert settings.get("inbox", "starttls") is True
    assert settings.sources[0].senders == ("a@b.test",)
    assert settings.sources[0].require_dkim is True


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[inbox]\nfolder = "Newsletters"\n')
    settings = load_settings(None, environ={"NEWSALERTS_CONFIG": str(path)})
    assert settings.get("inbox", "folder") == "Newsletters"


def test_sources_from_environment_json() -> None:
    env = {"NEWSALERTS_SOURCES": '[{"name": "X", "senders": ["x@y.test"]}]'}
    assert [s.name for s in load_settings(None, environ=env).sources] == ["X"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[inbox]\nhots = 'x'\n", "unknown config key [inbox] hots"),
        ("[mailbox]\nhost = 'x'\n", "unknown config section [mailbox]"),
        ("[inbox]\nport = 'many'\n", "[inbox] port must be a int"),
        ("[[sources]]\nname = 'N'\n", "needs senders"),
        ("[[sources]]\nname = 'N'\nsenders = ['a@b']\nrequire_dkim = 'yes'\n", "require_dkim"),
        ("[inbox\n", "not valid TOML"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(tmp_path: Path, text: str,
                                                    message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_settings(path, environ={})


def test_secret_values_never_appear_in_errors_or_redacted_view() -> None:
    env = {"NEWSALERTS_INBOX__PASSWORD": "hunter2-secret"}
    settings = load_settings(None, environ=env)
    assert "hunter2-secret" not in repr(settings.redacted())


def test_every_setting_is_documented() -> None:
    docs = (REPO / "docs" / "settings.md").read_text()
    assert settings_table_markdown() in docs, "run: newsalerts config docs > table in docs"
    for setting in SETTINGS:
        assert f"`[{setting.section}] {setting.key}`" in docs
