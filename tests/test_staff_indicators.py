"""The municipality's indicators (/staff/indicators): the plan files quote their seed, the figures
of a seeded demand log per month and fiscal year are exact, small cells and the counts that
would give them away by subtraction are withheld, the unsupported indicators are listed, and
the CSV is the page — in a real headless Chromium too."""
import csv
import itertools
import os
import random
import re
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
import yaml
from playwright.sync_api import expect

from bot.demand import DemandLog
from bot.demand.event import JST, Channel, ConfidenceBand, DemandEvent, Outcome, hour_bucket
from bot.demand.schema import demand_event_domains, demand_event_windows, demand_events
from bot.knowledge import current_directory
from bot.paths import PROJECT_ROOT
from bot.staff.indicator_counts import daily_tallies, first_day
from bot.staff.indicator_plans import PLANS_DIR, PlanError, load_plan, load_plans
from bot.staff.indicator_table import (BadYear, available_years, build_indicator_table, csv_rows, disclose,
                                       fiscal_year_of, local_windows, neighbour_days, week_parts)
from tests.conftest import require_shared
from tests.test_web_chat import browser  # noqa: F401  (the shared Chromium fixture)
from tests.live_servers import demand_database, start_staff_site

SHARED = PROJECT_ROOT.parent / "shared"
PASSWORD = "keikaku-shihyou-2026"
UTC = timezone.utc
COORDINATOR, CARE, SWC, CARER_CAFE = "eniwa_coordinator", "eniwa_community_care", "eniwa_swc", "eniwa_young_carer_cafe"


