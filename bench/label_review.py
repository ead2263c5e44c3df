"""Training concerns whose domain labels a model that never saw them disagrees with, for trainers to review.

    .venv/bin/python -m bench.label_review --out review.jsonl [--folds 3]
    .venv/bin/python -m bench.label_review --apply decisions.jsonl

Fifty helpers wrote the NLU data over many sessions, and they did not all draw the line between
a first and a second need in the same place: one labels 「父が酒を飲んで暴れる」 abuse_dv, another
abuse_dv + mental_health. The classifier learns from both and names fewer second needs than
residents bring. This lists, out of fold, the concerns whose labels and the model's domains
differ (the model names a domain the label lacks, or the label holds one the model scores near
zero), so that people decide each against the taxonomy's definitions; the model only points.

`--apply` writes people's decisions ({"file", "text", "domains"} per line) back into the
`metadata: {domains: [...]}` line under each example, leaving every other byte of the file as
it was, so the change reads as a plain diff.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.model_selection import KFold

from bench.domain_variants import tokenized, training_messages
from bot.nlu.concern_labels import labelled_domains
from bot.nlu.domain_classifier import DomainClassifier
from bot.paths import PROJECT_ROOT
from bot.taxonomy import load_taxonomy

NLU_FOLDER = PROJECT_ROOT / "data" / "nlu"
# A labelled domain the model scores under this, having never seen the example, has no trace
# in its words that any other example taught: worth a second look.
_UNSEEN_TRACE = 0.05
_EXAMPLE = re.compile(r'^  - text: "(?P<text>(?:[^"\\]|\\.)*)"\s*$')
_DOMAINS = re.compile(r"domains: \[[^\]]*\]")


def example_files() -> Dict[str, str]:
    """Each example text → the NLU file that holds it (first one, if written twice)."""
    found: Dict[str, str] = {}
    for path in sorted(NLU_FOLDER.glob("*.yml")):
        for text, _ in _examples(path.read_text(encoding="utf-8").splitlines()):
            found.setdefault(text, path.name)
    return found


def _examples(lines: List[str]) -> Iterator[Tuple[str, int]]:
    """(text, index of its metadata line) for every example written as `- text: "…"`."""
    for index, line in enumerate(lines):
        match = _EXAMPLE.match(line)
        if match and index + 1 < len(lines) and "metadata:" in lines[index + 1]:
            yield json.loads(f'"{match.group("text")}"'), index + 1


def review_candidates(folds: int) -> List[dict]:
    messages = training_messages()
    concern_rows = [i for i, m in enumerate(messages)
                    if m.get(INTENT) == "describe_concern" and labelled_domains(m)]
    files = example_files()
    candidates = []
    for fold, (train, test) in enumerate(KFold(folds, shuffle=True, random_state=0).split(messages)):
        with tempfile.TemporaryDirectory() as folder:
            classifier = DomainClassifier(DomainClassifier.get_default_config(),
                                          LocalModelStorage(Path(folder)), Resource("domains"))
            classifier.train(TrainingData([messages[i] for i in train]))
            held_out = set(int(i) for i in test)
            for row in (r for r in concern_rows if r in held_out):
                original = messages[row]
                message = tokenized(original.get(TEXT))
                message.set(INTENT, {"name": "describe_concern", "confidence": 1.0})
                classifier.process([message])
                labelled, found = set(labelled_domains(original)), set(message.get("domains") or [])
                scores = message.get("domain_scores") or {}
                unseen = {code for code in labelled if scores.get(code, 0.0) < _UNSEEN_TRACE}
                if found - labelled or unseen:
                    candidates.append({
                        "file": files.get(original.get(TEXT), "?"), "text": original.get(TEXT),
                        "labelled": sorted(labelled), "model_adds": sorted(found - labelled),
                        "model_barely_sees": sorted(unseen),
                        "scores": {c: s for c, s in sorted(scores.items(), key=lambda kv: -kv[1])[:4]},
                    })
        print(f"fold {fold + 1}/{folds}: {len(candidates)} candidates so far", file=sys.stderr, flush=True)
    return candidates


def apply_decisions(decisions: List[dict], folder: Path = NLU_FOLDER) -> collections.Counter:
    """Writes each decision's domains onto its example; returns how many changed per file."""
    known = set(load_taxonomy().domains)
    by_file: Dict[str, Dict[str, List[str]]] = collections.defaultdict(dict)
    for decision in decisions:
        unknown = set(decision["domains"]) - known
        if unknown or not decision["domains"]:
            raise ValueError(f"{decision['text'][:30]}…: domains must be taxonomy codes, got {decision['domains']}")
        by_file[decision["file"]][decision["text"]] = decision["domains"]
    changed: collections.Counter = collections.Counter()
    rewritten: Dict[Path, str] = {}
    for name, wanted in by_file.items():
        path = folder / name
        lines = path.read_text(encoding="utf-8").split("\n")
        seen = set()
        for text, index in _examples(lines):
            if text in wanted and text not in seen:
                seen.add(text)
                new = _DOMAINS.sub(f"domains: [{', '.join(wanted[text])}]", lines[index], count=1)
                changed[name] += new != lines[index]
                lines[index] = new
        missing = set(wanted) - seen
        if missing:
            raise ValueError(f"{name}: {len(missing)} decided examples not found, e.g. {next(iter(missing))[:40]}")
        rewritten[path] = "\n".join(lines)
    # Written only once every decision has found its example: a bad line changes no file.
    for path, text in rewritten.items():
        path.write_text(text, encoding="utf-8")
    return changed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to write the candidates (JSON lines)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--apply", type=Path, help="decisions to write into data/nlu (JSON lines)")
    args = parser.parse_args(argv)
    if args.apply:
        decisions = [json.loads(line) for line in args.apply.read_text(encoding="utf-8").splitlines() if line.strip()]
        changed = apply_decisions(decisions)
        print(f"{sum(changed.values())} examples relabelled in {len(changed)} files")
        return 0
    if not args.out:
        parser.error("--out or --apply")
    candidates = review_candidates(args.folds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in candidates), encoding="utf-8")
    adds = collections.Counter(code for c in candidates for code in c["model_adds"])
    print(f"{len(candidates)} candidates; domains the model adds: {dict(adds.most_common())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
