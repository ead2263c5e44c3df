"""Multi-label domain metrics and crisis metrics, computed the same way for every model."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Sequence, Set


@dataclass
class DomainScores:
    micro_f1: float
    macro_f1: float
    exact_set_accuracy: float
    per_domain_f1: Dict[str, float]
    support: Dict[str, int]


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def domain_scores(gold: Sequence[Set[str]], predicted: Sequence[Set[str]], codes: Sequence[str]) -> DomainScores:
    """Micro/macro F1 over all messages (a greeting with a predicted domain is a false positive);
    exact-set accuracy over the messages that carry at least one domain."""
    counts = {code: [0, 0, 0] for code in codes}  # tp, fp, fn
    for truth, guess in zip(gold, predicted):
        for code in codes:
            if code in guess and code in truth:
                counts[code][0] += 1
            elif code in guess:
                counts[code][1] += 1
            elif code in truth:
                counts[code][2] += 1
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    per_domain = {code: round(_f1(*counts[code]), 3) for code in codes}
    supported = [code for code in codes if counts[code][0] + counts[code][2] > 0]
    concerns = [(t, g) for t, g in zip(gold, predicted) if t]
    return DomainScores(
        micro_f1=round(_f1(tp, fp, fn), 3),
        macro_f1=round(sum(per_domain[c] for c in supported) / max(len(supported), 1), 3),
        exact_set_accuracy=round(sum(t == g for t, g in concerns) / max(len(concerns), 1), 3),
        per_domain_f1=per_domain,
        support={code: counts[code][0] + counts[code][2] for code in codes},
    )


@dataclass
class CrisisScores:
    recall: float
    false_positive_rate: float
    positives: int
    negatives: int
    missed: List[str]
    false_alarms: List[str]


def crisis_scores(texts: Sequence[str], gold: Sequence[bool], predicted: Sequence[bool]) -> CrisisScores:
    positives = [t for t, g in zip(texts, gold) if g]
    negatives = [t for t, g in zip(texts, gold) if not g]
    missed = [t for t, g, p in zip(texts, gold, predicted) if g and not p]
    false_alarms = [t for t, g, p in zip(texts, gold, predicted) if not g and p]
    return CrisisScores(
        recall=round(1 - len(missed) / max(len(positives), 1), 3),
        false_positive_rate=round(len(false_alarms) / max(len(negatives), 1), 3),
        positives=len(positives),
        negatives=len(negatives),
        missed=missed,
        false_alarms=false_alarms,
    )


def confusion_pairs(gold: Sequence[Set[str]], predicted: Sequence[Set[str]]) -> Dict[str, Dict[str, int]]:
    """For each gold domain that was missed, which domains were predicted instead."""
    table: Dict[str, Dict[str, int]] = {}
    for truth, guess in zip(gold, predicted):
        for missed in truth - guess:
            row = table.setdefault(missed, {})
            for wrong in (guess - truth) or {"(なし)"}:
                row[wrong] = row.get(wrong, 0) + 1
    return table
