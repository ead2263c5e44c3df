"""The dashboard's figures come from SQL aggregates that equal counting the raw events, in
SQLite and PostgreSQL; the login throttle and the sessions work in both; the disclosure rules
and the period arithmetic, one by one."""
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from bench.staff_attacks import insert_events
from bot.demand import DemandLog
from bot.demand.weekly import (DOMAIN_BITS, Cell, by_combination, by_domain, by_window, concerns_without_domain,
                               concerns_without_window, figures)
from bot.staff.accounts import StaffAccounts
from bot.staff.statistics import BadPeriod, Board, Disclosure, Period, build_board, monday_of, resolve_period
from bot.staff.throttle import LoginThrottle
from tests.live_servers import demand_database

THRESHOLD = 10


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def log(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(request.param)
    with demand_database(request.param, workdir) as url:
        yield DemandLog(url, spool=workdir / "spool.jsonl")


def reference(rows, keys_of):
    """What the SQL must return, counted in Python from every raw event."""
    per_municipality = Counter()
    for row in rows:
        for key in keys_of(row):
            per_municipality[(str(key), monday_of(row.hour.date()), row.municipality)] += 1
    cells = defaultdict(lambda: [0, 0, 0])
    for (key, week, _), count in per_municipality.items():
        cell = cells[(key, week)]
        cell[0] += count
        if count < THRESHOLD:
            cell[1] += 1
            cell[2] += count
    return {key: Cell(*values) for key, values in cells.items()}


def reference_without(rows, keys_of):
    """Concerns without each key, per week, folded over municipalities: counted from raw events."""
    concerns, detail, week_keys = Counter(), Counter(), defaultdict(set)
    for row in rows:
        if concern(row):
            week = monday_of(row.hour.date())
            concerns[(row.municipality, week)] += 1
            for key in keys_of(row):
                detail[(row.municipality, week, str(key))] += 1
                week_keys[week].add(str(key))
    cells = defaultdict(lambda: [0, 0, 0])
    for (municipality, week), count in concerns.items():
        for key in week_keys[week]:
            without = count - detail[(municipality, week, key)]
            cell = cells[(key, week)]
            cell[0] += without
            if 0 < without < THRESHOLD:
                cell[1] += 1
                cell[2] += without
    return {key: Cell(*values) for key, values in cells.items() if values[0]}


def concern(row) -> bool:
    return row.outcome in ("referred", "crisis")


def figure_names(row):
    names = ["messages"] + (["concerns"] if concern(row) else []) + (["crisis"] if row.crisis else [])
    names += (["compound"] if row.compound else ["single"]) if concern(row) else []
    return names + ([row.outcome] if row.outcome in ("handoff", "out_of_scope", "clarified") else [])


def test_weekly_aggregates_equal_counting_every_event(log):
    insert_events(log.engine, 4000, weeks=6, municipalities=["eniwa", "hiroo", "kosaka"])
    rows = log.events()
    period = Period(monday_of(min(r.hour for r in rows).date()), monday_of(max(r.hour for r in rows).date()))
    filters = period.filters(None)
    with log.engine.connect() as connection:
        got = {
            "figures": figures(connection, filters, THRESHOLD),
            "domains": by_domain(connection, filters, THRESHOLD),
            "windows": by_window(connection, filters, THRESHOLD),
            "combinations": by_combination(connection, filters, THRESHOLD),
        }
        hiroo = by_domain(connection, period.filters("hiroo"), THRESHOLD)
        without = {
            "domains": concerns_without_domain(connection, filters, THRESHOLD),
            "windows": concerns_without_window(connection, filters, THRESHOLD),
        }
    nonzero = {name: {k: v for k, v in cells.items() if v.total} for name, cells in got.items()}
    assert nonzero["figures"] == reference(rows, figure_names)
    assert nonzero["domains"] == reference(rows, lambda r: r.domains if concern(r) else ())
    assert nonzero["windows"] == reference(rows, lambda r: r.window_ids if concern(r) else ())
    assert nonzero["combinations"] == reference(
        rows, lambda r: [sum(DOMAIN_BITS[d] for d in r.domains)] if concern(r) and r.compound else ())
    for name, keys_of in (("domains", lambda r: r.domains), ("windows", lambda r: r.window_ids)):
        assert {k: v for k, v in without[name].items() if v.total} == reference_without(rows, keys_of)
    assert hiroo == reference([r for r in rows if r.municipality == "hiroo"],
                              lambda r: r.domains if concern(r) else ())
    board = build_board(log.engine, None, None, None, THRESHOLD, current_monday=period.last + timedelta(weeks=1))
    assert board.weeks == period.weeks


def test_login_throttle_and_sessions(log):
    throttle = LoginThrottle(log.engine, b"k" * 32)
    attempts = [throttle.begin("tanaka", "203.0.113.1") for _ in range(5)]
    assert all(attempts) and throttle.begin("tanaka", "203.0.113.2") is None
    assert throttle.begin("suzuki", "203.0.113.1") is None, "the address is spent too"
    assert throttle.begin("suzuki", "203.0.113.2") is not None
    throttle.succeeded(attempts[-1])
    assert throttle.begin("tanaka", "203.0.113.3") is not None, "a success clears the account"

    accounts = StaffAccounts(log.engine, idle_timeout=timedelta(minutes=30))
    accounts.add("tanaka", "a-long-password")
    assert accounts.verify("tanaka", "a-long-password") and not accounts.verify("nobody", "a-long-password")
    token, _ = accounts.open_session("tanaka")
    assert accounts.session(token).staff_name == "tanaka"
    accounts.add("tanaka", "another-long-password")
    assert accounts.session(token) is None, "a password reset ends the session"
    token, _ = accounts.open_session("tanaka")
    assert StaffAccounts(log.engine, idle_timeout=timedelta(0)).session(token) is None, "idle"
    assert accounts.session(token) is None, "an idle session is deleted, not just refused"


@pytest.mark.parametrize("cell, pooled, clear", [
    (Cell(0), True, True),
    (Cell(3, 1, 3), False, False),
    (Cell(12, 1, 3), False, True),       # one municipality's own view: 12 is 12
    (Cell(33, 1, 3), True, False),       # all minus the rest would give 3
    (Cell(40, 2, 2), True, False),       # two small ones adding to 2: both are 1
    (Cell(40, 2, 18), True, False),      # two adding to 18: both are 9
    (Cell(40, 2, 5), True, True),        # 1+4, 2+3, …: none is known
    (Cell(40, 0, 0), True, True),
])
def test_disclosure_of_one_week(cell, pooled, clear):
    assert Disclosure(THRESHOLD, pooled).is_clear(cell) is clear


def test_totals_are_numbers_only_when_no_week_in_them_is_suppressed():
    disclosure = Disclosure(THRESHOLD, pooled=False)
    assert disclosure.show([Cell(23), Cell(0)]) == "23"
    assert disclosure.show([Cell(23), Cell(3, 1, 3)]) == "―"
    assert disclosure.show([Cell(3, 1, 3), Cell(4, 1, 4)]) == "10未満"


def test_a_count_beside_the_count_it_is_part_of_is_hidden_when_their_difference_is_small():
    week = date(2026, 11, 16)

    def board(concerns, compound, elderly):
        return Board(
            Disclosure(THRESHOLD, pooled=False), Period(week, week),
            figures={("concerns", week): Cell(concerns), ("compound", week): Cell(compound),
                     ("single", week): Cell(concerns - compound)},
            domains={("elderly", week): Cell(elderly)},
            without_domain={("elderly", week): Cell(concerns - elderly)},
        )

    # 25 concerns and a compound rate of 68 % would give 8 single-domain concerns; 25 concerns
    # and 22 of 高齢 would give 3 without it. Both are hidden, and so is the week's total.
    small = board(25, 17, 22)
    assert small.figure("concerns") == "25"
    assert small.rate("compound", "concerns") == "―"
    assert small.cell("elderly", week) == "―" and small.week_total(week) == "―"
    clear = board(30, 17, 12)
    assert clear.rate("compound", "concerns") == "57%"
    assert clear.cell("elderly", week) == "12" and clear.week_total(week) == "12"
    every = board(17, 17, 17)  # nothing is left over: 0 is not a small count
    assert every.rate("compound", "concerns") == "100%" and every.cell("elderly", week) == "17"


MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize("since, until, expected", [
    (None, None, (date(2026, 10, 5), date(2026, 11, 23))),
    (date(1, 1, 1), date(9999, 12, 31), (date(2026, 10, 5), date(2026, 11, 23))),
    (date(2026, 11, 11), date(2026, 11, 18), (date(2026, 11, 9), date(2026, 11, 16))),
    (date(2026, 11, 29), None, (date(2026, 11, 23), date(2026, 11, 23))),
    (date(2026, 11, 30), None, None),          # this week is not over
    (date(9999, 12, 31), None, None),
    (None, date(1, 1, 1), None),
])
def test_periods_are_whole_finished_weeks(since, until, expected):
    period = resolve_period(since, until, date(2026, 10, 5), MONDAY)
    assert (period and (period.first, period.last)) == expected
    if period:
        assert period.first.weekday() == 0 and period.sunday.weekday() == 6


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(BadPeriod):
        resolve_period(date(2026, 11, 20), date(2026, 11, 1), date(2026, 10, 5), MONDAY)


def test_one_computation_serves_everyone_asking_for_the_same_view():
    import asyncio
    import threading

    from bot.staff.board_cache import BoardCache

    calls = []
    release = threading.Event()

    def compute():
        calls.append(1)
        release.wait(10)
        return f"board {len(calls)}"

    def failing():
        raise BadPeriod("開始日が終了日より後になっています。")

    async def scenario():
        cache = BoardCache(lifetime=60)
        waiting = [asyncio.ensure_future(cache.get("all", compute)) for _ in range(4)]
        await asyncio.sleep(0.2)
        release.set()
        boards = await asyncio.gather(*waiting)
        again = await cache.get("all", compute)
        errors = []
        for _ in range(2):
            try:
                await cache.get("bad", failing)
            except BadPeriod as error:
                errors.append(error)
        return boards, again, errors

    boards, again, errors = asyncio.run(scenario())
    assert boards == ["board 1"] * 4 and again == "board 1" and len(calls) == 1
    assert len(errors) == 2, "a failure is not kept"
