"""Edits one municipality file the way a careful person would: only the changed lines.

ruamel.yaml's round trip keeps comments, key order, quotes and blank lines (every
municipality file loads and dumps back byte for byte, a test checks it), so a staff change
approved on /staff shows in `git diff knowledge/` as exactly the lines it changed. New keys go
where a person would put them (`phone_source` under `phone`, `last_verified` under `source`),
new windows at the end of `windows`, one blank line before them as between the others.

Nothing here validates: the result is checked by the loader, as `python -m bot.knowledge check`
checks a file (bot/staff/directory_changes.py).
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any, Dict, List, Mapping, Optional

from ruamel.yaml import YAML
from ruamel.yaml.error import CommentMark
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from bot.knowledge.loader import SOURCE_SUFFIX, SOURCED_FIELDS

# Where each key of a window goes, as the seeded files write them.
_BASE_ORDER = ("id", "name", "kind", "domains", "phone", "hours", "place", "helps_with", "what_to_say", "source",
               "last_verified", "eligibility")
KEY_ORDER: List[str] = []
for _key in _BASE_ORDER:
    KEY_ORDER.append(_key)
    if _key in SOURCED_FIELDS:
        KEY_ORDER.append(_key + SOURCE_SUFFIX)
# Keys that disappear when emptied; the others are written as `null`, as the seeded files do.
OPTIONAL_KEYS = frozenset({"last_verified", *(field + SOURCE_SUFFIX for field in SOURCED_FIELDS)})
CODE_KEYS = frozenset({"id", "kind"})  # written bare, like the ids and taxonomy codes in every file


class WindowNotFound(KeyError):
    """The file has no window with this id (renamed or removed since the change was proposed)."""


def _yaml() -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 4096  # never fold a long line the file writes on one
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"))
    return handler


def load(text: str) -> CommentedMap:
    return _yaml().load(text)


def dump(data: CommentedMap) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def plain(value: Any) -> Any:
    """A value as JSON and the form hold it: lists and strings, dates as 'YYYY-MM-DD'."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, str):
        return str(value)
    return value


def _styled(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(list(value))
        seq.fa.set_flow_style()  # domains: [elderly, carer], as every file writes them
        return seq
    if key in CODE_KEYS:
        return str(value)
    return DoubleQuotedScalarString(str(value))


def _windows(data: CommentedMap) -> CommentedSeq:
    windows = data.get("windows") if isinstance(data, dict) else None
    if not isinstance(windows, list):
        raise ValueError("the file has no list of windows")
    return windows


def _find(data: CommentedMap, window_id: str) -> CommentedMap:
    for entry in _windows(data):
        if isinstance(entry, dict) and entry.get("id") == window_id:
            return entry
    raise WindowNotFound(window_id)


def window_values(text: str, window_id: str) -> Dict[str, Any]:
    """The window's keys as the file holds them now (plain values)."""
    return {str(key): plain(value) for key, value in _find(load(text), window_id).items()}


def _rank(key: str) -> int:
    return KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)


def _comment(value: str, like: CommentToken) -> CommentToken:
    if like.start_mark is not None:
        return CommentToken(value, like.start_mark, None)
    return CommentToken(value, CommentMark(0), None)


def _split_trailing_lines(entry: CommentedMap, before: str, new_key: str) -> None:
    """`before` keeps its own end-of-line comment; the blank lines and comment lines that followed
    it now follow the new key (or the blank line between two windows would end up above it)."""
    token = entry.ca.items.get(before)
    if not token or len(token) < 3 or token[2] is None:
        return
    value = token[2].value
    cut = value.find("\n")
    if cut < 0 or cut == len(value) - 1:
        return
    token[2] = _comment(value[:cut + 1], token[2])
    entry.ca.items[new_key] = [None, None, _comment("\n" + value[cut + 1:], token[2]), None]


def _insert(entry: CommentedMap, key: str, value: Any) -> None:
    keys = list(entry.keys())
    position = 0
    for index, existing in enumerate(keys):
        if _rank(existing) <= _rank(key):
            position = index + 1
    if position > 0:
        _split_trailing_lines(entry, keys[position - 1], key)
    entry.insert(position, key, value)


def _set(entry: CommentedMap, key: str, value: Any) -> None:
    if value is None and key in OPTIONAL_KEYS:
        if key in entry:
            _remove(entry, key)
        return
    if key in entry:
        entry[key] = _styled(key, value)
    else:
        _insert(entry, key, _styled(key, value))


def _remove(entry: CommentedMap, key: str) -> None:
    """Deletes the key; what followed its line (a blank line before the next window) stays."""
    keys = list(entry.keys())
    index = keys.index(key)
    token = entry.ca.items.pop(key, None)
    del entry[key]
    if token and len(token) > 2 and token[2] is not None and index > 0:
        previous = keys[index - 1]
        kept = entry.ca.items.get(previous)
        if not kept or len(kept) < 3 or kept[2] is None:
            entry.ca.items[previous] = [None, None, token[2], None]


def edit_window(text: str, window_id: str, values: Mapping[str, Any]) -> str:
    """`text` with the window's keys set to `values` (None: `null`, or removed for optional keys)."""
    data = load(text)
    entry = _find(data, window_id)
    for key, value in values.items():
        _set(entry, key, value)
    return dump(data)


def _last_key_path(entry: Any) -> Optional[tuple]:
    """The mapping and key whose line is the entry's last (a nested eligibility's, say)."""
    if not isinstance(entry, CommentedMap) or not entry:
        return None
    last = list(entry.keys())[-1]
    deeper = _last_key_path(entry[last])
    return deeper or (entry, last)


def add_window(text: str, values: Mapping[str, Any]) -> str:
    """`text` with a new window at the end of `windows`, after one blank line."""
    data = load(text)
    windows = _windows(data)
    entry = CommentedMap()
    for key in sorted(values, key=_rank):
        if values[key] is None and key in OPTIONAL_KEYS:
            continue
        entry[key] = _styled(key, values[key])
    if windows:
        last = _last_key_path(windows[-1])
        if last is not None:
            mapping, key = last
            token = mapping.ca.items.get(key)
            if not token or len(token) < 3 or token[2] is None:
                mapping.ca.items[key] = [None, None, CommentToken("\n\n", CommentMark(0), None), None]
            elif not token[2].value.endswith("\n\n"):
                token[2] = _comment(token[2].value.rstrip("\n") + "\n\n", token[2])
    windows.append(entry)
    return dump(data)
