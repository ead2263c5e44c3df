"""What the directory's words become in Open Referral HSDS 3: ids, taxonomies, and our attribute link types.

Shared by the export and the import so the two can never drift apart. Documented for staff and
for anyone reusing the export in docs/DIRECTORY.md (section 9).
"""
from __future__ import annotations

import functools
import uuid
from typing import Dict, Optional, Tuple

import yaml

from bot.taxonomy import TAXONOMY_PATH

HSDS_VERSION = "3.1"

# Every id is a UUID (HSDS 3 requires UUIDs for ids and foreign keys) derived with uuid5 from our own
# stable keys, so exporting the same directory twice gives the same file. Changing this namespace
# would change every id a reuser may have stored: never change it.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:madoguchi-navi:hsds")


def hsds_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


# organization_identifier.identifier_type for the municipality's code (the knowledge/<code>.yml name).
MUNICIPALITY_CODE = "madoguchi_municipality_code"

# attribute.link_type is an open code list in HSDS; these are ours.
LINK_WINDOW_ID = "window_id"  # value: the window's id in knowledge/<code>.yml
LINK_SOURCE = "source"  # value: where the record's facts come from (seed file and line, …)
LINK_ELIGIBILITY_SOURCE = "eligibility_source"  # value: where who-it-serves comes from
LINK_FIELD_SOURCE = "field_source"  # value: "<field>: <source>", a fact with a source of its own (staff-confirmed)
LINK_DOMAIN = "domain"  # term: a domain code of knowledge/taxonomy.yml
LINK_KIND = "window_kind"  # term: a window kind code of knowledge/taxonomy.yml
LINK_ELIGIBILITY = "eligibility"  # term: an age group, the carer, or "not for residents"
LINK_PREFECTURE = "prefecture"  # term: the prefecture (JIS X 0401 code)

# Ages of bot.people's groups, as HSDS minimum_age / maximum_age (None: no upper bound).
AGE_RANGES: Dict[str, Tuple[int, Optional[int]]] = {"child": (0, 17), "adult": (18, 64), "older": (65, None)}
# Eligibility term codes; prefixed because taxonomy_term.code is unique within a dataset and
# "child" / "carer" are already domain codes.
AGE_TERMS = {"child": "age_child", "adult": "age_adult", "older": "age_older"}
SERVES_CARER_TERM = "serves_carer"
NOT_FOR_RESIDENTS_TERM = "not_for_residents"

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
# JIS X 0401: the prefectures numbered 01-47 in the order above.
PREFECTURE_CODES = {name: f"{number:02d}" for number, name in enumerate(PREFECTURES, start=1)}

TAXONOMIES: Dict[str, Tuple[str, str]] = {
    "domains": ("窓口ナビ 相談分野", "窓口ナビの共有分類 knowledge/taxonomy.yml の domains。コードは契約で、変わらない。"),
    "window_kinds": ("窓口ナビ 窓口の種類", "窓口ナビの共有分類 knowledge/taxonomy.yml の window_kinds。コードは契約で、変わらない。"),
    "eligibility": ("窓口ナビ 対象者", "窓口が誰のためのものか（年齢層は 子ども 18歳未満・大人 18〜64歳・高齢者 65歳以上）。"),
    "record": ("窓口ナビ 記録の項目", "HSDS に項目のない窓口ナビの事実（窓口ID・出典）を attribute の value で運ぶための項目名。"),
    "prefectures": ("都道府県コード（JIS X 0401）", "全国地方公共団体コードの上2桁。"),
}

_RECORD_TERMS = {
    LINK_WINDOW_ID: ("窓口ID", "knowledge/<自治体コード>.yml での窓口の id。"),
    LINK_SOURCE: ("出典", "この記録の事実が書かれている資料（種ファイル名と行番号など）。"),
    LINK_ELIGIBILITY_SOURCE: ("対象者の出典", "窓口の対象者（年齢・ケアラー等）が書かれている資料の行。"),
    LINK_FIELD_SOURCE: ("項目ごとの出典", "窓口の出典と別に確かめた項目（「phone: 担当課確認 …」の形）。"),
}
_ELIGIBILITY_TERMS = {
    "age_child": ("子ども（18歳未満）", "18歳未満の本人のための窓口。"),
    "age_adult": ("大人（18〜64歳）", "18〜64歳の本人のための窓口。"),
    "age_older": ("高齢者（65歳以上）", "65歳以上の本人のための窓口。"),
    SERVES_CARER_TERM: ("ケアする人", "ケアを受ける人ではなく、家族をケアしている本人のための窓口。"),
    NOT_FOR_RESIDENTS_TERM: ("住民は紹介しない", "関係者の会議・ネットワークで、住民を紹介する窓口ではない。"),
}


def taxonomy(key: str) -> dict:
    name, description = TAXONOMIES[key]
    return {"id": hsds_id("taxonomy", key), "name": name, "description": description}


@functools.lru_cache(maxsize=None)
def _shared_taxonomy() -> dict:
    return yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))


def _term(key: str, code: str, name: str, description: str) -> dict:
    detail = taxonomy(key)
    term = {"id": hsds_id("taxonomy_term", f"{key}:{code}"), "code": code, "name": name, "description": description}
    if key == "prefectures":
        term["taxonomy"] = "JIS X 0401"  # the field names an established taxonomy; ours are described below
    term.update({"taxonomy_id": detail["id"], "taxonomy_detail": detail, "language": "ja"})
    return term


def domain_term(code: str) -> dict:
    entry = _shared_taxonomy()["domains"][code]
    return _term("domains", code, entry["ja"], entry.get("about") or entry["ja"])


def kind_term(code: str) -> dict:
    entry = _shared_taxonomy()["window_kinds"][code]
    return _term("window_kinds", code, entry["ja"], entry.get("about") or entry["ja"])


def eligibility_term(code: str) -> dict:
    return _term("eligibility", code, *_ELIGIBILITY_TERMS[code])


def record_term(link_type: str) -> dict:
    return _term("record", link_type, *_RECORD_TERMS[link_type])


def prefecture_term(name: str) -> dict:
    return _term("prefectures", PREFECTURE_CODES[name], name, f"{name}（JIS X 0401 {PREFECTURE_CODES[name]}）")
