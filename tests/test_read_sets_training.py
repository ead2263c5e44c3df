"""The training file made from the sets already used: current, and never holding a set kept for measuring."""
from bench import read_sets_training
from bench.read_sets_training import KEPT_FOR_MEASURING, OUTPUT, READ_BY_TESTS, USED, all_sets, nlu_yaml
from bench.unseen_report import DATA, load_set
from bot.nlu.concern_labels import load_labelled_examples


def test_every_frozen_set_is_placed_once_and_a_new_one_is_not_learned_from():
    placed = [USED, KEPT_FOR_MEASURING, READ_BY_TESTS]
    for name in all_sets():
        assert sum(name in group for group in placed) == 1, f"{name}: used, kept for measuring or read by tests?"
    for name in USED | KEPT_FOR_MEASURING | READ_BY_TESTS:
        assert (DATA / f"unseen_{name}").is_dir(), name  # a misspelt name places no set


def test_no_message_of_a_set_kept_for_measuring_is_trained_on():
    trained = {example.text for example in load_labelled_examples(OUTPUT)}
    assert len(trained) > 10_000
    for name in KEPT_FOR_MEASURING | READ_BY_TESTS:
        cases = [c for role in load_set(DATA / f"unseen_{name}").values() for c in role if "text" in c]
        # Identical wording written independently is possible (one line of 2026-11bg equals an
        # example written for training); none may come from this file.
        assert not {c["text"].strip() for c in cases} & trained, name


def test_the_file_is_what_the_sets_give(capsys):
    assert read_sets_training.main(["--check"]) == 0, capsys.readouterr().err


def test_texts_and_labels_survive_the_yaml(tmp_path):
    awkward = ['母が「もう無理」と言って\\泣いています', "line one\nline two: yes", "#はじめて - 相談です"]
    cases = [{"text": text, "domains": ["elderly", "poverty"], "set": "x"} for text in awkward]
    path = tmp_path / "concerns.yml"
    path.write_text(nlu_yaml(cases, ["x"]), encoding="utf-8")
    examples = load_labelled_examples(path)
    assert [e.text for e in examples] == awkward
    assert all(e.domains == ("elderly", "poverty") and e.intent == "describe_concern" and not e.crisis
               for e in examples)


def test_only_the_domain_classifier_learns_from_them():
    from bot.nlu.concern_labels import for_domains_only
    from bot.training_files import parsed_file

    examples = parsed_file(str(OUTPUT), "en").nlu_examples
    assert examples and all(for_domains_only(m) for m in examples)
