"""The window directory: valid, traceable to the seeds, and a broken entry is caught."""
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
import yaml

from bot.knowledge import load_directory
from bot.knowledge.loader import KnowledgeError
from bot.paths import KNOWLEDGE_DIR, PROJECT_ROOT
from tests.conftest import require_shared

SHARED = PROJECT_ROOT.parent / "shared"


def _squash(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _source_text(source):
    file_name, line = source.rsplit(":", 1)
    path = SHARED / "seeds" / file_name if file_name != "crisis_lines.yml" else SHARED / file_name
    require_shared(SHARED)
    assert path.exists(), f"source file {file_name} is not in shared/"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = int(line)
    assert 1 <= number <= len(lines), f"{source}: line out of range"
    return _squash("".join(lines[max(0, number - 4):number + 3]))


def _named_near(name, phone, text):
    squashed = _squash(name)
    pieces = {squashed[i:i + 4] for i in range(max(1, len(squashed) - 3))}
    return any(piece in text for piece in pieces) or (phone and _squash(phone) in text)


def test_check_command_passes_and_summarises_every_municipality():
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "eniwa (北海道恵庭市)" in result.stdout
    assert re.search(r"OK: (\d+) municipalities", result.stdout)
    assert int(re.search(r"OK: (\d+) municipalities", result.stdout).group(1)) >= 50


def test_a_broken_entry_stops_the_check_and_names_file_entry_and_field(tmp_path):
    broken = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, broken)
    raw = yaml.safe_load((broken / "eniwa.yml").read_text(encoding="utf-8"))
    raw["windows"][1]["kind"] = "helpdesk"
    (broken / "eniwa.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot.knowledge", "check", str(broken)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "eniwa.yml" in result.stderr and raw["windows"][1]["id"] in result.stderr and "'kind'" in result.stderr


@pytest.mark.parametrize("field, value", [("phone", "call us"), ("domains", ["money"]), ("source", "somewhere")])
def test_invalid_fields_are_refused(tmp_path, field, value):
    broken = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, broken)
    raw = yaml.safe_load((broken / "yonago.yml").read_text(encoding="utf-8"))
    raw["windows"][0][field] = value
    (broken / "yonago.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_directory(broken)
    assert error.value.file == "yonago.yml" and error.value.field == field


def test_every_window_and_department_is_found_in_its_source_line():
    directory = load_directory()
    unmatched = []
    for municipality in directory.municipalities.values():
        for window in municipality.windows:
            if not _named_near(window.name, window.phone, _source_text(window.source)):
                unmatched.append(window.source + " " + window.name)
        department = municipality.department
        if department.source:
            if not _named_near(department.name, department.phone, _source_text(department.source)):
                unmatched.append(department.source + " " + (department.name or ""))
    for line in directory.crisis_lines:
        text = _source_text(line.source)
        assert _squash(line.name) in text or _squash(line.phone) in text, line.source
    assert not unmatched, unmatched


def test_every_phone_shown_is_written_in_the_seeds():
    """Nothing invented: each window or department phone appears in its source document."""
    directory = load_directory()
    for municipality in directory.municipalities.values():
        entries = [(w.phone, w.source) for w in municipality.windows]
        entries.append((municipality.department.phone, municipality.department.source))
        for phone, source in entries:
            if phone:
                file_name = source.rsplit(":", 1)[0]
                seed = _squash((SHARED / "seeds" / file_name).read_text(encoding="utf-8"))
                digits = re.sub(r"\D", "", phone)
                assert digits in re.sub(r"\D", "", seed), f"{municipality.code}: {phone} not in {file_name}"


@pytest.mark.parametrize("broken, named", [
    ("  elderly: [community_care]", "  elderly: [day_spa]"),
    ("  medical_emergency: [fire_ambulance_119]", "  medical_emergency: [fire_ambulance_999]"),
])
def test_routing_preferences_with_an_unknown_code_are_refused_by_name(tmp_path, broken, named):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    routing = folder / "routing.yml"
    routing.write_text(routing.read_text(encoding="utf-8").replace(broken, named), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_directory(folder)
    assert "routing.yml" in str(error.value) and named.split("[")[1].rstrip("]") in str(error.value)
