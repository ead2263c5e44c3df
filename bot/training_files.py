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
plain parse, the one Rasa's reader then reads the examples from; Rasa's own check runs only when
that finds a problem, so a trainer still gets Rasa's message with the line.

That plain parse is Rasa's `read_yaml` with one fix (`parse_yaml`): the resolver of the
ruamel.yaml Rasa pins works quadratically in a file's repeated scalars. With the 12 MB of data
of December 2026, `rasa train`'s reading and validation before the first component went from
136 s to about 55 s (BENCHMARKS.md "Training time").
"""
from __future__ import annotations

import copy
import functools
import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import pkg_resources
from pykwalify.core import Core
from rasa.shared.constants import PACKAGE_NAME, RESPONSES_SCHEMA_FILE, SCHEMA_EXTENSIONS_FILE
from rasa.shared.utils import validation
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading
from rasa.shared.nlu.training_data.formats.rasa_yaml import (
    KEY_NLU, KEY_RESPONSES, NLU_SCHEMA_FILE, RasaYAMLReader)
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import YAML_VERSION, read_yaml, read_yaml_file
from ruamel import yaml
from ruamel.yaml.resolver import VersionedResolver

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
    """Rasa's reader of NLU YAML: the file parsed once, by `parse_yaml`, and the schema checked
    on that parse; Rasa's own check only when that finds a problem."""

    def reads(self, string: Text, **kwargs: Any) -> TrainingData:
        # RasaYAMLReader.reads, with one parse serving the schema check and the reading.
        content = _parsed_if_valid(string)
        if content is None:
            self.validate(string)  # Rasa's own check: raises its error, with the line
            content = read_yaml(string)  # only if Rasa accepts what the quick check did not
        if not validation.validate_training_data_format_version(content, self.filename):
            return TrainingData()
        for key, value in content.items():
            if key == KEY_NLU:
                self._parse_nlu(value)
            elif key == KEY_RESPONSES:
                self.responses = value
        return TrainingData(self.training_examples, self.entity_synonyms, self.regex_features,
                            self.lookup_tables, self.responses)


def parse_yaml(content: Text) -> Any:
    """What rasa.shared.utils.io.read_yaml returns, in time linear in the file.

    The ruamel.yaml that Rasa 3.6 pins (< 0.17.22) appends the catch-all resolvers (Rasa's
    `${ENV}` pattern) to the stored list of a scalar's first character every time it resolves
    one (`resolvers += ...` in VersionedResolver.resolve). A file's thousands of `text:` keys
    and `false` values each add one, and every later scalar starting alike tries them all: 577
    million regular-expression matches for the 6 MB file of blind writers' concerns, 147 of the
    150 seconds of reading it. The resolver here hands out copies, so the lists stay as built
    and every scalar gets the same tag as before."""
    if content.isascii():
        # As read_yaml does: escaped emoji (\U0001F600) in an ASCII file become the characters.
        content = (content.encode("utf-8").decode("raw_unicode_escape")
                   .encode("utf-16", "surrogatepass").decode("utf-16"))
    parser = yaml.YAML(typ="safe")
    parser.Resolver = _CopyingResolver
    parser.version = YAML_VERSION
    parser.preserve_quotes = True
    return parser.load(content) or {}


class _CopyingResolver(VersionedResolver):
    @property
    def versioned_resolver(self) -> Any:
        return _CopiesOnGet(super().versioned_resolver)


class _CopiesOnGet:
    """The only use `resolve` makes of the table: `.get(first character, [])`, then `+=`."""

    def __init__(self, table: Dict[Any, List[Any]]) -> None:
        self._table = table

    def get(self, key: Any, default: List[Any]) -> List[Any]:
        return list(self._table.get(key, default))


def follows_nlu_schema(content: Text) -> bool:
    """Whether the YAML text parses and follows Rasa's NLU schema (as Rasa's check decides)."""
    return _parsed_if_valid(content) is not None


def _parsed_if_valid(content: Text) -> Optional[Any]:
    # pykwalify logs every problem it finds at ERROR; Rasa's check, which explains them, quiets it too.
    logging.getLogger("pykwalify").setLevel(logging.CRITICAL)
    try:
        data = parse_yaml(content)
        Core(source_data=data, schema_data=copy.deepcopy(_nlu_schema()),
             extensions=[_schema_file(SCHEMA_EXTENSIONS_FILE)]).validate(raise_exception=True)
    except Exception:  # noqa: BLE001 - whatever fails here, Rasa's own check decides and explains
        return None
    return data


@functools.lru_cache(maxsize=None)
def _nlu_schema() -> Dict[str, Any]:
    # As Rasa builds it: the NLU schema with the responses' definitions it refers to.
    schema = read_yaml_file(_schema_file(NLU_SCHEMA_FILE))
    return dict(schema, **read_yaml_file(_schema_file(RESPONSES_SCHEMA_FILE)))


def _schema_file(relative: str) -> str:
    return pkg_resources.resource_filename(PACKAGE_NAME, relative)
