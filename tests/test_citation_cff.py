"""CITATION.cff is valid Citation File Format 1.2.0 (checked by cffconvert, as GitHub's "Cite this
repository" reads it) and agrees with pyproject.toml, the package and the bundled record."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import pcdip
from pcdip import cite
from pcdip.cache import open_engine

from .conftest import ROOT, in_ci

CFF = ROOT / "CITATION.cff"


def _citation_class() -> Any:
    """cffconvert's Citation; skipped where cffconvert is not installed, a failure on CI.

    cffconvert 2.0.0 pins jsonschema<4, which pcdip's tests outgrow, so it is installed with
    `pip install --no-deps cffconvert==2.0.0` beside its other dependencies (README, .ci/run).
    """
    try:
        from cffconvert.citation import Citation
    except ImportError:
        if in_ci():
            pytest.fail("cffconvert is not installed on CI: pip install --no-deps cffconvert==2.0.0")
        pytest.skip("cffconvert is not installed: pip install --no-deps cffconvert==2.0.0 click pykwalify requests ruamel.yaml")
    return Citation


@pytest.fixture
def citation() -> Any:
    return _citation_class()(CFF.read_text("utf-8"), src=str(CFF))


def test_citation_cff_is_valid(citation: Any) -> None:
    assert citation.cffversion == "1.2.0"
    citation.validate()  # raises jsonschema's ValidationError on any breach of the schema
    assert "pcdip developers" in citation.as_bibtex() and "pcdip developers" in citation.as_apalike()


def test_the_validator_rejects_a_broken_file(tmp_path: Path) -> None:
    """The validation above can fail: a single "MIT AND CC-BY-4.0" licence is not an SPDX id CFF accepts."""
    from jsonschema.exceptions import ValidationError

    text = CFF.read_text("utf-8")
    broken = re.sub(r"^license: MIT$", 'license: "MIT AND CC-BY-4.0"', text, count=1, flags=re.MULTILINE)
    assert broken != text
    with pytest.raises(ValidationError):
        _citation_class()(broken, src="broken.cff").validate()


def test_citation_cff_agrees_with_the_project(citation: Any) -> None:
    cff = citation.cffobj
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    documented = project["urls"]["Documentation"]
    assert cff["type"] == "software" and cff["title"] == project["name"]
    assert project.get("dynamic") == ["version"]  # the one source of the version is pcdip.__version__
    assert cff["version"] == pcdip.__version__
    assert [a["name"] for a in cff["authors"]] == [a["name"] for a in project["authors"]] == [cite.PROJECT_AUTHOR]
    assert cff["url"] == documented == cite.PROJECT_URL
    assert cff["repository-code"] == documented.split("#", 1)[0]
    assert cff["keywords"] == project["keywords"]
    # The code and the data have different licences; a list in CFF would mean "either", so each
    # part names its own: MIT for the software, CC-BY-4.0 for the dataset.
    assert cff["license"] == "MIT" and "MIT" in project["license"]
    assert cff["preferred-citation"]["license"] == "CC-BY-4.0" and "CC-BY-4.0" in project["license"]


def test_the_preferred_citation_is_the_bundled_record(citation: Any, bundled: Path) -> None:
    data = citation.cffobj["preferred-citation"]
    eng = open_engine(bundled)
    release = cite.store_release(eng.select())
    assert data["type"] == "data"
    assert data["title"] == eng.header.title
    assert data["version"] == release
    assert [a["name"] for a in data["authors"]] == [cite.PROJECT_AUTHOR]
    assert data["url"] == cite.PROJECT_URL
    # The release date is the one the changelog gives for that release.
    changelog = (ROOT / "docs" / "DATA.md").read_text("utf-8")
    found = re.search(rf"^- \*\*{re.escape(str(release))} \(([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})\)\*\*", changelog, re.MULTILINE)
    assert found is not None and str(data["date-released"]) == found.group(1)
