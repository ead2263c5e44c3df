"""Reviewed examples as Rasa NLU training data: data/nlu/reviewed/<date>.yml.

Written in the layout of the rest of data/nlu: one block per intent, each text in double
quotes, a concern's labels as example metadata `{domains: [...], crisis: false}` (and
`crisis_category` when it is danger now), so `rasa train` and bot.nlu.concern_labels read
them like any hand-written example. The folder is `REVIEWED_DATA_DIR` (bot/settings.py) so
tests write into a copy, never into the repository's data/.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.knowledge.routing_preferences import CRISIS_CATEGORIES
from bot.review.reading import known_intents
from bot.taxonomy import load_taxonomy

CONCERN_INTENT = "describe_concern"
HEADER = ("# 見直しで確かめた例文（職員画面の「見直し」と python -m bot review が書きます）。\n"
          "# 住民の言葉は名前・電話番号・住所などを消したものだけです。\n")
# The Redactor's labels ([名前], [電話番号]…) become the data's own placeholder 〇〇, and any other
# ASCII bracket a full-width one: Rasa would read "[…](…)" as an entity annotation.
# Labels side by side (a family name and a given name) are one placeholder.
_REDACTION_LABEL = re.compile(r"(?:\[(?:名前|電話番号|住所|郵便番号|メール|番号)\])+")
_LOCK = threading.Lock()


class LabelError(ValueError):
    """A trainer's label that is not valid training data; the message is for the trainer."""


@dataclass(frozen=True)
class Label:
    intent: str
    domains: Tuple[str, ...] = ()
    crisis: bool = False
    crisis_category: Optional[str] = None

    @classmethod
    def checked(cls, intent: str, domains: Iterable[str] = (), crisis: bool = False,
                crisis_category: Optional[str] = None) -> "Label":
        if intent not in known_intents():
            raise LabelError(f"意図「{intent}」は domain.yml にありません。")
        codes = load_taxonomy().domains
        chosen = tuple(dict.fromkeys(d.strip() for d in domains if d and d.strip()))
        unknown = [d for d in chosen if d not in codes]
        if unknown:
            raise LabelError(f"知らないコードです: {', '.join(unknown)}（分野コードは knowledge/taxonomy.yml）")
        if intent != CONCERN_INTENT and (chosen or crisis):
            raise LabelError(f"分野と危険は、意図が {CONCERN_INTENT}（相談）のときだけ付けます。")
        if crisis and crisis_category not in CRISIS_CATEGORIES:
            raise LabelError("いま危険がある文には、危険の種類を選んでください。")
        return cls(intent, chosen, bool(crisis), crisis_category if crisis else None)

    def metadata(self) -> Optional[Dict[str, object]]:
        """As data/nlu writes it: every concern says whether it is danger now."""
        if self.intent != CONCERN_INTENT:
            return None
        metadata: Dict[str, object] = {"domains": list(self.domains), "crisis": self.crisis}
        if self.crisis:
            metadata["crisis_category"] = self.crisis_category
        return metadata


