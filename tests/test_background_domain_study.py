"""The study picks the two disputed kinds out of a frozen set by the writer's own labels."""
from bench.background_domain_study import MINOR_ABOUT_SELF, OLDER_BACKGROUND, reader_labels, writer_group


def case(text, domains, about):
    return {"text": text, "domains": domains, "about": about}


def test_lonely_older_person_is_the_background_kind_but_care_makes_elderly_a_need():
    older = [{"relation": "self", "age_group": "older"}]
    assert writer_group(case("八十一になって話す相手がいない", ["isolation"], older)) == OLDER_BACKGROUND
    assert writer_group(case("母の介護で誰とも話さない", ["isolation"], older)) is None
    assert writer_group(case("足が悪く二階に住めない", ["housing", "carer"], older)) is None


def test_minor_about_their_own_trouble_counts_only_beside_another_need():
    teen = [{"relation": "self", "age_group": "child"}]
    assert writer_group(case("バイト代を親に取られる", ["poverty", "child"], teen)) == MINOR_ABOUT_SELF
    assert writer_group(case("いじめられてる", ["child"], teen)) is None
    assert writer_group(case("弟が学校に行かない", ["child", "poverty"],
                             teen + [{"relation": "brother", "age_group": "child"}])) is None


def test_every_study_text_has_one_reader_label_of_taxonomy_codes():
    from bot.taxonomy import load_taxonomy

    items, labels = reader_labels()
    assert {i["id"] for i in items} == set(labels)
    assert all(domains and domains <= set(load_taxonomy().domains) for domains in labels.values())
