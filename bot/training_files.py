"""The project's training-data importer (config.yml `importers:`): Rasa's file importer that
parses each NLU file once per process, and checks its schema on the plain parse.

One `rasa train` asks for the NLU data five times (the validator, the responses check, the
end-to-end importer, the training graph), and Rasa parses and schema-checks every file each
time: 3.7 MB of YAML, about 20 seconds a pass, close to two minutes of CI's twenty. Here a file
is parsed the first time its content is seen; later requests get a fresh deep copy, exactly what
Rasa's own merge returns, so training is unchanged.

Rasa's schema check parses each file a second time with ruamel's round-trip loader, kept only
so that an error can name its line: most of the time of reading the data (59 of the 71 seconds
of 6.2 MB on a slow machine, BENCHMARKS.md "Training time"). The schema is checked here on a
plain parse, the same loader Rasa then reads the examples with (the file is parsed twice, both
quick, rather than copying Rasa's reader); Rasa's own check runs only when that finds a problem,
so a trainer still gets Rasa's message with the line.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, Optional, Text, Tuple

import pkg_resources
from pykwalify.core import Core
from rasa.shared.constants import PACKAGE_NAME, RESPONSES_SCHEMA_FILE, SCHEMA_EXTENSIONS_FILE
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading
from rasa.shared.nlu.training_data.formats.rasa_yaml import NLU_SCHEMA_FILE, RasaYAMLReader
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_yaml, read_yaml_file

# (path, sha256 of its bytes, language) → the file's parsed training data. Keyed on content, so
# a file edited while the process lives (a trainer's session in `bot.retrain`) is read again.
_PARSED: Dict[Tuple[str, str, Optional[str]], TrainingData] = {}


class ReadOnceFileImporter(RasaFileImporter):
    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        # merge() deep-copies every example: callers may change them (the tokenizer sets tokens).
        return TrainingData().merge(*(parsed_file(path, language) for path in self._nlu_files))


def parsed_file(path: Text, language: Optional[Text]) -> TrainingData:
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    key = (str(path), digest, language)
    if key not in _PARSED:
        if loading.guess_format(str(path)) == loading.RASA_YAML:
            _PARSED[key] = SchemaCheckedYAMLReader().read(str(path), language=language)
        else:
            _PARSED[key] = loading.load_data(str(path), language)
    return _PARSED[key]


class SchemaCheckedYAMLReader(RasaYAMLReader):
    """Rasa's reader of NLU YAML, with the schema checked on the plain parse first."""

    def validate(self, string: Text) -> None:
        if not follows_nlu_schema(string):
            super().validate(string)  # raises Rasa's own error, with the line


def follows_nlu_schema(content: Text) -> bool:
    """Whether the YAML text parses and follows Rasa's NLU schema (as Rasa's check decides)."""
    # pykwalify logs every problem it finds at ERROR; Rasa's check, which explains them, quiets it too.
    logging.getLogger("pykwalify").setLevel(logging.CRITICAL)
    try:
        data = read_yaml(content)
        Core(source_data=data, schema_data=copy.deepcopy(_nlu_schema()),
             extensions=[_schema_file(SCHEMA_EXTENSIONS_FILE)]).validate(raise_exception=True)
    except Exception:  # noqa: BLE001 - whatever fails here, Rasa's own check decides and explains
        return False
    return True


@functools.lru_cache(maxsize=None)
def _nlu_schema() -> Dict[str, Any]:
    # As Rasa builds it: the NLU schema with the responses' definitions it refers to.
    schema = read_yaml_file(_schema_file(NLU_SCHEMA_FILE))
    return dict(schema, **read_yaml_file(_schema_file(RESPONSES_SCHEMA_FILE)))


def _schema_file(relative: str) -> str:
    return pkg_resources.resource_filename(PACKAGE_NAME, relative)