def squash(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# ---------------------------------------------------------------- the plan files

def test_every_plan_quotes_its_seed_at_the_line_it_names():
    require_shared(SHARED)
    plans = load_plans(PLANS_DIR, set(current_directory().municipalities))
    assert "eniwa" in plans
    for plan in plans.values():
        lines = (SHARED / "seeds" / plan.source).read_text(encoding="utf-8").splitlines()
        if plan.evaluation_line:
            assert squash(plan.evaluation_text) in squash(lines[plan.evaluation_line - 1])
        for group in plan.groups:
            if group.line:
                assert squash(group.title) in squash(lines[group.line - 1]), group.title
            for indicator in group.indicators:
                assert squash(indicator.name) in squash(lines[indicator.line - 1]), (indicator.name, indicator.line)


def test_eniwa_lists_its_logic_model_examples_and_says_which_the_log_supports():
    plan = load_plans()["eniwa"]
    outcome_examples = plan.groups[0]
    assert outcome_examples.line == 364
    assert [i.line for i in outcome_examples.indicators] == list(range(366, 374))
    assert [i.line for i in outcome_examples.indicators if i.supported] == [368]
    unsupported = {i.name for i in plan.indicators if not i.supported}
    assert {"支援会議開催に至ったケース", "支援の進捗状況", "参加者アンケートによる新たなつながりの有無○%"} <= unsupported


def write_plan(tmp_path, indicator):
    path = tmp_path / "eniwa.yml"
    path.write_text(yaml.safe_dump({"municipality": "eniwa", "title": "計画", "source": "001.txt",
                                    "groups": [{"title": "指標", "indicators": [indicator]}]},
                                   allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("indicator, field", [
    ({"name": "件数", "line": 3, "counts": "x", "count": {"weather": "sunny"}}, "count.weather"),
    ({"name": "件数", "line": 3, "counts": "x", "count": {"domains_any": ["cats"]}}, "count.domains_any"),
    ({"name": "件数", "line": 3, "counts": "x", "count": {"local_window_kinds_any": ["bank"]}},
     "count.local_window_kinds_any"),
    ({"name": "件数", "line": 3, "counts": "x", "count": {"local_windows_at_least": 0}}, "count.local_windows_at_least"),
    ({"name": "件数", "line": 3, "count": {"crisis": True}}, "counts"),
    ({"name": "件数", "line": 3, "counts": "x", "count": {"crisis": True}, "not_supported": "y"},
     "count/share/not_supported"),
    ({"name": "件数", "line": 3, "counts": "x", "share": {"of": {"crisis": True}}}, "share"),
    ({"name": "件数", "line": "三", "not_supported": "y"}, "line"),
    ({"name": "件数", "line": 3, "not_supported": "y", "sql": "drop table"}, "sql"),
])
def test_a_broken_plan_names_the_file_the_indicator_and_the_field(tmp_path, indicator, field):
    with pytest.raises(PlanError) as error:
        load_plan(write_plan(tmp_path, indicator), set(current_directory().municipalities))
    assert str(error.value).startswith("eniwa.yml: group 1 indicator 1 「件数」: " + field + ":"), str(error.value)


def test_a_plan_for_a_municipality_not_in_the_directory_is_refused(tmp_path):
    path = tmp_path / "atlantis.yml"
    path.write_text(write_plan(tmp_path, {"name": "件数", "line": 3, "not_supported": "y"}).read_text()
                    .replace("eniwa", "atlantis"), encoding="utf-8")
    with pytest.raises(PlanError, match="atlantis.yml: .*: municipality: 'atlantis' is not in the window directory"):
        load_plan(path, set(current_directory().municipalities))


# ---------------------------------------------------------------- months, fiscal years, disclosure

@pytest.mark.parametrize("day, year", [
    (date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2027, 1, 15), 2026), (date(2026, 12, 31), 2026),
])
def test_a_fiscal_year_runs_from_april_to_march(day, year):
    assert fiscal_year_of(day) == year


@pytest.mark.parametrize("first, cuts", [
    (date(2025, 11, 1), [3, 10, 17, 24]),           # Saturday the 1st; ends on a Sunday
    (date(2025, 12, 1), [8, 15, 22, 29]),           # starts on a Monday; Mon 29 … Wed 31 go with January's week
    (date(2026, 2, 1), [2, 9, 16, 23]),
])
def test_a_month_is_cut_at_every_monday(first, cuts):
    parts = week_parts(first)
    assert [start.day for start, _ in parts[1:]] == cuts
    assert parts[0][0] == first and parts[-1][1] == date(first.year + first.month // 12, first.month % 12 + 1, 1)
    assert all(end == start for (_, end), (start, _) in zip(parts, parts[1:]))


@pytest.mark.parametrize("first, days", [
    (date(2026, 1, 1), [(date(2025, 12, 29), date(2026, 1, 1)), (date(2026, 2, 1), date(2026, 2, 2))]),
    (date(2025, 12, 1), [(date(2026, 1, 1), date(2026, 1, 5))]),   # starts on a Monday
    (date(2025, 11, 1), [(date(2025, 10, 27), date(2025, 11, 1))]),  # ends on a Sunday
])
def test_the_neighbours_days_in_a_months_first_and_last_week(first, days):
    assert neighbour_days(first) == days


def tally(**patterns):
    """tally(TF=3, ...) → Counter({(True, False): 3, ...})."""
    return Counter({tuple(c == "T" for c in key): n for key, n in patterns.items()})


@pytest.mark.parametrize("pieces, expected", [
    # Figure 0 all households, figure 1 a part of them; the month, then its weeks.
    ([tally(TF=12, TT=30), tally(TF=12, TT=30), tally()], ["clear", "clear"]),
    ([tally(TF=3, TT=30), tally(TF=3, TT=30), tally()], ["clear", "hidden"]),   # 33 − 30 = 3: the part is withheld
    ([tally(TF=3), tally(TF=3)], ["small", "clear"]),                           # 3 → 10未満; the part is 0
    ([tally(TT=34), tally(TT=4), tally(TT=30)], ["hidden", "hidden"]),          # the month minus a week gives 4
    ([tally(TF=24, TT=32), tally(TF=12, TT=30), tally(TF=12, TT=2)], ["clear", "hidden"]),  # 2 in a week
    ([tally(TF=14, TT=40), tally(TF=2, TT=20), tally(TF=12, TT=20)], ["clear", "hidden"]),  # 22 − 20 in a week
    ([tally(TF=22, TT=40), tally(TF=12, TT=30), tally(TF=10, TT=10)], ["clear", "clear"]),
])
def test_one_month_of_two_nested_figures(pieces, expected):
    assert disclose(pieces, 2, 10) == expected


def test_two_parts_with_nothing_in_common_that_leave_a_small_rest():
    # 0: all (41); 1: 8050 (26); 2: carers (12); 3: within 1 too. 41 − 26 − 12 = 3 gives away the rest:
    # the carers take part in both failing subtractions ({1, 2} and {3, 2}), so they are withheld.
    month = tally(TTFT=26, TFTF=12, TFFF=3)
    assert disclose([month, tally(), tally()], 4, 10) == ["clear", "clear", "hidden", "clear"]


# ---------------------------------------------------------------- a seeded demand log

def seed(log: DemandLog) -> None:
    """The same log for the exact figures and the browser: fiscal year 2025 from November, and
    April 2026. Times are Japan time unless written in UTC."""
    def add(number, when, domains, windows, outcome=Outcome.REFERRED, crisis=False, municipality="eniwa"):
        moment = when if when.tzinfo else when.replace(tzinfo=JST)
        for _ in range(number):
            log.record(DemandEvent(municipality, Channel.WEB, domains, windows, crisis, outcome,
                                   ConfidenceBand.HIGH, 2, hour=hour_bucket(moment)))

    # Another municipality, earlier and in the same months: never counted for 恵庭市.
    add(30, datetime(2025, 10, 8, 10), ("elderly",), ("kosaka_coordinator",), municipality="kosaka")
    add(30, datetime(2026, 1, 14, 10), ("elderly", "hikikomori"), (), municipality="kosaka")
    # Each month's households fall in one week, except where a week is meant to hide the month.
    # November 2025 (Sat 1 … Sun 30): 12 + 11 + 3 + 1 households, and 2 messages out of scope.
    add(12, datetime(2025, 11, 12, 10), ("elderly",), (CARE,))
    add(11, datetime(2025, 11, 13, 10), ("elderly", "hikikomori"), (COORDINATOR, CARE))
    add(3, datetime(2025, 11, 14, 10), ("rights",), (SWC,))
    add(1, datetime(2025, 11, 15, 22), ("mental_health",), ("yorisoi",), Outcome.CRISIS, crisis=True)
    add(2, datetime(2025, 11, 16, 23), (), (), Outcome.OUT_OF_SCOPE)
    # December 2025 (Mon 1 … Wed 31): 3 on its last days, which share a week with January.
    add(20, datetime(2025, 12, 10, 9), ("carer", "elderly"), (CARER_CAFE, COORDINATOR, CARE))
    add(15, datetime(2025, 12, 16, 9), ("elderly",), (CARE,))
    add(3, datetime(2025, 12, 30, 9), ("poverty",), (SWC,))
    # January 2026 (Thu 1 …): 20 households; its first week began with December's 3.
    add(20, datetime(2026, 1, 14, 15), ("elderly", "hikikomori"), (COORDINATOR, CARE))
    # February 2026: 41 households, of which 26 (8050) + 12 (carers) + 3 (crisis) — 41 − 26 − 12 = 3.
    add(26, datetime(2026, 2, 10, 15), ("elderly", "hikikomori"), (COORDINATOR, CARE))
    add(12, datetime(2026, 2, 12, 15), ("carer",), (CARER_CAFE,))
    add(3, datetime(2026, 2, 13, 15), ("abuse_dv",), ("yorisoi",), Outcome.CRISIS, crisis=True)
    # March 2026: 15 on the 10th, 10 in its last hour (14:00 UTC = 23:00 JST).
    add(15, datetime(2026, 3, 10, 11), ("elderly", "hikikomori"), (COORDINATOR, CARE))
    add(10, datetime(2026, 3, 31, 14, 30, tzinfo=UTC), ("elderly",), (CARE,))
    # 15:00 UTC on March 31 is 0:00 on April 1 in Japan: fiscal year 2026.
    add(12, datetime(2026, 3, 31, 15, 0, tzinfo=UTC), ("elderly",), (CARE,))


BLANK7 = [""] * 7  # April to October 2025: before 恵庭市's first record
NAMES = {
    368: "民生委員や地域住民から寄せられた支援が必要な世帯の相談ケース○件",
    44: "ケアラー",
    157: "「重層支援コーディネーター」へ繋ぎ",
    178: "8050問題に関するケース",
    204: "複雑化・複合化した課題を抱えている人・世帯",
    215: "緊急性がある事案",
}
# Per indicator: April … March, then the fiscal year; Nov … Mar as reasoned in seed(). 「―」 for:
# November 27 − 26 = 1 (a household shown no window of 恵庭市); December's 3 on its last days, in a
# week with January's first days; February 41 − 26 − 12 = 3 (and 41 − 38 = 3).
FY2025 = [
    (NAMES[368], BLANK7 + ["27", "―", "―", "41", "25"], "―"),
    (NAMES[44], BLANK7 + ["0", "20", "0", "―", "0"], "―"),
    (NAMES[157], BLANK7 + ["11", "20", "20", "26", "15"], "92"),
    (NAMES[178], BLANK7 + ["11", "0", "20", "26", "15"], "72"),
    (NAMES[204], BLANK7 + ["41%", "―", "―", "63%", "60%"], "―"),   # 11/27, —, —, 26/41, 15/25
    ("適切な相談窓口、関係機関につなぐ", BLANK7 + ["―", "―", "―", "―", "25"], "―"),
    ("分野横断的な支援", BLANK7 + ["11", "20", "20", "26", "15"], "92"),
    (NAMES[215], BLANK7 + ["10未満", "0", "0", "10未満", "0"], "10未満"),
]
FY2026_APRIL = {NAMES[368]: "12", NAMES[44]: "0", NAMES[157]: "0", NAMES[178]: "0", NAMES[204]: "0%",
                "適切な相談窓口、関係機関につなぐ": "12", "分野横断的な支援": "0", NAMES[215]: "0"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("indicators")
    log = DemandLog(f"sqlite:///{workdir / 'demand.sqlite3'}", spool=workdir / "spool.jsonl")
    seed(log)
    return log


def indicator_rows(table):
    return [cells for kind, cells in table.rows() if kind == "indicator"]


def test_figures_per_month_and_fiscal_year(seeded):
    plan = load_plans()["eniwa"]
    table = build_indicator_table(seeded.engine, plan, 2025, 10, today=date(2026, 5, 15))
    assert table.years == [2025, 2026]
    header = table.rows()[0][1]
    assert header[3:] == ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月", "年度計"]
    assert [(row[0], row[3:15], row[15]) for row in indicator_rows(table)] == FY2025


def test_the_fiscal_year_turns_at_midnight_of_april_first_japan_time(seeded):
    plan = load_plans()["eniwa"]
    table = build_indicator_table(seeded.engine, plan, 2026, 10, today=date(2026, 5, 15))
    assert table.rows()[0][1][-1] == "年度計（4月まで）"
    for row in indicator_rows(table):
        april, *rest, total = row[3:]
        assert april == total == FY2026_APRIL[row[0]], row
        assert rest == [""] * 11, "May to March are not over"
    # The 12 households of 0:00 on April 1 are not in March, whose last hour holds its 10.
    march = build_indicator_table(seeded.engine, plan, 2025, 10, today=date(2026, 5, 15))
    assert indicator_rows(march)[0][14] == "25"


def test_only_fiscal_years_with_a_finished_month_are_offered(seeded):
    plan = load_plans()["eniwa"]
    assert available_years(date(2025, 11, 12), date(2026, 4, 1)) == [2025]
    assert available_years(date(2025, 11, 12), date(2025, 11, 1)) == []
    for year in (2024, 2027):
        with pytest.raises(BadYear):
            build_indicator_table(seeded.engine, plan, year, 10, today=date(2026, 5, 15))
    latest = build_indicator_table(seeded.engine, plan, None, 10, today=date(2026, 4, 20))
    assert latest.fiscal_year == 2025 and latest.years == [2025], "April 2026 is not over on April 20"


def test_a_lower_threshold_shows_more(seeded):
    plan = load_plans()["eniwa"]
    table = build_indicator_table(seeded.engine, plan, 2025, 3, today=date(2026, 5, 15))
    rows = {row[0]: row[3:] for row in indicator_rows(table)}
    assert rows[NAMES[368]][7:] == ["27", "38", "20", "41", "25", "151"]
    assert rows[NAMES[215]][7:] == ["10未満", "0", "0", "3", "0", "―"], "1 is still small; 3 is not"


def test_a_month_is_counted_once_the_week_of_its_last_day_is_over(seeded):
    plan = load_plans()["eniwa"]
    # March 2026 ends on a Tuesday: its last week, with April's first days, ends on Sunday the 5th.
    before = build_indicator_table(seeded.engine, plan, 2025, 10, today=date(2026, 4, 5))
    after = build_indicator_table(seeded.engine, plan, 2025, 10, today=date(2026, 4, 6))
    assert indicator_rows(before)[0][14] == "" and indicator_rows(after)[0][14] == "25"


# ---------------------------------------------------------------- nothing small can be worked out

def reachable_patterns(selections, local):
    """Every pattern of membership some event could have: what the definitions alone tell."""
    one_per_kind = {}
    for window, kind in sorted(local.items()):
        one_per_kind.setdefault(kind, window)
    windows = sorted(one_per_kind.values()) + ["yorisoi"]
    found = set()
    for domain_count in range(4):
        for chosen in itertools.combinations(["elderly", "hikikomori", "carer", "poverty"], domain_count):
            for window_count in range(4):
                for named in itertools.combinations(windows, window_count):
                    for outcome in ("referred", "crisis", "clarified"):
                        for crisis in (False, True):
                            row = SimpleNamespace(outcome=outcome, compound=len(chosen) >= 2, crisis=crisis,
                                                  domains=chosen, window_ids=named)
                            found.add(tuple(in_python(row, s.conditions, local) for s in selections))
    return found


def worked_out_only_with_the_indicators(engine, plan, today, threshold):
    """Every number the indicators pages show (all fiscal years) and every whole week the dashboard
    could show of the figures it has (concerns, crisis, compound, a domain, a window, a
    combination), as equations over the events of each pattern on the days of each week part.
    Returns how many numbers the pages show, and the small counts — of a pattern, of a figure, or
    of one figure minus another, in a week part, a week or a month — that the equations give and
    the dashboard's alone do not. The unknowns include every pattern the definitions allow, so
    an empty one is not taken as known to be empty."""
    import numpy

    local = local_windows(plan.municipality)
    selections = plan.figures
    index = {s: i for i, s in enumerate(selections)}
    on_dashboard = [index[i.count] for i in plan.indicators if i.supported and not i.is_share
                    and i.line in (368, 44, 157, 178, 215)]
    on_dashboard += [index[i.share_of] for i in plan.indicators if i.is_share]
    with engine.connect() as connection:
        first = first_day(connection, plan.municipality).replace(day=1)
        since = datetime.combine(first, datetime.min.time()) - timedelta(days=7)
        daily = daily_tallies(connection, plan.municipality, selections, since,
                              datetime.combine(today, datetime.min.time()), local)
    units, month = [], first
    while month <= today:
        units += [(start, min(end, today)) for start, end in week_parts(month) if start < today]
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    atoms = Counter()
    for start, end in units:
        for offset in range((end - start).days):
            for pattern, number in daily.get(start + timedelta(days=offset), {}).items():
                atoms[(start, pattern)] += number
    possible = reachable_patterns(selections, local)
    variables = sorted({(start, p) for start, _ in units for p in possible} | set(atoms))

    def vector(chosen):
        return numpy.array([1.0 if chosen(start, pattern) else 0.0 for start, pattern in variables])

    def monday(day):
        return day - timedelta(days=day.weekday())

    page, dashboard = [], []
    tables = [build_indicator_table(engine, plan, year, threshold, today=today)
              for year in build_indicator_table(engine, plan, None, threshold, today=today).years]
    for table in tables:
        for indicator in (i for i in plan.indicators if i.supported):
            for months in [[m] for m in table.counted] + [table.counted]:
                text = table._text(indicator, months)
                firsts = {m.first for m in months}
                known = ([index[indicator.count]] if text.isdigit() else
                         [index[indicator.share_of], index[indicator.share_among]] if text.endswith("%") else [])
                page += [vector(lambda d, p, f=f: d.replace(day=1) in firsts and p[f]) for f in known]
    weeks = sorted({monday(start) for start, _ in units if monday(start) + timedelta(days=7) <= monday(today)})
    for week in weeks:
        def in_week(day, week=week):
            return week <= day < week + timedelta(days=7)
        for f in on_dashboard:
            number = sum(n for (day, p), n in atoms.items() if in_week(day) and p[f])
            if number == 0 or number >= threshold:
                dashboard.append(vector(lambda d, p, f=f, in_week=in_week: in_week(d) and p[f]))
    spans = [("part", start, lambda d, start=start: d == start) for start, _ in units]
    spans += [("week", week, lambda d, week=week: week <= d < week + timedelta(days=7)) for week in weeks]
    spans += [("month", m.first, lambda d, m=m: d.replace(day=1) == m.first) for t in tables for m in t.counted]
    targets = [(("pattern", start, pattern), vector(lambda d, p, s=start, q=pattern: d == s and p == q))
               for (start, pattern), n in atoms.items() if n < threshold]
    for kind, key, inside in spans:
        for f in range(len(selections)):
            for g in [None] + [g for g in range(len(selections)) if g != f]:
                def chosen(d, p, f=f, g=g, inside=inside):
                    return inside(d) and p[f] and (g is None or not p[g])
                number = sum(n for (day, p), n in atoms.items() if chosen(day, p))
                if 0 < number < threshold:
                    targets.append(((kind, key, f, g), vector(chosen)))

    def given_by(rows):
        """Whether a count is a combination of the rows: its distance to their span is 0."""
        if not rows:
            return lambda target: False
        _, values, vt = numpy.linalg.svd(numpy.array(rows), full_matrices=False)
        basis = vt[values > 1e-9 * values[0]]
        return lambda target: numpy.linalg.norm(target - basis.T @ (basis @ target)) < 1e-6

    with_page, alone = given_by(page + dashboard), given_by(dashboard)
    return len(page), [name for name, target in targets if with_page(target) and not alone(target)]


def test_the_seeded_log_gives_nothing_small_away(seeded):
    plan = load_plans()["eniwa"]
    shown, given_away = worked_out_only_with_the_indicators(seeded.engine, plan, date(2026, 5, 15), 10)
    assert shown > 40 and given_away == []


PROFILES = [  # (domains, windows, crisis): sets that nest and overlap as real households do
    (("elderly",), (CARE,), False), (("elderly", "hikikomori"), (COORDINATOR, CARE), False),
    (("carer",), (CARER_CAFE,), False), (("carer", "elderly"), (CARER_CAFE, COORDINATOR, CARE), False),
    (("mental_health",), ("yorisoi",), True), (("poverty",), (SWC,), False),
    (("poverty", "housing"), (COORDINATOR,), False),
]


@pytest.mark.parametrize("seed_value, threshold", [(1, 3), (5, 5), (11, 5), (37, 3), (105, 3)])
def test_random_logs_give_nothing_small_away(tmp_path, seed_value, threshold):
    rng = random.Random(seed_value)
    log = DemandLog(f"sqlite:///{tmp_path / 'demand.sqlite3'}", spool=tmp_path / "spool.jsonl")
    weights = [rng.random() for _ in PROFILES]
    rows, domain_rows, window_rows = [], [], []
    for number in range(rng.randrange(300, 900)):
        chosen, named, crisis = rng.choices(PROFILES, weights)[0]
        event_id = f"{number:032x}"
        rows.append({"id": event_id, "municipality": "eniwa", "channel": Channel.WEB, "crisis": crisis,
                     "hour": datetime(2025, 12, 1) + timedelta(days=rng.randrange(90), hours=rng.randrange(24)),
                     "compound": len(chosen) >= 2, "outcome": Outcome.CRISIS if crisis else Outcome.REFERRED,
                     "confidence_band": ConfidenceBand.HIGH, "turns": 1})
        domain_rows += [{"event_id": event_id, "domain": d} for d in chosen]
        window_rows += [{"event_id": event_id, "position": i, "window_id": w} for i, w in enumerate(named)]
    with log.engine.begin() as connection:
        for table, values in ((demand_events, rows), (demand_event_domains, domain_rows),
                              (demand_event_windows, window_rows)):
            connection.execute(table.insert(), values)
    plan = load_plans()["eniwa"]
    shown, given_away = worked_out_only_with_the_indicators(log.engine, plan, date(2026, 3, 15), threshold)
    assert shown and given_away == []


def test_the_csv_is_the_page_tables_and_the_unsupported_list(seeded):
    plan = load_plans()["eniwa"]
    table = build_indicator_table(seeded.engine, plan, 2025, 10, today=date(2026, 5, 15))
    lines = csv_rows(table)
    assert lines[0] == ["恵庭市 恵庭市重層的支援体制整備事業 実施計画（案）（001_ac5ac4c6f713267e.txt）",
                        "2025年度（令和7年度）"]
    assert lines[2:2 + len(table.rows())] == [cells for _, cells in table.rows()]
    tail = lines[2 + len(table.rows()):]
    assert tail[:2] == [[], ["記録から数えられない指標"]]
    assert tail[2:] == [cells for _, cells in table.unsupported_rows()]
    assert ["支援会議開催に至ったケース", "177", plan_reason(plan, 177)] in tail
    assert not any(cell.isdigit() and 0 < int(cell) < 10 for line in lines[2:] for cell in line[3:])


def plan_reason(plan, line):
    return next(i.not_supported for i in plan.indicators if i.line == line and not i.supported)


# ---------------------------------------------------------------- the SQL equals counting every event

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def random_log(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"random-{request.param}")
    with demand_database(request.param, workdir) as url:
        yield DemandLog(url, spool=workdir / "spool.jsonl")


def random_events(engine, count=1500, seed_value=12):
    rng = random.Random(seed_value)
    local = sorted(local_windows("eniwa"))
    others = ["yorisoi", "kosaka_coordinator", "sapporo_coordinator"]
    domains = ["elderly", "hikikomori", "carer", "poverty", "disability", "mental_health"]
    start = datetime(2026, 2, 20)
    rows, domain_rows, window_rows = [], [], []
    for number in range(count):
        outcome = rng.choice(list(Outcome))
        chosen = rng.sample(domains, rng.choice((0, 1, 1, 2, 3)))
        named = rng.sample(local + others, rng.choice((0, 1, 2, 3)))
        event_id = f"{number:032x}"
        rows.append({"id": event_id, "municipality": rng.choice(["eniwa", "eniwa", "kosaka"]),
                     "hour": start + timedelta(hours=rng.randrange(24 * 80)), "channel": Channel.WEB,
                     "crisis": rng.random() < 0.1, "compound": len(chosen) >= 2, "outcome": outcome,
                     "confidence_band": ConfidenceBand.HIGH, "turns": 1})
        domain_rows += [{"event_id": event_id, "domain": d} for d in chosen]
        window_rows += [{"event_id": event_id, "position": i, "window_id": w} for i, w in enumerate(named)]
    with engine.begin() as connection:
        for table, values in ((demand_events, rows), (demand_event_domains, domain_rows),
                              (demand_event_windows, window_rows)):
            if values:
                connection.execute(table.insert(), values)


def in_python(row, conditions, local):
    """What each condition means, counted from one raw event (the reference for the SQL)."""
    mine = [w for w in row.window_ids if w in local]
    checks = {
        "outcome": lambda v: row.outcome in v,
        "compound": lambda v: row.compound == v,
        "crisis": lambda v: row.crisis == v,
        "domains_all": lambda v: set(v) <= set(row.domains),
        "domains_any": lambda v: bool(set(v) & set(row.domains)),
        "local_windows_at_least": lambda v: len(mine) >= v,
        "local_window_kinds_at_least": lambda v: len({local[w] for w in mine}) >= v,
        "local_window_kinds_any": lambda v: any(local[w] in v for w in mine),
    }
    return all(checks[key](value) for key, value in conditions)


def test_daily_counts_equal_counting_every_event(random_log, tmp_path):
    random_events(random_log.engine)
    plan = load_plans()["eniwa"]
    extra = load_plan(write_plan_file(tmp_path), None)  # every condition of the closed set
    selections = list(plan.figures) + list(extra.figures)
    local = local_windows("eniwa")
    since, until = datetime(2026, 3, 1), datetime(2026, 5, 1)
    with random_log.engine.connect() as connection:
        got = daily_tallies(connection, "eniwa", selections, since, until, local)
    expected = {}
    for row in random_log.events(municipality="eniwa", since=since, until=until):
        pattern = tuple(in_python(row, s.conditions, local) for s in selections)
        expected.setdefault(row.hour.date(), Counter())[pattern] += 1
    assert got == expected
    assert len(expected) > 50 and all(any(p[i] for c in expected.values() for p in c) for i in range(len(selections)))


def write_plan_file(folder):
    """A plan using every condition of the closed set, for the comparison above."""
    target = folder / "eniwa.yml"
    target.write_text(yaml.safe_dump({"municipality": "eniwa", "title": "t", "source": "s", "groups": [{
        "title": "all conditions", "indicators": [
            {"name": "a", "line": 1, "counts": "x", "count": {"compound": False, "crisis": False}},
            {"name": "b", "line": 1, "counts": "x", "count": {"domains_any": ["poverty", "carer"]}},
            {"name": "c", "line": 1, "counts": "x", "count": {"outcome": ["clarified", "handoff"]}},
            {"name": "d", "line": 1, "counts": "x", "count": {"local_windows_at_least": 2}},
            {"name": "e", "line": 1, "counts": "x",
             "count": {"local_window_kinds_any": ["community_care", "carer_support"]}},
            {"name": "f", "line": 1, "counts": "x", "share": {"of": {"domains_all": ["elderly", "carer"]},
                                                            "among": {"local_window_kinds_at_least": 3}}},
        ]}]}, allow_unicode=True), encoding="utf-8")
    return target


# ---------------------------------------------------------------- in the browser

@pytest.fixture(scope="module")
def indicators_site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("indicators-site")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir / 'demand.sqlite3'}", "RASA_TELEMETRY_ENABLED": "false",
           "DEMAND_SPOOL": str(workdir / "spool.jsonl")}
    seed(DemandLog(env["DATABASE_URL"], spool=workdir / "spool.jsonl"))
    url, process = start_staff_site(workdir, env, "sato", PASSWORD)
    yield url
    process.terminate()
    process.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("path, expected", [("/staff/indicators", 302), ("/staff/indicators?m=eniwa&fy=2025", 302),
                                            ("/staff/indicators.csv?m=eniwa", 401)])
def test_the_indicators_need_a_login(indicators_site, path, expected):
    try:
        status = urllib.request.build_opener(NoRedirect).open(indicators_site + path).status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == expected


def table_cells(page, selector):
    return [row.locator("th, td").all_inner_texts() for row in page.locator(f"{selector} tr").all()]


def test_indicators_in_a_browser(browser, indicators_site):  # noqa: F811
    url = indicators_site
    context = browser.new_context(accept_downloads=True, locale="ja-JP", viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(url + "/staff")
    page.get_by_label("職員名").fill("sato")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(url + "/staff")
    page.get_by_role("link", name="計画の指標（月・年度ごと）").click()
    expect(page).to_have_url(re.compile(r"/staff/indicators$"))
    page.get_by_label("年度").select_option("2025")
    page.get_by_role("button", name="表示").click()
    expect(page).to_have_url(re.compile(r"/staff/indicators\?m=eniwa&fy=2025$"))
    expect(page.locator("#plan")).to_contain_text("2025年度（令和7年度）")

    rows = {cells[0]: cells for cells in table_cells(page, "#indicators") if len(cells) > 3}
    for name, months, total in FY2025:
        assert rows[name][3:] == months + [total], name
    assert rows[NAMES[368]][1] == "368"
    unsupported = table_cells(page, "#not-supported")
    assert ["支援会議開催に至ったケース", "177"] in [cells[:2] for cells in unsupported]
    assert len(unsupported) == 1 + 13
    page.screenshot(path=str(PROJECT_ROOT / "docs" / "screenshots" / "staff-indicators.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSVで保存").click()
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    main = table_cells(page, "#indicators")
    assert lines[2:2 + len(main)] == main, "the CSV holds the page's table, cell for cell"
    assert lines[2 + len(main):2 + len(main) + 2] == [[], ["記録から数えられない指標"]]
    assert lines[2 + len(main) + 2:] == unsupported

    assert page.request.get(url + "/staff/indicators?m=eniwa&fy=1999").status == 400
    assert page.request.get(url + "/staff/indicators?m=atlantis").status == 400
    context.close()
