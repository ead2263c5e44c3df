"""bench.crisis_variants compares crisis model settings without `rasa train`; its verdicts are
only worth reading if it judges a message as the server does (rules, the model's doubt about a rule
hit, its two thresholds), given the same model."""
import tarfile

import pytest

from bench.crisis_variants import detector_config, outcome
from bot.nlu.crisis_detector import CrisisDetector
from bot.nlu.crisis_model import CrisisModel


@pytest.fixture(scope="module")
def archived_model(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crisis_model")
    with tarfile.open(trained_model) as archive:
        members = [m for m in archive.getmembers() if "CrisisDetector" in m.name and m.isfile()]
        archive.extractall(folder, members=members)
    model = CrisisModel.load(next(folder.rglob("crisis_model.json")).parent)
    return CrisisDetector(detector_config(), None, None, model=model)


@pytest.mark.parametrize("text", [
    "もう死にたい",
    "母が倒れて意識がない",
    "ロープを買ってきた。もう疲れた",
    "小説を書いています。主人公が「今夜で終わりにする」と言う場面の言い回しに悩んでいます",
    "借金が返せなくて生活が苦しい",
    "80歳の母と無職で閉じこもっている兄、母の年金だけで暮らしています",
    "My boyfriend is hitting me right now",
    "I lost my job and can't pay rent this month",
])
def test_the_bench_judges_a_concern_as_the_server_does(parse, archived_model, text):
    served = parse(text)
    expected = "direct" if served["crisis"] else "question" if served["safety_check"] else "none"
    assert outcome(archived_model, text) == expected
