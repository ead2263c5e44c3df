"""bench.domain_errors tells trainers which domains the model adds and which it leaves out."""
from bench.domain_errors import count_errors, table


def test_extra_missed_and_swapped_domains_are_counted_per_domain_and_style():
    errors = count_errors([
        ("teen_slang", {"child", "poverty"}, {"child", "mental_health"}),
        ("teen_slang", {"child"}, {"child"}),
        ("hiragana", {"elderly"}, {"elderly", "carer"}),
    ])
    assert errors.hits == {"child": 2, "elderly": 1}
    assert errors.extra == {"mental_health": 1, "carer": 1}
    assert errors.missed == {"poverty": 1}
    assert errors.swaps == {("poverty", "mental_health"): 1}
    assert errors.by_style["teen_slang"] == {"hits": 2, "extra": 1, "missed": 1}

    text = table(errors, messages=3, sets=["2026-11o"])
    assert "| poverty | 0 | 0 | 1 | – | 0.000 | 0.000 |" in text
    assert "| hiragana | 1 | 0 | 0.667 |" in text
    assert "poverty → mental_health 1" in text


def test_it_tells_a_wrong_count_from_a_wrong_ranking():
    errors = count_errors([
        # Too many: the best-scored domain is the writer's, a second one was added.
        ("hiragana", {"elderly"}, {"elderly", "carer"}, ["elderly", "carer", "poverty"]),
        # Too few: the writer's two are the two best-scored, only one was named.
        ("english", {"poverty", "housing"}, {"poverty"}, ["poverty", "housing", "child"]),
        # The writer's count, another domain: the ranking itself is wrong.
        ("english", {"abuse_dv"}, {"child"}, ["child", "abuse_dv"]),
        ("standard", {"child"}, {"child"}, ["child", "poverty"]),
    ])
    assert errors.by_count["Japanese"]["too many"] == 1 and errors.by_count["Japanese"]["right"] == 1
    assert errors.by_count["English"]["too few"] == 1
    assert errors.by_count["English"]["right count, other domains"] == 1

    text = table(errors, messages=4, sets=["2026-11o"])
    # Japanese: named 2 hits, 1 extra (0.800); with the writer's count both are hits (1.000).
    assert "| Japanese | 2 | 1 | 1 | 0 | 0 | 0.800 | 1.000 |" in text
    # English: named 1 hit, 1 extra, 2 missed (0.400); with the writer's count 2 hits, 1 extra, 1 missed.
    assert "| English | 2 | 0 | 0 | 1 | 1 | 0.400 | 0.667 |" in text
