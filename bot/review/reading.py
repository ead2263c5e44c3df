"""What the model read in a message, as kept beside a review sample: codes and numbers only.

The action server hands over Rasa's parse; only closed-set codes (intents of domain.yml,
taxonomy domains, crisis categories) and rounded scores survive, so nothing of the resident's
words can reach these columns whatever the parse carries (entities, evidence, spans).
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple

import yaml

from bot.knowledge.routing_preferences import CRISIS_CATEGORIES
from bot.paths import PROJECT_ROOT
from bot.taxonomy import load_taxonomy

CRISIS_CATEGORY_LABELS = {
    "suicide_self_harm": "自殺・自傷",
    "violence_now": "いまの暴力",
    "child_danger": "子どもの危険",
    "medical_emergency": "急病・けが",
}


@functools.lru_cache(maxsize=1)
def known_intents() -> Tuple[str, ...]:
    """The intents of domain.yml: the only intent names a trainer may give or a sample may keep."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return tuple(str(name) for name in domain["intents"])


def _score(value: Any) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(min(max(number, 0.0), 1.0), 3) if math.isfinite(number) else None


def _codes(values: Any, allowed) -> Tuple[str, ...]:
    if not isinstance(values, (list, tuple)):
        return ()
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and v in allowed))


@dataclass(frozen=True)
class ModelReading:
    intent: Optional[str] = None
    intent_confidence: Optional[float] = None
    domains: Tuple[str, ...] = ()
    domain_scores: Dict[str, float] = field(default_factory=dict)
    crisis: Optional[bool] = None
    crisis_categories: Tuple[str, ...] = ()
    crisis_score: Optional[float] = None

    @classmethod
    def from_parse(cls, parse: Optional[Mapping[str, Any]]) -> "ModelReading":
        parse = parse or {}
        codes = load_taxonomy().domains
        intent = parse.get("intent") if isinstance(parse.get("intent"), Mapping) else {}
        name = intent.get("name")
        raw_scores = parse.get("domain_scores") if isinstance(parse.get("domain_scores"), Mapping) else {}
        scores = {code: _score(raw_scores[code]) for code in codes if code in raw_scores}
        return cls(
            intent=name if name in known_intents() else None,
            intent_confidence=_score(intent.get("confidence")),
            domains=_codes(parse.get("domains"), codes),
            domain_scores={code: score for code, score in scores.items() if score is not None},
            crisis=bool(parse["crisis"]) if "crisis" in parse else None,
            crisis_categories=_codes(parse.get("crisis_categories"), CRISIS_CATEGORIES),
            crisis_score=_score(parse.get("crisis_score")),
        )

    def columns(self) -> Dict[str, Any]:
        return {
            "intent": self.intent,
            "intent_confidence": self.intent_confidence,
            "domains": ",".join(self.domains),
            "domain_scores": json.dumps(self.domain_scores, sort_keys=True),
            "crisis": self.crisis,
            "crisis_categories": ",".join(self.crisis_categories),
            "crisis_score": self.crisis_score,
        }

    @classmethod
    def from_row(cls, row) -> "ModelReading":
        """Read back through the same filter: a row written by hand or by an older version
        still shows codes and numbers only."""
        try:
            scores = json.loads(row.domain_scores) if row.domain_scores else {}
        except ValueError:
            scores = {}
        return cls.from_parse({
            **({"crisis": row.crisis} if row.crisis is not None else {}),
            "intent": {"name": row.intent, "confidence": row.intent_confidence},
            "domains": (row.domains or "").split(","),
            "domain_scores": scores if isinstance(scores, dict) else {},
            "crisis_categories": (row.crisis_categories or "").split(","),
            "crisis_score": row.crisis_score,
        })

    @property
    def known(self) -> bool:
        """False for samples kept before the model's reading was stored."""
        return self.intent is not None or bool(self.domain_scores) or self.crisis is not None

    def ranked_scores(self, limit: int = 5) -> Tuple[Tuple[str, float], ...]:
        """The highest domain scores, best first: what the model was choosing between."""
        ranked = sorted(self.domain_scores.items(), key=lambda item: (-item[1], item[0]))
        return tuple(ranked[:limit])
