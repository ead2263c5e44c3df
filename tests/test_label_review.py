"""bench.label_review --apply: people's label decisions land on the right examples and nowhere else."""
import pytest

from bench.label_review import apply_decisions

FILE = '''version: "3.1"
nlu:
- intent: describe_concern
  examples:
  - text: "夫の介護で毎日くたくた。子どももまだ小さい"
    metadata: {domains: [carer], crisis: false}
  - text: "「死ぬほど」忙しいと言う \\"上司\\" がこわい"
    metadata: {domains: [employment]}
  - text: "家賃が払えない"
    metadata: {domains: [housing, poverty], crisis: false}
'''


@pytest.fixture()
def nlu_folder(tmp_path):
    (tmp_path / "concerns.yml").write_text(FILE, encoding="utf-8")
    return tmp_path


def test_a_decision_changes_only_the_domains_of_its_example(nlu_folder):
    changed = apply_decisions([
        {"file": "concerns.yml", "text": "夫の介護で毎日くたくた。子どももまだ小さい", "domains": ["carer", "child"]},
        {"file": "concerns.yml", "text": '「死ぬほど」忙しいと言う "上司" がこわい', "domains": ["employment", "mental_health"]},
        {"file": "concerns.yml", "text": "家賃が払えない", "domains": ["housing", "poverty"]},
    ], folder=nlu_folder)
    assert changed["concerns.yml"] == 2
    expected = (FILE.replace("{domains: [carer], crisis: false}", "{domains: [carer, child], crisis: false}")
                .replace("{domains: [employment]}", "{domains: [employment, mental_health]}"))
    assert (nlu_folder / "concerns.yml").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("decision", [
    {"file": "concerns.yml", "text": "家賃が払えない", "domains": ["rent"]},
    {"file": "concerns.yml", "text": "家賃が払えない", "domains": []},
    {"file": "concerns.yml", "text": "どこにもない例文", "domains": ["housing"]},
])
def test_a_decision_that_cannot_be_applied_stops_and_leaves_the_file(nlu_folder, decision):
    with pytest.raises(ValueError):
        apply_decisions([decision], folder=nlu_folder)
    assert (nlu_folder / "concerns.yml").read_text(encoding="utf-8") == FILE
