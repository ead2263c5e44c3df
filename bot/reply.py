"""What the resident reads: a referral as plain Japanese text plus its machine-readable payload."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from bot.knowledge.model import Municipality, Window
from bot.routing import Referral, ReferredWindow
from bot.taxonomy import load_taxonomy

# The clarifying question's buttons, in the words residents use (not the taxonomy's).
CLARIFY_CHOICES: Tuple[Tuple[str, str], ...] = (
    ("elderly", "高齢の家族・介護のこと"),
    ("child", "子ども・子育てのこと"),
    ("poverty", "お金・生活費のこと"),
    ("mental_health", "気持ちがつらい・眠れない"),
    ("disability", "障がい・発達のこと"),
    ("hikikomori", "家族が家から出られない"),
    ("housing", "住まいのこと"),
    ("employment", "仕事のこと"),
    ("isolation", "話し相手がいない・さびしい"),
    ("other", "そのほかのこと"),
)
NATIONAL_FALLBACK_ID = "yorisoi"


def phone_line(window: Window, municipality: Optional[Municipality]) -> str:
    if window.phone:
        return f"電話: {window.phone}"
    if municipality and municipality.department.phone and municipality.department.name:
        return (
            f"電話番号は資料にないため、{municipality.department.name}"
            f"（{municipality.department.phone}）にお問い合わせください"
        )
    return "電話番号は資料にないため、お住まいの市区町村の役所・役場の代表電話で、この窓口につないでもらってください"


def hours_line(window: Window) -> str:
    if not window.hours:
        return "受付時間: 窓口にご確認ください"
    if not window.hours_verified:
        return f"受付時間: 日や地域によって変わります（{window.hours}）"
    return f"受付時間: {window.hours}"


def window_text(referred: ReferredWindow, municipality: Optional[Municipality]) -> str:
    window = referred.window
    labels = load_taxonomy().domains
    heading = f"■ {window.name}"
    if referred.domain:
        heading += f"（{labels[referred.domain]}）"
    lines = [heading, phone_line(window, municipality), hours_line(window)]
    if window.place:
        lines.append(f"場所: {window.place}")
    lines += [window.helps_with, f"電話では: {window.what_to_say}"]
    return "\n".join(lines)


def referral_payload(referral: Referral) -> Dict:
    municipality = referral.municipality
    return {
        "type": "referral",
        "municipality": municipality.code if municipality else None,
        "domains": list(referral.domains),
        "crisis": referral.crisis,
        "compound": referral.compound,
        "windows": [referred.window.as_payload() for referred in referral.windows],
    }


def referral_text(referral: Referral) -> str:
    municipality = referral.municipality
    labels = load_taxonomy().domains
    parts: List[str] = []
    crisis_lines = [r for r in referral.windows if r.window.kind == "crisis_line"]
    local = [r for r in referral.windows if r.window.kind != "crisis_line"]
    if crisis_lines:
        parts.append("いま危険があるときは、すぐにこちらへ電話してください。あなたの命と安全がいちばん大切です。")
        parts.append("\n".join(
            f"・{r.window.name} {r.window.phone}（{r.window.hours if r.window.hours_verified else '受付時間は日によって変わります'}）"
            for r in crisis_lines
        ))
    if referral.domains:
        topics = "・".join(labels[d] for d in referral.domains)
        parts.append(f"「{topics}」についてのご相談ですね。")
    if municipality and local:
        parts.append(f"{municipality.name}の相談先です。")
        for referred in local:
            if referred.reason and referred.window.kind == "coordination" and referral.compound:
                parts.append(referred.reason)
            parts.append(window_text(referred, municipality))
    return "\n\n".join(parts)
