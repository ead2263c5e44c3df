"""The learned decision of which scored domains a message names (bot/nlu/domain_choice.py)."""
import json

import numpy as np

from bot.nlu.domain_choice import CHOICE_FILE, ConcernContext, DomainChoice
from bot.taxonomy import load_taxonomy

CODES = list(load_taxonomy().domain_codes)


def _scores(**named):
    row = np.full(len(CODES), 0.02, dtype=np.float32)
    for code, score in named.items():
        row[CODES.index(code)] = score
    return row


def _labels(*codes):
    return np.array([code in codes for code in CODES], dtype=bool)


OLDER_MOTHER = ConcernContext.of("母が高い布団を買わされた", "ja", [{"relation": "mother", "age_group": "older"}])
MYSELF = ConcernContext.of("高い布団を買わされた", "ja", [{"relation": "self", "age_group": "adult"}])


def _scam_examples():
    """Consumer scams where the elderly score stays low: a need when the victim is older, not
    when the writer was scammed themself. A fixed share of the best score cannot tell them apart."""
    rows, labels, contexts = [], [], []
    for step in range(40):
        elderly = 0.12 + 0.005 * step
        rows.append(_scores(rights=0.95, elderly=elderly))
        labels.append(_labels("rights", "elderly"))
        contexts.append(OLDER_MOTHER)
        rows.append(_scores(rights=0.95, elderly=elderly))
        labels.append(_labels("rights"))
        contexts.append(MYSELF)
        # Plain single needs, so the score keeps its meaning for every domain.
        rows.append(_scores(poverty=0.9, housing=0.1 + 0.01 * step))
        labels.append(_labels("poverty"))
        contexts.append(MYSELF)
    return np.vstack(rows), np.vstack(labels), contexts


def test_a_second_need_far_below_the_first_is_named_when_the_message_says_whose_it_is():
    scores, labels, contexts = _scam_examples()
    choice = DomainChoice.fit(CODES, scores, labels, contexts, cut=0.5, C=1.0)
    scam = _scores(rights=0.97, elderly=0.2)
    named = [CODES[i] for i in choice.choose(scam, OLDER_MOTHER)]
    assert named == ["rights", "elderly"]
    assert [CODES[i] for i in choice.choose(scam, MYSELF)] == ["rights"]


def test_a_stored_choice_answers_the_same_after_loading(tmp_path):
    scores, labels, contexts = _scam_examples()
    choice = DomainChoice.fit(CODES, scores, labels, contexts, cut=0.5, C=1.0)
    choice.save(tmp_path)
    loaded = DomainChoice.load(tmp_path)
    message = _scores(rights=0.9, elderly=0.25, poverty=0.4)
    assert np.allclose(loaded.probabilities(message, OLDER_MOTHER), choice.probabilities(message, OLDER_MOTHER))
    assert loaded.choose(message, OLDER_MOTHER) == choice.choose(message, OLDER_MOTHER)


def test_a_choice_stored_with_other_features_is_not_used(tmp_path):
    # A model archive from another version of the features: the classifier falls back to its
    # fixed rule rather than multiply weights that mean something else.
    (tmp_path / CHOICE_FILE).write_text(json.dumps({"codes": CODES, "weights": [0.1] * 7, "bias": 0.0, "cut": 0.5}))
    assert DomainChoice.load(tmp_path) is None
    assert DomainChoice.load(tmp_path / "missing") is None

