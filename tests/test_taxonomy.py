"""knowledge/taxonomy.yml must keep the shared contract's codes."""
import re

import yaml

from bot.paths import PROJECT_ROOT
from bot.taxonomy import load_taxonomy
from tests.conftest import require_shared

SHARED = PROJECT_ROOT.parent / "shared" / "taxonomy.yml"


def shared_codes():
    require_shared(SHARED)
    # The shared file has one line that is not valid YAML (an unquoted ': ' in
    # compound_rule); the codes live in the two mappings, which parse without it.
    text = re.sub(r"(?m)^compound_rule:.*$", "", SHARED.read_text(encoding="utf-8"))
    raw = yaml.safe_load(text)
    return list(raw["domains"]), list(raw["window_kinds"])


def test_domain_and_window_kind_codes_match_the_shared_contract():
    domains, kinds = shared_codes()
    taxonomy = load_taxonomy()
    assert list(taxonomy.domains) == domains
    assert list(taxonomy.window_kinds) == kinds


def test_every_domain_has_a_japanese_label():
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", label) for label in load_taxonomy().domains.values())
