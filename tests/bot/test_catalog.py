"""Every message exists in every language, with the same placeholders."""

from __future__ import annotations

import pytest

from bot.catalog import CATALOGS, ZH, placeholders


@pytest.mark.parametrize("language", sorted(set(CATALOGS) - {"zh"}))
def test_every_message_is_in_every_language_with_the_same_fields(language: str) -> None:
    other = CATALOGS[language]
    assert sorted(set(ZH) ^ set(other)) == []
    differ = {k: (placeholders(ZH[k]), placeholders(other[k])) for k in ZH
              if placeholders(ZH[k]) != placeholders(other[k])}
    assert differ == {}
