"""The shared codes for welfare domains and window kinds (knowledge/taxonomy.yml).

The file is a copy of the project-wide contract `shared/taxonomy.yml`; a test keeps the
two in step. Codes are what payloads, logs and evaluations use; labels are for people.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Tuple

import yaml

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "taxonomy.yml"


@dataclass(frozen=True)
class Taxonomy:
    domains: Dict[str, str]  # code → Japanese label
    window_kinds: Dict[str, str]

    @property
    def domain_codes(self) -> Tuple[str, ...]:
        return tuple(self.domains)


@functools.lru_cache(maxsize=None)
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Taxonomy(
        domains={code: entry["ja"] for code, entry in raw["domains"].items()},
        window_kinds={code: entry["ja"] for code, entry in raw["window_kinds"].items()},
    )
