"""The window directory: valid, traceable to the seeds, and a broken entry is caught."""
import functools
import re
import shutil
import subprocess
import sys
import unicodedata
from typing import List, NamedTuple, Optional

import pytest
import yaml

from bot.knowledge import load_directory
from bot.knowledge.loader import KnowledgeError
from bot.knowledge.municipality_lookup import municipality_in_text
from bot.knowledge.sources import staff_confirmation
from bot.paths import KNOWLEDGE_DIR, PROJECT_ROOT
from bot.reply import phone_line
from bot.routing import department_window, route_concern
from bot.taxonomy import load_taxonomy
from tests.conftest import require_shared

SHARED = PROJECT_ROOT.parent / "shared"


def _squash(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _source_text(source):
    file_name, line = source.rsplit(":", 1)
    path = SHARED / "seeds" / file_name if file_name != "crisis_lines.yml" else SHARED / file_name
    require_shared(SHARED)
    assert path.exists(), f"source file {file_name} is not in shared/"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = int(line)
    assert 1 <= number <= len(lines), f"{source}: line out of range"
    return _squash("".join(lines[max(0, number - 4):number + 3]))


def _named_near(name, phone, text):
    squashed = _squash(name)
    pieces = {squashed[i:i + 4] for i in range(max(1, len(squashed) - 3))}
    return any(piece in text for piece in pieces) or (phone and _squash(phone) in text)


def _digits(text):
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))


# --- Each municipality's own section of its seed ---------------------------------------------
# The rule, pragmatic and taken from the seeds' layout: the FY2018 report (REPORT) is one section
# per municipality, each opening with a heading line (「秋田県 湯沢市」) just above its
# 「都道府県名 X 市区町村名 Y」 line and running to the next heading; its first section (札幌市)
# has neither and starts at line 1. A municipality owns the section whose Y contains its name
# (上小阿仁村 and 小坂町 share 秋田県's model-area section, 東津軽郡's name is its Y); a
# prefecture's own entry (name == prefecture) owns the section of its prefecture with no Y
# (「－」 or empty); 札幌市 owns the headless first section because its name is written in it.
# The other seeds describe one municipality, or a prefecture's examples (000: 北海道, 003:
# 鳥取県) without a per-town layout: the whole file is the section.
# A section whose Y is empty, 「－」 or several towns (「東津軽郡（平内町、今別町、…）」) is a
# prefecture's own project: its 担当部署 is a prefectural section.
REPORT = "002_2b585c156c0342d7.txt"
_HEADER = re.compile(r"^\s*都道府県名\s*(\S+)\s*市区町村名\s*(.*?)\s*$")


class Section(NamedTuple):
    file_name: str
    start: int  # 1-based, inclusive
    end: int
    prefecture: Optional[str]
    towns: Optional[str]  # the 市区町村名 field; None for a section without the header

    @property
    def prefectural(self) -> bool:
        return self.towns is not None and (self.towns in ("", "－") or "、" in self.towns)

    def text(self, first: int = 1, last: int = 10 ** 9) -> str:
        lines = _seed_lines(self.file_name)
        return "".join(lines[max(self.start, first) - 1:min(self.end, last)])


@functools.lru_cache(maxsize=None)
def _seed_lines(file_name) -> List[str]:
    require_shared(SHARED)
    return (SHARED / "seeds" / file_name).read_text(encoding="utf-8").splitlines()


@functools.lru_cache(maxsize=None)
def _sections(file_name) -> List[Section]:
    lines = _seed_lines(file_name)
    if file_name != REPORT:
        return [Section(file_name, 1, len(lines), None, None)]
    heads = []  # (heading line, prefecture, towns)
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match:
            heading = index - 1
            while heading > 0 and not lines[heading].strip():
                heading -= 1
            heads.append((heading + 1, match.group(1), match.group(2)))
    sections = [Section(file_name, 1, heads[0][0] - 1, None, None)]
    for number, (start, prefecture, towns) in enumerate(heads):
        end = heads[number + 1][0] - 1 if number + 1 < len(heads) else len(lines)
        sections.append(Section(file_name, start, end, prefecture, towns))
    return sections


def _own_section(municipality, file_name) -> Optional[Section]:
    for section in _sections(file_name):
        if file_name != REPORT:
            return section
        if section.towns is None:
            if municipality.name in section.text():
                return section
        elif section.towns not in ("", "－") and municipality.name in section.towns:
            return section
        elif municipality.name == municipality.prefecture == section.prefecture and section.towns in ("", "－"):
            return section
    return None


