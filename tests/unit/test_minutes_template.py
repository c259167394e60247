"""A hall's own Word template (红头), filled by docxtpl, read back with python-docx."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest

from transcripts.minutes.compile import compile_minutes
from transcripts.minutes.model import Issuance, Minutes, load_transcript
from transcripts.minutes.render_template import TemplateError, check_format, fill

DEV = Path(__file__).parents[1] / "data" / "minutes" / "dev"


def template(*lines: str) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def minutes() -> Minutes:
    compiled = compile_minutes(load_transcript(json.loads((DEV / "h1.json").read_text("utf-8"))))
    return replace(compiled, status="approved", version=1, issuance=Issuance(
        number="望江议事〔2026〕3号", to=("区委办公室", "区政府办公室"),
        issuer="政协临湖区委员会办公室", issued_on=date(2026, 12, 14), reviewed_by="王海"))


def test_a_hall_template_is_filled_with_the_minutes(minutes: Minutes) -> None:
    filled = fill(minutes, template(
        "临湖区政协协商纪要", "{{ number }}", "{{ title }}", "时间：{{ time }}",
        "{%p for s in suggestions %}", "{{ s.number }}. {{ s.text }}（{{ s.proposers }}）",
        "{%p endfor %}", "{%p for a in actions %}", "{{ a.text }}｜{{ a.unit }}｜{{ a.deadline }}",
        "{%p endfor %}", "{{ issuer }} {{ issued_on }}", "主送：{{ to }}"))
    body = [p.text for p in docx.Document(io.BytesIO(filled)).paragraphs]
    assert body[:3] == [
        "临湖区政协协商纪要", "望江议事〔2026〕3号", "关于老旧小区停车难问题破解的协商纪要"]
    assert body[3].startswith("时间：2026年12月10日")
    listed = [x for x in body if x[:1].isdigit() and "（" in x]
    assert len(listed) == len(minutes.suggestions)
    assert f"1. {minutes.suggestions[0].text}（{minutes.suggestions[0].proposers[0]}）" in body
    assert sum("｜" in x for x in body) == len(minutes.actions)
    assert "政协临湖区委员会办公室 2026年12月14日" in body
    assert "主送：区委办公室、区政府办公室" in body


@pytest.mark.parametrize(("data", "why"), [
    (b"not a zip", "not a Word document"),
    (template("{{ title "), "cannot be filled"),
])
def test_a_bad_template_is_refused_with_a_reason(minutes: Minutes, data: bytes,
                                                  why: str) -> None:
    with pytest.raises(TemplateError, match=why):
        fill(minutes, data)


def test_an_oversized_template_is_refused() -> None:
    with pytest.raises(TemplateError, match="over 2 MB"):
        check_format(b"0" * (2 * 1024 * 1024 + 1))
