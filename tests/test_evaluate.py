"""`python -m bot.evaluate`: the command other people use to measure the bot."""
import json
import subprocess
import sys

from bot import evaluate
from bot.paths import PROJECT_ROOT


def test_one_json_line_per_case_with_domains_and_crisis(trained_model, tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    rows = [
        {"id": "c1", "text": "80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしている"},
        {"id": "c2", "text": "もう死にたい"},
        {"id": "c3", "text": "こんにちは"},
        {"id": "c4", "text": ""},
        {"id": 5, "text": "ｶｲｺﾞ ﾂｶﾚﾀ"},
        {"id": "c6", "text": "札幌に住んでいる母が最近物忘れがひどくて心配です"},
    ]
    cases.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert evaluate.main([str(cases), "--model", str(trained_model)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["c1", "c2", "c3", "c4", 5, "c6"]
    for line in lines:
        assert set(line) >= {"id", "intent", "domains", "domain_scores", "crisis", "safety_check",
                             "crisis_categories", "language", "about", "lives_in"}
    by_id = {line["id"]: line for line in lines}
    assert {"elderly", "hikikomori", "poverty"} <= set(by_id["c1"]["domains"])
    assert by_id["c1"]["intent"] == "describe_concern"
    assert by_id["c2"]["crisis"] is True and by_id["c1"]["crisis"] is False
    assert by_id["c3"]["domains"] == [] and by_id["c3"]["intent"] == "greet"
    assert by_id["c4"]["domains"] == [] and by_id["c4"]["crisis"] is False
    # Who each concern is about reaches the output through the model's parse.
    assert {"relation": "mother", "age_group": "older", "age_text": "80歳"} in by_id["c1"]["about"]
    assert "brother" in {person["relation"] for person in by_id["c1"]["about"]}
    assert by_id["c1"]["lives_in"] is None
    assert by_id["c6"]["about"] == [{"relation": "mother", "age_group": "unknown", "age_text": None}]
    assert by_id["c6"]["lives_in"] == "札幌"
    assert by_id["c4"]["about"] == [] and by_id["c4"]["lives_in"] is None


def test_a_line_keeps_who_the_concern_is_about_and_drops_what_is_malformed():
    parse = {
        "intent": {"name": "describe_concern", "confidence": 0.9},
        "domains": ["elderly"],
        "about": [{"relation": "mother", "age_group": "older", "age_text": "80代"},
                  {"relation": "stranger"}, "mother"],
        "lives_in": "札幌",
    }
    line = evaluate.case_result({"id": "x"}, parse)
    assert line["about"] == [{"relation": "mother", "age_group": "older", "age_text": "80代"}]
    assert line["lives_in"] == "札幌"
    assert line["domains"] == ["elderly"] and line["intent"] == "describe_concern"
    bare = evaluate.case_result({"id": "y"}, {"lives_in": 5})
    assert bare["about"] == [] and bare["lives_in"] is None


def test_without_a_model_it_says_which_command_to_run(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": 1, "text": "こんにちは"}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.evaluate", str(cases), "--model", str(tmp_path / "none.tar.gz")],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1 and "scripts/setup.sh" in error_lines[0]


def test_a_line_that_is_not_json_is_reported_with_its_number(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": 1, "text": "a"}\nnot json\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.evaluate", str(cases), "--model", str(tmp_path / "none.tar.gz")],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "line 2" in result.stderr and "JSON" in result.stderr
