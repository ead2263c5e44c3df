"""The project's importer: the NLU data Rasa's importer gives, parsed once per file content, and
the same refusal with the same message for a file that breaks Rasa's schema."""
import re

import pytest
from rasa.shared.exceptions import YamlException
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.utils.io import read_yaml

from bot import training_files
from bot.paths import PROJECT_ROOT
from bot.training_files import ReadOnceFileImporter, follows_nlu_schema, parse_yaml


def _examples(data):
    return [m.as_dict() for m in data.training_examples]


def test_config_yml_names_the_importer():
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"), str(PROJECT_ROOT / "domain.yml"), [str(PROJECT_ROOT / "data")])
    # E2EImporter(ResponsesSyncImporter(CombinedDataImporter([...]))): Rasa's own wrapping.
    assert [type(i) for i in importer.importer._importer._importers] == [ReadOnceFileImporter]


def test_the_same_examples_as_rasas_importer_in_fresh_copies(tmp_path):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - こんにちは\n    - やあ\n',
                   encoding="utf-8")
    ours = ReadOnceFileImporter(None, None, [str(tmp_path)])
    first, second = ours.get_nlu_data("ja"), ours.get_nlu_data("ja")
    assert _examples(first) == _examples(second) == _examples(RasaFileImporter(None, None, [str(tmp_path)]).get_nlu_data("ja"))
    first.training_examples[0].set("text", "changed by a component")
    assert ours.get_nlu_data("ja").training_examples[0].get("text") == "こんにちは"


def test_an_edited_file_is_read_again(tmp_path, monkeypatch):
    parsed = {}
    monkeypatch.setattr(training_files, "_PARSED", parsed)
    nlu = tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - こんにちは\n', encoding="utf-8")
    importer = ReadOnceFileImporter(None, None, [str(tmp_path)])
    importer.get_nlu_data("ja")
    importer.get_nlu_data("ja")
    assert len(parsed) == 1, "the second request did not parse the file again"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - おはよう\n', encoding="utf-8")
    assert [m.get("text") for m in importer.get_nlu_data("ja").training_examples] == ["おはよう"]


BROKEN_FILES = {
    "examples as a list": 'version: "3.1"\nnlu:\n- intent: greet\n  examples:\n    - こんにちは\n',
    "an unknown key": 'version: "3.1"\nnlu:\n- intent: greet\n  exampels: |\n    - こんにちは\n',
    "a duplicated key": 'version: "3.1"\nnlu:\n- intent: greet\n  intent: thanks\n  examples: |\n    - どうも\n',
    "broken YAML": 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - こんにちは\n - : [\n',
}


@pytest.mark.parametrize("content", BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_a_file_breaking_the_schema_stops_training_with_rasas_message_and_line(tmp_path, content):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(content, encoding="utf-8")
    with pytest.raises(YamlException) as ours:
        ReadOnceFileImporter(None, None, [str(tmp_path)]).get_nlu_data("ja")
    with pytest.raises(YamlException) as rasas:
        RasaFileImporter(None, None, [str(tmp_path)]).get_nlu_data("ja")
    assert type(ours.value) is type(rasas.value)
    assert str(ours.value) == str(rasas.value)
    # Where the trainer must look: Rasa's message names the file's line.
    assert re.search(r"nlu\.yml:\d+|line \d+", str(ours.value), re.IGNORECASE)


def test_the_quick_schema_check_passes_every_file_of_the_project():
    files = sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
    assert files
    assert [f.name for f in files if not follows_nlu_schema(f.read_text(encoding="utf-8"))] == []


# Scalars of every kind the resolver tells apart, each starting like many others (the ruamel.yaml
# Rasa pins slowed down exactly there), an environment variable and an escaped emoji.
TRICKY_YAML = """version: "3.1"
nlu:
""" + "".join(
    f"""- intent: tell_{i}
  metadata:
    flag: {'true' if i % 2 else 'false'}
    count: {i}
    ratio: {i}.5
    none: null
    date: 2026-12-0{i % 9 + 1}
    octal: 0o1{i % 8}
    tilde: ~
    home: ${{HOME}}/t{i}
    word: t{i}
    yes_: yes
    off_: off
  examples: |
    - テスト{i} \\U0001F600
""" for i in range(300))


@pytest.mark.parametrize("name", ["tricky", "project"])
def test_the_linear_parse_reads_every_scalar_as_rasa_does(name):
    if name == "tricky":
        contents = [TRICKY_YAML, TRICKY_YAML.encode("ascii", "backslashreplace").decode("ascii")]
    else:
        # Every file of the project Rasa's own parse reads in a few seconds (the largest one is
        # the reason for parse_yaml: Rasa took minutes over it).
        files = sorted(PROJECT_ROOT.glob("data/**/*.yml")) + [PROJECT_ROOT / "domain.yml"]
        contents = [f.read_text(encoding="utf-8") for f in files if f.stat().st_size < 400_000]
        assert len(contents) > 40
    for content in contents:
        assert parse_yaml(content) == read_yaml(content)
