"""`yishitang minutes compile` and `yishitang minutes score` on the example files t1-t3
(tests/data/transcripts) and the dev sets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from docx import Document

from yishitang.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "data" / "transcripts"
DEV = ROOT / "tests" / "data" / "minutes" / "dev"
T1 = SHARED / "t1.json"
SCHEMA = json.loads((ROOT / "yishitang" / "schemas" / "minutes.schema.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YISHITANG_DATA_DIR", str(tmp_path / "data"))


def test_compile_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["minutes", "compile", str(T1)]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, SCHEMA)
    assert document["session"]["topic"] == "工业园区污水零直排"
    assert document["attendance"]["present"] == 15


def test_compile_markdown_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "t1.md"
    assert main(["minutes", "compile", str(T1), "--format", "md", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    text = out.read_text("utf-8")
    assert text.startswith("# 关于工业园区污水零直排的协商纪要")
    assert "郑海波" in text and "## 附件二：逐字记录" in text


def test_compile_public(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["minutes", "compile", str(T1), "--format", "md", "--public"]) == 0
    text = capsys.readouterr().out
    assert "郑海波" not in text and "柯志强" not in text and "林晓燕" in text
    assert "我是下洋村的群众代表甲" in text


def test_compile_docx_needs_an_output_file(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["minutes", "compile", str(T1), "--format", "docx"]) == 2
    assert "-o FILE" in capsys.readouterr().err
    out = tmp_path / "t1.docx"  # the DOCX renderer is ours: a broken import fails here
    assert main(["minutes", "compile", str(T1), "--format", "docx", "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert any("工业园区污水零直排" in p.text for p in Document(str(out)).paragraphs)


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"), ("{", "not a JSON file"),
    ('{"session": {"topic": "x"}, "attendance": [], "utterances": [{"seq": 0}]}',
     "not a transcript: utterances[0].seq"),
])
def test_compile_errors_are_one_line_with_exit_code_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None,
        message: str) -> None:
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["minutes", "compile", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err


def test_score(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["minutes", "score", str(SHARED)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [x.split()[0] for x in lines] == ["t1", "t2", "t3", "="]
    assert lines[-1].startswith(f"= {SHARED.name} ") and lines[-1].endswith("attendance 3/3 right")
    # two sets: a total each, never one figure that mixes them
    assert main(["minutes", "score", str(SHARED), str(DEV)]) == 0
    totals = [x for x in capsys.readouterr().out.splitlines() if x.startswith("= ")]
    assert [x.split()[1] for x in totals] == [SHARED.name, DEV.name]
    assert main(["minutes", "score", str(SHARED / "t1.gold.json"), "-v"]) == 0
    assert capsys.readouterr().out.startswith("t1 ")


def test_score_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["minutes", "score", str(tmp_path / "nowhere")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["minutes", "score", str(tmp_path)]) == 2
    assert "no *.gold.json" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["minutes", "--help"], ["minutes", "compile", "--help"],
                 ["minutes", "score", "--help"]):
        with pytest.raises(SystemExit) as shown:
            main(argv)
        assert shown.value.code == 0
    assert "DIR_OR_GOLD" in capsys.readouterr().out


def test_as_a_process_with_a_clean_stderr(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YISHITANG_")}
    env["YISHITANG_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "yishitang.cli", "minutes", "compile", str(T1), "--format", "md"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("# 关于工业园区污水零直排的协商纪要")


def _one_line_error(capsys: pytest.CaptureFixture[str], message: str) -> None:
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err


def test_the_output_cannot_be_the_input(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(T1.read_bytes())
    for output in (str(path), str(tmp_path / "." / "in.json")):
        assert main(["minutes", "compile", str(path), "--format", "md", "-o", output]) == 2
        _one_line_error(capsys, "is the input file")
    assert path.read_bytes() == T1.read_bytes()


@pytest.mark.parametrize("form", ["md", "json", "docx"])
def test_an_output_that_cannot_be_written_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str) -> None:
    assert main(["minutes", "compile", str(T1), "--format", form, "-o", str(tmp_path)]) == 2
    _one_line_error(capsys, f"cannot write {tmp_path}")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    output = blocker / "out.md"  # a file where a folder should be
    assert main(["minutes", "compile", str(T1), "--format", form, "-o", str(output)]) == 2
    _one_line_error(capsys, f"cannot write {output}")


def test_times_are_shown_in_the_configured_time_zone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "utc.json"
    path.write_text(json.dumps({
        "session": {"topic": "路灯", "started_at": "2026-04-16T01:00:00Z",
                    "ended_at": "2026-04-16T01:43:00Z"},
        "attendance": [], "utterances": []}), encoding="utf-8")
    monkeypatch.setenv("YISHITANG_TIMEZONE", "Asia/Shanghai")
    assert main(["minutes", "compile", str(path), "--format", "md"]) == 0
    assert "- 时间：2026年4月16日 09:00—09:43" in capsys.readouterr().out
    monkeypatch.setenv("YISHITANG_TIMEZONE", "Europe/Berlin")
    assert main(["minutes", "compile", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["session"]["start"] == "03:00"
    monkeypatch.setenv("YISHITANG_TIMEZONE", "Mars/Olympus")
    assert main(["minutes", "compile", str(path)]) == 2
    _one_line_error(capsys, "YISHITANG_TIMEZONE")


def test_compile_into_a_hall_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from docx import Document

    template = tmp_path / "红头.docx"
    document = Document()
    document.add_paragraph("{{ title }}")
    document.save(template)
    out = tmp_path / "out.docx"
    t1 = SHARED / "t1.json"
    assert main(["minutes", "compile", str(t1), "--format", "docx", "-o", str(out),
                 "--template", str(template)]) == 0
    assert [p.text for p in Document(str(out)).paragraphs] == ["关于工业园区污水零直排的协商纪要"]
    assert main(["minutes", "compile", str(t1), "--format", "md", "--template",
                 str(template)]) == 2
    assert "use it with --format docx" in capsys.readouterr().err
    template.write_bytes(b"no")
    assert main(["minutes", "compile", str(t1), "--format", "docx", "-o", str(out),
                 "--template", str(template)]) == 2
    assert "not a Word document" in capsys.readouterr().err