def training_text(redacted: str) -> str:
    text = _REDACTION_LABEL.sub("〇〇", redacted.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("[", "［").replace("]", "］").strip()


def _printable(character: str) -> bool:
    # YAML's printable set, less the characters YAML would read as a line break.
    code = ord(character)
    return (0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF) and code not in (0x2028, 0x2029, 0xFEFF)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`."""
    pieces = []
    for character in text:
        if character in '"\\':
            pieces.append("\\" + character)
        elif character == "\n":
            pieces.append("\\n")
        elif character == "\t":
            pieces.append("\\t")
        elif _printable(character):
            pieces.append(character)
        elif ord(character) <= 0xFFFF:
            pieces.append(f"\\u{ord(character):04x}")
        else:
            pieces.append(f"\\U{ord(character):08x}")
    return '"' + "".join(pieces) + '"'


_CODE = re.compile(r"^[a-z_][a-z0-9_]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}  # YAML 1.1 reads these as values


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return text if _CODE.match(text) and text not in _YAML_WORDS else quoted(text)


def _flow(metadata: Dict[str, object]) -> str:
    """`{domains: [elderly, carer], crisis: false}`, the layout of data/nlu."""
    parts = []
    for key, value in metadata.items():
        shown = "[" + ", ".join(_scalar(v) for v in value) + "]" if isinstance(value, list) else _scalar(value)
        parts.append(f"{_scalar(key)}: {shown}")
    return "{" + ", ".join(parts) + "}"


Example = Tuple[str, Optional[Dict[str, object]]]


def render(blocks: Dict[str, List[Example]]) -> str:
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:"]
    for intent, examples in blocks.items():
        lines += [f"- intent: {intent}", "  examples:"]
        for text, metadata in examples:
            lines.append(f"  - text: {quoted(text)}")
            if metadata:
                lines.append(f"    metadata: {_flow(metadata)}")
    return "\n".join(lines) + "\n"


def _read_blocks(path: Path) -> Dict[str, List[Example]]:
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    blocks: Dict[str, List[Example]] = {}
    for block in document.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            raise ValueError(f"{path}: only intent blocks belong in reviewed data")
        examples = blocks.setdefault(str(block["intent"]), [])
        raw = block.get("examples") or []
        if isinstance(raw, str):  # Rasa's other layout: "- text" lines in a block scalar
            raw = [{"text": line.strip()[2:]} for line in raw.splitlines() if line.strip().startswith("- ")]
        for example in raw:
            examples.append((str(example["text"]), example.get("metadata") or None))
    return blocks


@dataclass(frozen=True)
class Written:
    path: Path
    added: bool  # False when the same text was already there with the same intent


class ReviewedData:
    """`folder/<date>.yml`, or one fixed file (the terminal tool's --data-file)."""

    def __init__(self, folder: Path, file: Optional[Path] = None) -> None:
        self.folder = Path(folder)
        self.file = Path(file) if file else None

    def path_for(self, day: date) -> Path:
        return self.file or self.folder / f"{day.isoformat()}.yml"

    @property
    def legacy_file(self) -> Path:
        """data/nlu/reviewed.yml, where the terminal tool wrote before the folder existed."""
        return self.folder.with_suffix(".yml")

    def adopt_legacy_file(self) -> Optional[Path]:
        """Moves reviewed.yml into the folder (still training data, now beside the rest)."""
        if self.file or not self.legacy_file.is_file():
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        target, number = self.folder / "before-inbox.yml", 1
        while target.exists():
            number += 1
            target = self.folder / f"before-inbox-{number}.yml"
        os.replace(self.legacy_file, target)
        return target

    def append(self, text: str, label: Label, day: Optional[date] = None) -> Written:
        path = self.path_for(day or date.today())
        path.parent.mkdir(parents=True, exist_ok=True)
        with _LOCK, _file_lock(path):
            blocks = _read_blocks(path)
            examples = blocks.setdefault(label.intent, [])
            if any(existing == text for existing, _ in examples):
                return Written(path, False)
            examples.append((text, label.metadata()))
            _replace(path, render(blocks))
        return Written(path, True)

    def files(self) -> Sequence[Path]:
        return sorted(self.folder.glob("*.yml")) if self.folder.is_dir() else []


class _file_lock:
    """Across processes (the web process and a terminal tool): a lock file outside data/, so
    nothing but training data ever lands in the folder."""

    def __init__(self, path: Path) -> None:
        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
        self.lock_path = Path(tempfile.gettempdir()) / f"madoguchi-reviewed-{digest}.lock"

    def __enter__(self):
        self.handle = open(self.lock_path, "a")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _replace(path: Path, content: str) -> None:
    """Whole or not at all: a crash mid-write never leaves half a training file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
