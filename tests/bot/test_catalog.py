"""Every message exists in every language, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.catalog import CATALOGS, ZH, placeholders


@pytest.mark.parametrize("language", sorted(set(CATALOGS) - {"zh"}))
def test_every_message_is_in_every_language_with_the_same_fields(language: str) -> None:
    other = CATALOGS[language]
    assert sorted(set(ZH) ^ set(other)) == []
    differ = {k: (placeholders(ZH[k]), placeholders(other[k])) for k in ZH
              if placeholders(ZH[k]) != placeholders(other[k])}
    assert differ == {}


ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r"\b(?:InvalidInput|InvalidState|NotFound|PermissionDenied|DomainError)"
                    r"\(\s*\"([a-z_0-9]+)\"")


def test_every_domain_error_raised_has_words_in_every_language() -> None:
    """A DomainError's code is the catalogue key the user is told; one without words would
    reach the user as a bare key (NotFound("no_session") did)."""
    codes = {code for package in ("facilitation", "bot", "transcripts", "storage", "yishitang")
             for path in (ROOT / package).rglob("*.py")
             for code in RAISED.findall(path.read_text(encoding="utf-8"))}
    assert len(codes) > 30  # the scan finds them
    for language, catalogue in CATALOGS.items():
        assert sorted(codes - set(catalogue)) == [], language


FIELDS = re.compile(r"\bfield(?:_name)?=\"([a-z_]+)\"|\b_text\([^()]*?,\s*\"([a-z_]+)\"")


def test_every_field_a_text_is_refused_for_has_a_name_in_every_language() -> None:
    """``empty_field`` and ``too_long`` name the field ({field} -> field_<name>); a field
    without words would read as the generic error inside the sentence."""
    fields = {name for path in (ROOT / "facilitation").rglob("*.py")
              for found in FIELDS.findall(path.read_text(encoding="utf-8"))
              for name in found if name}
    fields -= {"settled_notice"}  # an audit entry's field, not a refused text
    assert {"reason", "note", "reply", "document", "reference", "text"} <= fields
    for language, catalogue in CATALOGS.items():
        assert sorted(f for f in fields if f"field_{f}" not in catalogue) == [], language


def test_every_audit_action_has_words_on_the_audit_page() -> None:
    """/staff/admin/audit names each entry by staff_audit_<action>: a new action without
    them would show the catalogue's generic error instead."""
    from facilitation.audit import AuditAction

    for language, catalogue in CATALOGS.items():
        assert [a.value for a in AuditAction if f"staff_audit_{a.value}" not in catalogue] \
            == [], language
