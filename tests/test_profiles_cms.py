"""CMS detection: a page on a host no profile names is read with the rules of the CMS family its
markup shows; a page of no known family falls to generic extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.extraction.extractor import extract, parse_html
from harvester.extraction.render import render
from harvester.profiles import profile_for_page, profile_for_url
from harvester.profiles.cms import detect
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites import site_for

FIXTURES = Path(__file__).parent / "fixtures"
# Hosts of papers on these CMSs that no profile names.
DADA_URL = "https://www.news21tongsin.co.kr/news/view.php?idx=254012"
ND_URL = "https://www.sisajournal.com/news/articleView.html?idxno=300001"


@pytest.fixture(scope="module")
def dada_page() -> bytes:
    return site_for("ecounion")(ReplicaRequest("GET", "https", "www.ecounion.co.kr", "/news/view.php?idx=8847")).body


@pytest.fixture(scope="module")
def nd_page() -> bytes:
    return site_for("kado")(ReplicaRequest("GET", "https", "www.kado.net", "/news/articleView.html?idxno=1180433")).body


def test_detects_dadamedia(dada_page: bytes) -> None:
    assert profile_for_url(DADA_URL) is None
    profile = profile_for_page(DADA_URL, parse_html(dada_page, "utf-8"))
    assert profile is not None
    assert profile.name == "dadamedia:www.news21tongsin.co.kr"
    assert profile.canonical_url(DADA_URL + "&mcode=m247tk9") == DADA_URL


def test_detects_ndsoft(nd_page: bytes) -> None:
    profile = detect(ND_URL, parse_html(nd_page, "utf-8"))
    assert profile is not None and profile.name == "ndsoft:www.sisajournal.com"


def test_a_configured_host_keeps_its_profile(dada_page: bytes) -> None:
    url = "https://www.ecounion.co.kr/news/view.php?idx=8847"
    assert profile_for_page(url, parse_html(dada_page, "utf-8")).name == "ecounion"


def test_no_family_no_profile() -> None:
    page = (FIXTURES / "generic" / "hangang_times_2024_03_14.html").read_bytes()
    assert profile_for_page("https://www.hangang-times.kr/2024/03/14/bike-road/", parse_html(page, None)) is None


@pytest.mark.parametrize(
    ("page_fixture", "url", "expected"),
    [
        ("dada_page", DADA_URL, FIXTURES / "ecounion" / "ecounion_8847_2018_07_02.txt"),
        ("nd_page", ND_URL, FIXTURES / "kado" / "kado_1180433_2023_05_02.txt"),
    ],
)
def test_unconfigured_paper_comes_out_clean(request: pytest.FixtureRequest, page_fixture: str, url: str, expected: Path) -> None:
    """The same document as on the configured paper: the family's rules, not trafilatura's guess."""
    document = extract(request.getfixturevalue(page_fixture), "utf-8", url)
    assert render(document) == expected.read_text("utf-8")
    assert document.language == "ko"
