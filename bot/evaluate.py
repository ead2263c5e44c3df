"""`python -m bot.evaluate CASES.jsonl [--municipality CODE]`

Reads JSON lines with at least `id` and `text`, runs each through the trained model on
the same code path as the server, and prints one JSON line per case:
{"id", "intent", "intent_confidence", "domains", "domain_scores", "crisis", "safety_check",
"crisis_categories", "crisis_source", "crisis_score", "crisis_evidence", "crisis_bands",
"language", "about", "lives_in"}: `crisis` means the crisis lines come first, `safety_check`
that the bot would first ask the direct safety question; `about` lists who the concern is
about ({"relation", "age_group", "age_text"}, bot.people) and `lives_in` the place written for
where the person cared for lives (or null). With --municipality CODE also "windows": the
referral a resident of that municipality would get (bot.routing), and "referred_to": the
municipalities they come from (the cared-for person's first when they live elsewhere).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, TextIO

from bot.knowledge import current_directory
from bot.nlu.concern_parser import ConcernParser, ModelNotTrainedError, quiet_rasa_logs
from bot.people import people_from_parse
from bot.reply import referral_payload
from bot.routing import route_household


def read_cases(stream: TextIO) -> Iterator[Dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"line {number}: not valid JSON ({error.msg})")
        if not isinstance(case, dict) or "id" not in case:
            raise SystemExit(f"line {number}: each case needs an \"id\" and a \"text\"")
        yield case


def case_result(case: Dict[str, Any], parse: Dict[str, Any], municipality: Optional[str] = None) -> Dict[str, Any]:
    result = {
        "id": case["id"],
        "intent": (parse.get("intent") or {}).get("name"),
        "intent_confidence": (parse.get("intent") or {}).get("confidence"),
        "domains": parse.get("domains", []),
        "domain_scores": parse.get("domain_scores", {}),
        "crisis": bool(parse.get("crisis", False)),
        "safety_check": bool(parse.get("safety_check", False)),
        "crisis_categories": list(parse.get("crisis_categories") or []),
        "crisis_source": parse.get("crisis_source"),
        "crisis_score": parse.get("crisis_score"),
        "crisis_evidence": parse.get("crisis_evidence"),
        "crisis_bands": parse.get("crisis_bands"),
        "language": parse.get("language") or "ja",
        "about": [person.as_dict() for person in people_from_parse(parse.get("about"))],
        "lives_in": parse.get("lives_in") if isinstance(parse.get("lives_in"), str) else None,
    }
    if municipality:
        household = route_household(
            current_directory(), result["domains"], result["crisis"], municipality,
            parse.get("crisis_categories", []), people=people_from_parse(parse.get("about")),
            lives_in=result["lives_in"],
        )
        result["windows"] = [w for r in household.referrals for w in referral_payload(r)["windows"]]
        result["referred_to"] = [r.municipality.code if r.municipality else None for r in household.referrals]
    return result


async def evaluate(cases_path: Path, out: TextIO, model_path: Path | None = None,
                   municipality: Optional[str] = None) -> int:
    if municipality and current_directory().municipality(municipality) is None:
        known = ", ".join(sorted(current_directory().municipalities))
        raise SystemExit(f"error: unknown municipality '{municipality}'. Known codes: {known}")
    with cases_path.open(encoding="utf-8") as stream:
        cases = list(read_cases(stream))  # a broken file fails before the slow model load
    parser = ConcernParser.load(model_path)
    for case in cases:
        text = case.get("text")
        parse = await parser.parse(text if isinstance(text, str) else "")
        print(json.dumps(case_result(case, parse, municipality), ensure_ascii=False), file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description="Classify resident messages with the trained model.")
    arguments.add_argument("cases", type=Path, help="JSON lines with id and text")
    arguments.add_argument("--municipality", help="municipality code (adds windows)")
    arguments.add_argument("--model", type=Path, default=None, help=argparse.SUPPRESS)
    args = arguments.parse_args(argv)
    quiet_rasa_logs()
    try:
        return asyncio.run(evaluate(args.cases, sys.stdout, args.model, args.municipality))
    except ModelNotTrainedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
