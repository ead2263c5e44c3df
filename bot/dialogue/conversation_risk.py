"""Danger judged on the conversation, not only on its last message.

A resident may tell a story over several messages and name the danger only at the end
(「借金が…」「もう疲れた」「ロープは用意してある」). Each message's parse data carries what
CrisisDetector found (`crisis`, `crisis_evidence`, `crisis_bands`, `safety_check`, …);
this module combines the last few messages of the session:

- the rules run over the recent messages joined, so despair told earlier gates a means
  named now, exactly as within one message;
- the model's evidence adds up: earlier messages count at `EARLIER_WEIGHT` per step back,
  and only where they pointed towards danger (a calm message never cancels a warning) but
  stayed under the bands (a message already asked about or answered with the lines has
  had its answer; its evidence is not spent twice).

A risk counts only when the newest message adds to it, so a resident who already got the
lines and then says 「ありがとう」 is not alarmed again. CrisisPolicy (to choose the next
action) and the actions (to word the answer) call the same function on the same events.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.nlu.crisis_rules import CrisisFinding, load_crisis_rules
from bot.nlu.dialogue_acts import PLAIN_ACT_CONFIDENCE, PLAIN_DIALOGUE_ACTS

RECENT_TURNS = 3
EARLIER_WEIGHT = 0.5

CRISIS = "crisis"
UNCERTAIN = "uncertain"
CALM = "calm"


@dataclass(frozen=True)
class Turn:
    """One resident message: its words (for the rules) and its parse data."""

    text: str
    parse: Dict[str, Any]


@dataclass(frozen=True)
class Risk:
    level: str  # CRISIS | UNCERTAIN | CALM
    categories: Tuple[str, ...] = ()
    source: Optional[str] = None  # "rules" | "model" | "conversation"

    @property
    def is_crisis(self) -> bool:
        return self.level == CRISIS


def judge(turns: Sequence[Turn]) -> Risk:
    """The risk of the newest turn in the light of the ones before it (oldest first)."""
    if not turns:
        return Risk(CALM)
    latest = turns[-1].parse
    if latest.get("crisis") or _danger_entity(latest) == CRISIS:
        return Risk(CRISIS, tuple(latest.get("crisis_categories") or ()) or ("suicide_self_harm",),
                    latest.get("crisis_source") or "rules")
    recent = list(turns[-RECENT_TURNS:])
    joined_risk = _rules_over(recent) if len(recent) > 1 else None
    if joined_risk is not None:
        return joined_risk
    conversation = _conversation_score(recent)
    bands = latest.get("crisis_bands") or {}
    if conversation is not None and bands and float(latest.get("crisis_evidence") or 0.0) > 0:
        categories = _categories(recent)
        # A greeting, closing, thanks, yes or no read with confidence is asked about, never
        # alarmed, on the model's score alone (as CrisisDetector judges one message).
        plain_act = _plain_dialogue_act(latest)
        if conversation >= bands["high"] and not plain_act:
            return Risk(CRISIS, categories, "conversation")
        if (latest.get("safety_check") or conversation >= bands["high"]
                or (conversation >= bands["low"] and not plain_act)):
            return Risk(UNCERTAIN, categories, "conversation" if not latest.get("safety_check") else "model")
    if latest.get("safety_check") or _danger_entity(latest) == UNCERTAIN:
        return Risk(UNCERTAIN, tuple(latest.get("crisis_categories") or ()) or ("suicide_self_harm",), "model")
    return Risk(CALM)


def _plain_dialogue_act(parse: Dict[str, Any]) -> bool:
    """「何時まで開いてますか」 after a worry is a question about hours, not a new warning."""
    intent = parse.get("intent") or {}
    return intent.get("name") in PLAIN_DIALOGUE_ACTS and float(intent.get("confidence") or 0.0) >= PLAIN_ACT_CONFIDENCE


def _danger_entity(parse: Dict[str, Any]) -> Optional[str]:
    """The `danger` entity CrisisDetector sets (a test story states it the same way)."""
    return next((e.get("value") for e in parse.get("entities") or () if e.get("entity") == "danger"), None)


def _rules_over(recent: List[Turn]) -> Optional[Risk]:
    """Crisis when the rules fire on the recent messages joined but not without the newest."""
    if not recent[-1].text or recent[-1].text.startswith("/"):
        return None  # a button press adds no words
    texts = [t.text for t in recent if t.text and not t.text.startswith("/")]
    if len(texts) < 2 or _rules_on(texts[-1]).is_crisis:
        return None  # the newest message alone is judged as it was (the model may doubt it)
    together = _rules_on("。".join(texts))
    if not together.is_crisis:
        return None
    before = _rules_on("。".join(texts[:-1]))
    new = tuple(c for c in together.categories if c not in before.categories)
    return Risk(CRISIS, new, "conversation") if new else None


@functools.lru_cache(maxsize=512)
def _rules_on(text: str) -> CrisisFinding:
    # The policy and the action judge the same recent messages on every turn: read them once.
    return load_crisis_rules().detect(text)


def _conversation_score(recent: List[Turn]) -> Optional[float]:
    latest = recent[-1].parse
    bands = latest.get("crisis_bands")
    if not bands:
        return None
    logit = float(bands["bias"]) + float(latest.get("crisis_evidence") or 0.0)
    for steps_back, turn in enumerate(reversed(recent[:-1]), start=1):
        if turn.parse.get("crisis") or turn.parse.get("safety_check") or _danger_entity(turn.parse):
            continue
        if _plain_dialogue_act(turn.parse):
            # 「こんにちは」 before a worry tells nothing about danger; with few words its evidence
            # is noise, and it must not tip a calm worry into the safety question.
            continue
        evidence = float(turn.parse.get("crisis_evidence") or 0.0)
        logit += max(evidence, 0.0) * EARLIER_WEIGHT ** steps_back
    return 1.0 / (1.0 + math.exp(-logit))


def _categories(recent: List[Turn]) -> Tuple[str, ...]:
    ordered: List[str] = []
    for turn in reversed(recent):
        for code in turn.parse.get("crisis_categories") or ():
            if code not in ordered:
                ordered.append(code)
    return tuple(ordered) or ("suicide_self_harm",)


def session_turns(events: Sequence[Any]) -> List[Turn]:
    """The resident's messages since the session started, from Rasa or rasa-sdk events."""
    turns: List[Turn] = []
    for event in events:
        name = event.get("event") if isinstance(event, dict) else getattr(event, "type_name", None)
        if name == "session_started":
            turns = []
        elif name == "user":
            if isinstance(event, dict):
                turns.append(Turn(event.get("text") or "", event.get("parse_data") or {}))
            else:
                turns.append(Turn(event.text or "", event.parse_data or {}))
    return turns
