"""The project's importer: the NLU data Rasa's importer gives, parsed once per file content."""
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.importers.rasa import RasaFileImporter

from bot import training_files
from bot.paths import PROJECT_ROOT
from bot.training_files import ReadOnceFileImporter


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
