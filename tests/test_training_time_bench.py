"""bench.training_time reads Rasa's training log into the steps BENCHMARKS.md shows."""
import datetime

from bench.training_time import component_steps

LOG = """\
2026-12-01 02:50:40 INFO     rasa.cli.train  - Started validating domain and training data...
2026-12-01 02:51:55 INFO     rasa.engine.training.hooks  - Starting to train component 'BatchedCountVectorsFeaturizer'.
2026-12-01 02:51:56 INFO     rasa.engine.training.hooks  - Finished training component 'BatchedCountVectorsFeaturizer'.
2026-12-01 02:52:17 INFO     rasa.engine.training.hooks  - Starting to train component 'CrisisDetector'.
2026-12-01 02:53:36 INFO     bot.nlu.crisis_detector  - Crisis model: 23501 examples (2705 danger)
2026-12-01 02:53:36 INFO     rasa.engine.training.hooks  - Finished training component 'CrisisDetector'.
"""


def test_each_component_and_each_gap_is_a_step():
    started = datetime.datetime(2026, 12, 1, 2, 50, 30)
    ended = datetime.datetime(2026, 12, 1, 2, 53, 40)
    steps = component_steps(LOG, started, ended)
    assert steps == [
        ("start-up, data and validation", 85.0),
        ("BatchedCountVectorsFeaturizer", 1.0),
        ("between BatchedCountVectorsFeaturizer and CrisisDetector", 21.0),
        ("CrisisDetector", 79.0),
        ("packing the model", 4.0),
    ]
    assert sum(seconds for _, seconds in steps) == (ended - started).total_seconds()
