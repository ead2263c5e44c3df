"""The project's training-data importer (config.yml `importers:`): Rasa's file importer that
parses each NLU file once per process.

One `rasa train` asks for the NLU data five times (the validator, the responses check, the
end-to-end importer, the training graph), and Rasa parses and schema-checks every file each
time: 3.7 MB of YAML, about 20 seconds a pass, close to two minutes of CI's twenty. Here a file
is parsed the first time its content is seen; later requests get a fresh deep copy, exactly what
Rasa's own merge returns, so training is unchanged.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Dict, Optional, Text, Tuple

from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading
from rasa.shared.nlu.training_data.training_data import TrainingData

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
        _PARSED[key] = loading.load_data(str(path), language)
    return _PARSED[key]
