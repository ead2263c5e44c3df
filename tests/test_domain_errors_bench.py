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
