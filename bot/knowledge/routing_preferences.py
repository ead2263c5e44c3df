"""Which kinds of window serve which domain, and which national lines fit which danger:
read from knowledge/routing.yml and checked like every other directory file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Tuple

import yaml

from bot.knowledge.loader import KnowledgeError
from bot.taxonomy import load_taxonomy

CRISIS_CATEGORIES = ("suicide_self_harm", "violence_now", "child_danger", "medical_emergency")


@dataclass(frozen=True)
class RoutingPreferences:
    preferred_kinds: Dict[str, Tuple[str, ...]]
    general_kinds: Tuple[str, ...]
    crisis_lines_by_category: Dict[str, Tuple[str, ...]]
    default_crisis_lines: Tuple[str, ...]
    national_lines_by_domain: Dict[str, Tuple[str, ...]]
    # Needs of the one who cares, served where the resident lives even when the person cared
    # for lives elsewhere (that person's own care belongs to their municipality).
    resident_side_domains: Tuple[str, ...] = ()


def load_routing_preferences(path: Path, line_ids: Iterable[str]) -> RoutingPreferences:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    taxonomy = load_taxonomy()
    lines = set(line_ids)

    def codes(field: str, values, allowed, what: str) -> Tuple[str, ...]:
        values = tuple(values or ())
        for value in values:
            if value not in allowed:
                raise KnowledgeError(path.name, field, str(value), f"unknown {what}; known: {', '.join(sorted(allowed))}")
        return values

    def table(field: str, keys, allowed, what: str, key_what: str) -> Dict[str, Tuple[str, ...]]:
        entries = raw.get(field) or {}
        for key in entries:
            if key not in keys:
                raise KnowledgeError(path.name, field, str(key), f"unknown {key_what}; known: {', '.join(keys)}")
        return {key: codes(f"{field}.{key}", values, allowed, what) for key, values in entries.items()}

    preferred = table("preferred_kinds", tuple(taxonomy.domains), taxonomy.window_kinds, "window kind", "domain")
    missing = [code for code in taxonomy.domain_codes if code not in preferred]
    if missing:
        raise KnowledgeError(path.name, "preferred_kinds", ", ".join(missing), "every domain needs a line (even [])")
    general = codes("general_kinds", raw.get("general_kinds"), taxonomy.window_kinds, "window kind")
    if not general:
        raise KnowledgeError(path.name, "general_kinds", "(empty)", "needs at least one kind for any worry")
    by_category = table("crisis_lines_by_category", CRISIS_CATEGORIES, lines, "national line id", "crisis category")
    default = codes("default_crisis_lines", raw.get("default_crisis_lines"), lines, "national line id")
    if not default:
        raise KnowledgeError(path.name, "default_crisis_lines", "(empty)", "danger always needs lines")
    national = table("national_lines_by_domain", tuple(taxonomy.domains), lines, "national line id", "domain")
    resident_side = codes("resident_side_domains", raw.get("resident_side_domains"), taxonomy.domains, "domain")
    return RoutingPreferences(preferred, general, by_category, default, national, resident_side)
