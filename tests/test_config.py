"""Settings are declared once with help; bad values fail clearly."""

from __future__ import annotations

from datetime import date

import pytest

from flashpoint.config import SETTINGS_HELP, Settings, parse_date, setting_names
from flashpoint.errors import ConfigError


def test_every_setting_has_help() -> None:
    assert set(setting_names()) == set(SETTINGS_HELP)


def test_settings_are_frozen_and_copied() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.coder = "dictionary"  # type: ignore[misc]
    assert s.with_(batch_articles=4).batch_articles == 4
    assert s.batch_articles == 16


@pytest.mark.parametrize(
    "changes",
    [{"coder": "magic"}, {"batch_articles": 0}, {"min_confidence": 1.5}, {"coder": "dictionary"}],
)
def test_bad_settings_raise(changes: dict) -> None:
    with pytest.raises(ConfigError):
        Settings(**changes)


def test_parse_date() -> None:
    assert parse_date("2025-04-17") == date(2025, 4, 17)
    assert parse_date(None) is None
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        parse_date("April 17")
