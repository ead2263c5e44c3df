"""Reads the domain and crisis labels trainers put on NLU examples.

Trainers label a concern in `data/nlu/*.yml` with Rasa's per-example metadata:

    - text: "80歳の母と、家から出ない兄のことで…"
      metadata: {domains: [elderly, hikikomori], crisis: false}

Domains are not intents: Rasa's multi-intents only predict combinations seen in
training, while residents bring any combination.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.taxonomy import load_taxonomy


class UnknownDomainError(ValueError):
    pass


def example_metadata(message: Message) -> dict:
    metadata = message.get(METADATA) or {}
    return metadata.get(METADATA_EXAMPLE) or {}


def labelled_domains(message: Message) -> List[str]:
    """The domain codes of a training example, checked against the taxonomy."""
    domains = example_metadata(message).get("domains") or []
    known = load_taxonomy().domains
    for code in domains:
        if code not in known:
            raise UnknownDomainError(
                f"Unknown domain code '{code}' on training example "
                f"「{message.get('text')}」. Known codes: {', '.join(known)}"
            )
    return list(domains)


def for_domains_only(message: Message) -> bool:
    """An example only the domain classifier learns from (`domains_only: true`): the ordinary
    concerns of the frozen sets already used (bench/read_sets_training.py). Their 17,000 calm
    messages, long and written to a brief, moved the crisis detector's thresholds and raised the
    banner on short chat lines; what they teach is which domains strangers name."""
    return example_metadata(message).get("domains_only") is True


def labelled_crisis(message: Message) -> bool:
    return bool(example_metadata(message).get("crisis", False))


@dataclass(frozen=True)
class LabelledExample:
    text: str
    intent: str
    domains: Tuple[str, ...]
    crisis: bool


def load_labelled_examples(path: Path) -> List[LabelledExample]:
    """Every example under `path` (a file or a folder of Rasa NLU YAML) with its labels."""
    from rasa.shared.utils.io import list_files

    from bot.training_files import parsed_file

    # Each file through the importer's parse-once cache, in the order Rasa's load_data reads
    # them: a test run asks for data/nlu several times, at 20 seconds a parse.
    files = [str(path)] if Path(path).is_file() else list_files(str(path))
    return [
        LabelledExample(
            text=m.get(TEXT),
            intent=m.get(INTENT),
            domains=tuple(labelled_domains(m)),
            crisis=labelled_crisis(m),
        )
        for data in (parsed_file(f, "en") for f in files) if data
        for m in data.nlu_examples
        if m.get(TEXT)
    ]