def _cited(source):
    file_name, line = source.rsplit(":", 1)
    return file_name, int(line)


def _near(section, line, before=3, after=3):
    """The cited line and three lines each side, within the municipality's own section."""
    return _squash(section.text(line - before, line + after))


def _entries(directory):
    """(municipality, label, name, phone, hours, source) of every window and department read from
    a seed. A window the municipality's staff added, and a phone or hours with a source of their
    own (a staff confirmation, 「担当課確認 …」), are traced through the staff pages' record
    instead (tests/test_directory_keeping.py)."""
    for municipality in directory.municipalities.values():
        for window in municipality.windows:
            if staff_confirmation(window.source) is not None:
                continue
            phone = window.phone if window.source_of("phone") == window.source else None
            hours = window.hours if window.source_of("hours") == window.source else None
            yield municipality, window.id, window.name, phone, hours, window.source
        department = municipality.department
        if department.source:
            yield municipality, f"{municipality.code} department", department.name, department.phone, None, department.source


def test_check_command_passes_and_summarises_every_municipality():
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "eniwa (北海道恵庭市)" in result.stdout
    assert re.search(r"OK: (\d+) municipalities", result.stdout)
    assert int(re.search(r"OK: (\d+) municipalities", result.stdout).group(1)) >= 50


def test_a_broken_entry_stops_the_check_and_names_file_entry_and_field(tmp_path):
    broken = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, broken)
    raw = yaml.safe_load((broken / "eniwa.yml").read_text(encoding="utf-8"))
    raw["windows"][1]["kind"] = "helpdesk"
    (broken / "eniwa.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check", str(broken)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "eniwa.yml" in result.stderr and raw["windows"][1]["id"] in result.stderr and "'kind'" in result.stderr


ENIWA_SEED = "001_ac5ac4c6f713267e.txt"


def _with_eligibility(tmp_path, eligibility):
    """A copy of the directory whose ヤングケアラーカフェ says `eligibility`."""
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    raw = yaml.safe_load((folder / "eniwa.yml").read_text(encoding="utf-8"))
    cafe = next(w for w in raw["windows"] if w["id"] == "eniwa_young_carer_cafe")
    cafe["eligibility"] = eligibility
    (folder / "eniwa.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return folder


def test_check_rejects_an_eligibility_without_a_seed_line_and_names_it(tmp_path):
    folder = _with_eligibility(tmp_path, {"ages": ["child"], "serves": "carer", "description": "ヤングケアラー"})
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check", str(folder)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "eniwa.yml" in result.stderr and "eniwa_young_carer_cafe" in result.stderr
    assert "'eligibility.source'" in result.stderr


@pytest.mark.parametrize("eligibility, field", [
    ({"ages": ["teenager"]}, "eligibility.ages"),
    ({"ages": ["unknown"]}, "eligibility.ages"),  # "unknown" is a person's age, never a window's
    ({"ages": "child"}, "eligibility.ages"),
    ({"serves": "family"}, "eligibility.serves"),
    ({"residents": "no"}, "eligibility.residents"),
    ({"age": ["child"]}, "eligibility.age"),
    ({"description": ""}, "eligibility.description"),
    ({"source": "somewhere"}, "eligibility.source"),
    ({"source": "002_2b585c156c0342d7.txt:397"}, "eligibility.source"),  # another municipality's seed
    ({"source": "routing.yml:3"}, "eligibility.source"),
    ("children", "eligibility"),
])
def test_an_invalid_eligibility_is_refused_by_name(tmp_path, eligibility, field):
    good = {"ages": ["child"], "serves": "carer", "description": "ヤングケアラー", "source": f"{ENIWA_SEED}:397"}
    folder = _with_eligibility(tmp_path, {**good, **eligibility} if isinstance(eligibility, dict) else eligibility)
    with pytest.raises(KnowledgeError) as error:
        load_directory(folder)
    assert error.value.file == "eniwa.yml" and "eniwa_young_carer_cafe" in error.value.entry
    assert error.value.field == field


# Words that must be written at an eligibility's seed line (or three lines either side), so that
# an age group, a carer or a meeting is read, never assumed from the name of a kind of window.
_ELIGIBILITY_WORDS = {
    "child": ("子ども", "こども", "子供", "児", "ヤングケアラー", "子育て", "親子", "乳幼児", "若者"),
    "adult": ("保護者", "家庭", "親子", "若者", "子育て"),
    "older": ("高齢", "8050の80"),
    "carer": ("ケアラー", "家族", "親"),
    "not residents": ("市町村", "職員", "相談員", "会議", "連絡会", "専門職", "関係機関"),
}


def test_every_eligibility_is_written_in_its_municipality_section():
    """Who a window serves comes from the seed, like its name and phone: the cited line is in the
    municipality's own section, the description is written within three lines of it, and so is a
    word for each age group, for carers, or for a meeting of professionals."""
    directory = load_directory()
    problems, read = [], 0
    for municipality in directory.municipalities.values():
        for window in municipality.windows:
            eligibility = window.eligibility
            if eligibility.source is None:
                continue
            read += 1
            file_name, line = _cited(eligibility.source)
            section = _own_section(municipality, file_name)
            if section is None or not section.start <= line <= section.end:
                problems.append(f"{window.id}: {eligibility.source} is not in {municipality.name}'s section")
                continue
            near = _near(section, line)
            if not _named_near(eligibility.description, None, near):
                problems.append(f"{window.id}: 「{eligibility.description}」 is not written near {eligibility.source}")
            claims = list(eligibility.ages) + (["carer"] if eligibility.serves else []) \
                + ([] if eligibility.residents else ["not residents"])
            for claim in claims:
                if not any(word in near for word in _ELIGIBILITY_WORDS[claim]):
                    problems.append(f"{window.id}: nothing near {eligibility.source} says {claim}")
    assert not problems, "\n".join(problems)
    assert read >= 40


def test_the_young_carer_windows_say_so():
    directory = load_directory()
    young = {w.id for m in directory.municipalities.values() for w in m.windows if w.eligibility.young_carers}
    assert {"eniwa_young_carer_cafe", "kamakura_young_carer_place"} <= young
    # A place for carers, young and adult alike, is for carers of any age (鎌倉市 6-3-4-3).
    assert directory.by_id["kamakura_mintabe"].eligibility.ages == ()


@pytest.mark.parametrize("field, value", [("phone", "call us"), ("domains", ["money"]), ("source", "somewhere")])
def test_invalid_fields_are_refused(tmp_path, field, value):
    broken = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, broken)
    raw = yaml.safe_load((broken / "yonago.yml").read_text(encoding="utf-8"))
    raw["windows"][0][field] = value
    (broken / "yonago.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_directory(broken)
    assert error.value.file == "yonago.yml" and error.value.field == field


def test_every_window_and_department_is_found_in_its_own_municipality_section():
    """Each entry cites a line of its municipality's own section of the seed (not another town's,
    see _own_section), and its name is written there, within three lines of the cited line."""
    directory = load_directory()
    problems = []
    for municipality, label, name, phone, _, source in _entries(directory):
        file_name, line = _cited(source)
        section = _own_section(municipality, file_name)
        if section is None or not section.start <= line <= section.end:
            problems.append(f"{label}: {source} is not in {municipality.name}'s section of {file_name}")
        elif name and not _named_near(name, None, _near(section, line)):
            problems.append(f"{label}: 「{name}」 is not written near {source}")
    for line in directory.crisis_lines:
        text = _source_text(line.source)
        assert _squash(line.name) in text or _squash(line.phone) in text, line.source
    assert not problems, "\n".join(problems)


def test_every_phone_shown_is_written_near_its_cited_line_with_its_extension():
    """Nothing invented and nothing dropped: each window or department phone, with the extension
    its seed prints (「内線 231」), is written in the municipality's section within three lines
    of the cited line."""
    directory = load_directory()
    problems = []
    for municipality, label, _, phone, _, source in _entries(directory):
        if phone:
            file_name, line = _cited(source)
            section = _own_section(municipality, file_name)
            if section is None or _digits(phone) not in _digits(_near(section, line)):
                problems.append(f"{label}: {phone} is not written near {source}")
    assert not problems, "\n".join(problems)


def test_no_seed_phone_loses_the_extension_printed_beside_it():
    """A department number printed with an extension (「0194-22-2111（内線 231）」) keeps it."""
    directory = load_directory()
    printed = re.compile(r"(\d{2,5}-\d{1,4}-\d{3,4})[（(]?(?:内線|内)?(\d{2,5})[）)]?")
    problems = []
    for municipality, label, _, phone, _, source in _entries(directory):
        if not phone:
            continue
        file_name, line = _cited(source)
        for number, extension in printed.findall(_squash(_seed_lines(file_name)[line - 1]).replace("－", "-")):
            if number == phone.split(" ")[0] and not phone.endswith(f"内線{extension}"):
                problems.append(f"{label}: {phone} drops the extension {extension} printed at {source}")
    assert not problems, "\n".join(problems)


# Words of a schedule that must be written in the municipality's section; a word may be written
# differently there (「平日」 as 「土日祝日除く」).
_HOURS_WORDS = {
    "年末年始": ("年末年始",), "祝日": ("祝日",), "平日": ("平日", "土日祝日除"), "金曜": ("金曜",),
    "奇数月": ("奇数月",), "毎月": ("毎月",), "24時間": ("24時間", "24H", "24h"),
}
_ROUND_THE_CLOCK = ("24時間", "24H", "24h", "夜間", "365日")


def test_every_opening_time_is_written_in_the_municipality_section():
    """Hours likewise, within the municipality's section (a report often gives a window's hours
    paragraphs away from its name, so the rule is the section, not the three lines): each clock
    time (10:00, or 「午後5時」 for 17:00) and each schedule word is written there."""
    directory = load_directory()
    problems = []
    for municipality, label, _, _, hours, source in _entries(directory):
        if not hours:
            continue
        file_name, _ = _cited(source)
        section = _squash(_own_section(municipality, file_name).text())
        for hour, minute in re.findall(r"(\d{1,2}):(\d{2})", _squash(hours)):
            afternoon = f"午後{int(hour) - 12}時" if int(hour) > 12 else None
            if f"{int(hour)}:{minute}" not in section and f"{int(hour)}時" not in section \
                    and not (afternoon and afternoon in section):
                problems.append(f"{label}: {hour}:{minute} of 「{hours}」 is not in {municipality.name}'s section")
        for word, written in _HOURS_WORDS.items():
            if word in _squash(hours) and not any(form in section for form in written):
                problems.append(f"{label}: 「{word}」 of 「{hours}」 is not in {municipality.name}'s section")
    assert not problems, "\n".join(problems)


def test_a_window_without_its_own_phone_claims_no_round_the_clock_hours():
    """Without its own phone a window is shown with the department's number (bot/reply.py): hours
    such as 24時間 beside it would send a resident to a daytime office at night."""
    directory = load_directory()
    wrong = [w.id for m in directory.municipalities.values() for w in m.windows
             if not w.phone and w.hours and any(mark in _squash(w.hours) for mark in _ROUND_THE_CLOCK)]
    assert not wrong


def test_a_prefectural_section_is_named_with_its_prefecture():
    """The 担当部署 of a prefecture's own project (a section whose 市区町村名 is empty, 「－」 or
    several towns) is the prefecture's, not the town's: every window or department citing that
    line or showing that number names the prefecture, so no resident takes it for the town office.
    A prefecture's own entry (栃木県, 埼玉県) is exempt for its department: it is the prefecture."""
    directory = load_directory()
    sections = {}
    for section in _sections(REPORT):
        if section.prefectural:
            lines = _seed_lines(REPORT)[section.start - 1:section.end]
            office = next(n for n, l in enumerate(lines, section.start) if "担当部署名" in l)
            number = re.search(r"電話番号\s*(.+)$", unicodedata.normalize("NFKC", lines[office - section.start]))
            sections[office] = (section.prefecture, _digits(number.group(1)) if number else "")
    assert len(sections) >= 4  # 青森県 東津軽郡, 秋田県, 栃木県, 埼玉県 (and 東京都)
    problems = []
    for municipality, label, name, phone, _, source in _entries(directory):
        file_name, line = _cited(source)
        for office, (prefecture, digits) in sections.items():
            cites = file_name == REPORT and line == office
            shows = bool(phone and digits) and _digits(phone).startswith(digits)
            is_prefecture = municipality.name == municipality.prefecture and label.endswith("department")
            if (cites or shows) and not is_prefecture and prefecture not in (name or ""):
                problems.append(f"{label}: 「{name}」 is {prefecture}'s section but does not say so")
    assert not problems, "\n".join(problems)
    kamikoani = directory.municipality("kamikoani")
    assert kamikoani.department_is_prefectural and not directory.municipality("eniwa").department_is_prefectural
    from bot.web.server import static_fallback  # the outage message names the section as it is

    assert "上小阿仁村の" not in static_fallback("kamikoani")["text"]
    assert "秋田県 健康福祉部 地域・家庭福祉課（018-860-1342）" in static_fallback("kamikoani")["text"]


def test_no_window_of_a_specific_kind_is_tagged_with_every_domain():
    """Only the general windows (routing.yml's general_kinds) take any worry; a specific window
    tagged with all 14 domains would outrank the coordinating window for every one of them."""
    directory = load_directory()
    every = set(load_taxonomy().domain_codes)
    wrong = [w.id for m in directory.municipalities.values() for w in m.windows
             if set(w.domains) == every and w.kind not in directory.routing.general_kinds]
    assert not wrong


# Weak pairs: for one domain alone, the first window route_concern gives in a municipality has a
# kind neither preferred for that domain (knowledge/routing.yml) nor general. Each one left was
# read at its seed line, which says the window serves that domain; a new one needs the same
# check (tighten the tags, or add it here with the seed's words).
JUSTIFIED_WEAK_PAIRS = {
    ("chofu", "mental_health"): "こころの健康支援センター: 精神障害者とその家族の支援のため相談事業 (002:17419)",
    ("morioka", "isolation"): "そらをみた会: 社会的孤立者 (002:3639)",
    ("setagaya", "disability"): "あんしんすこやかセンター: 高齢者、障害者、子育て家庭、生活困窮等に係る相談対応 (002:15572)",
    ("setagaya", "child"): "あんしんすこやかセンター: 同上 (002:15572)",
    ("takasu", "hikikomori"): "働くきっかけ応援事業: 長期的にひきこもり状態が続いていたり (002:1297)",
    ("takasu", "rights"): "生活福祉相談センター: 消費生活相談を含む (002:1411)",
    ("yamagata", "hikikomori"): "かたつむりの会: 8050の80の親を対象にした会 (002:7537)",
    ("fujisawa", "other"): "社協 CSW: 相談事、更には身近な地域の課題に対しては…幅広く受け止め (002:18270)",
    ("hokuei", "other"): "北栄町社会福祉協議会: 総合相談 (003:839)",
    ("ichikai", "other"): "社協 CSW・福祉協力員: 地域住民の相談を包括的に受け止める場 (002:10771-10780)",
    ("kamogawa", "other"): "地区社協・民生委員協議会: 地域住民の相談を包括的に受け止める場 (002:14499-14503)",
    ("kunitachi", "other"): "CSW: 市内公共施設内でのなんでも相談会 (002:17634)",
    ("tochigi", "other"): "社協職員（CSW）: 地域住民の相談を包括的に受け止める場 (002:10054-10062)",
    ("yahaba", "other"): "社協の生活支援コーディネーター・CSW: 制度の狭間に埋もれがちな生活課題 (002:4428)",
    ("yamagata", "other"): "地区の活動拠点: 地域住民の相談を包括的に受け止める場、あわせて相談活動 (002:7351-7376)",
}


def _weak_pairs(directory):
    preferences = directory.routing
    pairs = {}
    for code in directory.municipalities:
        for domain in load_taxonomy().domain_codes:
            window = route_concern(directory, [domain], False, code).windows[0].window
            if window.kind not in preferences.preferred_kinds.get(domain, ()) \
                    and window.kind not in preferences.general_kinds:
                pairs[(code, domain)] = f"{window.id} ({window.kind})"
    return pairs


def test_no_domain_goes_to_a_window_of_the_wrong_kind_unless_its_seed_says_so():
    pairs = _weak_pairs(load_directory())
    unjustified = {pair: window for pair, window in pairs.items() if pair not in JUSTIFIED_WEAK_PAIRS}
    assert not unjustified, unjustified


# Words that mark a plan, not a fact: a window its seed only plans (「…を想定」, 「設置することとした」)
# is not shown to residents (the directory has no field to say "planned").
_PLAN_MARKS = ("を想定", "することとした", "設置予定", "開設予定", "設置を決定")


def _sentence_from(file_name, line):
    """Three lines before the cited line, and on to the end of its sentence (at most 8 lines)."""
    lines = _seed_lines(file_name)
    last = line - 1
    while last < min(len(lines) - 1, line + 7) and "。" not in lines[last]:
        last += 1
    return _squash("".join(lines[max(0, line - 4):last + 1]))


def test_no_window_is_only_planned_in_its_seed():
    directory = load_directory()
    planned = []
    for municipality in directory.municipalities.values():
        for window in municipality.windows:
            if staff_confirmation(window.source) is not None:
                continue  # added by the municipality's staff: no seed to read
            text = _sentence_from(*_cited(window.source))
            planned += [f"{window.id}: {mark} near {window.source}" for mark in _PLAN_MARKS if mark in text]
    assert not planned, planned


def test_no_name_is_a_report_heading_or_a_diagram_label():
    """A heading the report template repeats in every town (「（ア）地域住民の相談を包括的に受け止める場
    の整備」) or a diagram's generic box (「福祉担当課」, 「高齢者福祉担当課」) is not a window's name."""
    counts = {}
    for line in _seed_lines(REPORT):
        match = re.match(r"^\(([アイウエオ])\)(.+)$", _squash(line))
        if match:
            heading = re.sub(r"の(整備|周知|構築|実施)$", "", match.group(2))
            counts[heading] = counts.get(heading, 0) + 1
    headings = [h for h, n in counts.items() if n >= 5 and len(h) >= 6]
    assert "地域住民の相談を包括的に受け止める場" in headings
    directory = load_directory()
    wrong = [f"{label}: {name}" for _, label, name, _, _, _ in _entries(directory) if name
             and (any(h in _squash(name) for h in headings) or "担当課" in name)]
    assert not wrong, wrong


_NOT_FOR_RESIDENTS = re.compile(r"直接.{0,6}相談を受ける(の|もの)ではなく")


def test_a_unit_that_takes_no_residents_consultations_is_not_a_general_window():
    """杉並区's 包括的支援担当係 「直接区民の相談を受けるのではなく、各相談機関の相談をバックアップ
    する」 (002:15890): such a unit, named in the 30 lines before those words, is never a coordinating
    or office window (those answer any worry a resident brings)."""
    directory = load_directory()
    wrong = []
    for municipality in directory.municipalities.values():
        for window in municipality.windows:
            if window.kind not in directory.routing.general_kinds or staff_confirmation(window.source) is not None:
                continue
            file_name, _ = _cited(window.source)
            section = _own_section(municipality, file_name)
            lines = _seed_lines(file_name)
            core = _squash(re.sub(r"（.*?）", "", window.name))
            pieces = {core[i:i + 6] for i in range(max(1, len(core) - 5))}
            for number in range(section.start, section.end + 1):
                if _NOT_FOR_RESIDENTS.search(_squash(lines[number - 1])):
                    before = _squash(section.text(number - 30, number))
                    if any(piece in before for piece in pieces):
                        wrong.append(f"{window.id}: {file_name}:{number}")
    assert not wrong, wrong


def test_an_extension_is_accepted_shown_and_not_dialled(tmp_path):
    directory = load_directory()
    iwaizumi = directory.municipality("iwaizumi")
    assert iwaizumi.department.phone == "0194-22-2111 内線231"
    assert "0194-22-2111 内線231" in phone_line(department_window(iwaizumi), iwaizumi)
    chat = (PROJECT_ROOT / "bot" / "web" / "static" / "chat.js").read_text(encoding="utf-8")
    assert 'replace(/\\s*内線.*$/, "")' in chat, "the call button dials the number without the extension"
    for printed in ("0194-22-2111（内線231）", "0194-22-2111 内線", "0194-22-2111 ext. 231"):
        broken = tmp_path / printed.replace(" ", "_")
        shutil.copytree(KNOWLEDGE_DIR, broken)
        raw = yaml.safe_load((broken / "iwaizumi.yml").read_text(encoding="utf-8"))
        raw["municipality"]["department"]["phone"] = printed
        (broken / "iwaizumi.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        with pytest.raises(KnowledgeError) as error:
            load_directory(broken)
        assert error.value.field == "phone"


def test_a_town_named_with_its_prefecture_is_the_town_not_the_prefecture():
    directory = load_directory()
    assert municipality_in_text(directory, "埼玉県狭山市に住んでいます") == "sayama"
    assert municipality_in_text(directory, "栃木県栃木市です") == "tochigi"
    assert municipality_in_text(directory, "埼玉県に住んでいます") == "saitama_pref"


@pytest.mark.parametrize("broken, named", [
    ("  elderly: [community_care]", "  elderly: [day_spa]"),
    ("  medical_emergency: [fire_ambulance_119]", "  medical_emergency: [fire_ambulance_999]"),
])
def test_routing_preferences_with_an_unknown_code_are_refused_by_name(tmp_path, broken, named):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    routing = folder / "routing.yml"
    routing.write_text(routing.read_text(encoding="utf-8").replace(broken, named), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_directory(folder)
    assert "routing.yml" in str(error.value) and named.split("[")[1].rstrip("]") in str(error.value)
