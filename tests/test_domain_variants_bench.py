"""The learning-curve share of bench.domain_variants drops only labelled concerns, the same ones each run."""
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message

from bench.domain_variants import concerns_share


def example(text, intent, domains=None):
    data = {TEXT: text, INTENT: intent}
    if domains:
        data[METADATA] = {METADATA_EXAMPLE: {"domains": domains}}
    return Message(data=data)


def test_half_the_concerns_and_every_other_example_are_kept():
    concerns = [example(f"家賃が払えない {i}", "describe_concern", ["poverty"]) for i in range(40)]
    others = [example("こんにちは", "greet"), example("ありがとう", "thank")]
    kept = concerns_share(concerns + others, 0.5)
    assert sum(m in concerns for m in kept) == 20
    assert all(m in kept for m in others)
    assert [m.get(TEXT) for m in concerns_share(concerns + others, 0.5)] == [m.get(TEXT) for m in kept]
