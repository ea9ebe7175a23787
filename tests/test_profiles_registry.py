"""The profile registry (harvester/profiles/__init__.py) and what every profile must come with: its
fixtures (tests/fixtures/<name>/, each expected document the one the harvester makes of its page),
its copy in the replica, and its row in README.md's Sites table.

A site is its profile, its fixtures and its README row: the copy the replica serves is made from
the profile (harvester/replica/sites/), the row by `harvester sites --markdown`. Each fixture
folder's `expected.json` names, per expected document, the fields its manifest line must have
and the page's `meta`: its `url`, the day it was `captured` (the profile's rules of that day read
it: every version of a profile has its fixtures), whether its `markup` is `real` (a saved page of
the site) or `inferred` (made after descriptions, public scrapers' selectors, text dumps), the
`source` it came from, and, for a page the replica does not serve as it is, the saved `page` (a
path in the fixture folder, or `shared:` and a path in ../shared). Fixtures of a replica page are
captured as of the day their meta was written: the replica serves each site as it is now."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from harvester.commands.sites import HEADER, sites_table, table_row
from harvester.extraction.extractor import extract
from harvester.extraction.render import render
from harvester.profiles import PROFILES, SiteProfile, korea_net, registry
from harvester.replica.admin import browse
from harvester.replica.http import ReplicaRequest, ReplicaResponse
from harvester.replica.sites import all_sites

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
FIELDS = ("title", "published", "modified", "authors", "language")
META = {"url", "captured", "markup", "source"}
MARKUP = ("real", "inferred")


def expected_documents(name: str) -> dict[str, dict]:
    path = FIXTURES / name / "expected.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


DOCUMENTS = [(name, file) for name in PROFILES for file in sorted(expected_documents(name))]


@pytest.fixture(scope="module")
def sites() -> dict:
    return all_sites()


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_has_fixtures(name: str) -> None:
    documents = expected_documents(name)
    assert documents, f"tests/fixtures/{name}/expected.json names no expected document"
    written = {path.name for path in (FIXTURES / name).glob("*.txt")}
    assert written == set(documents), "each expected document has its line in expected.json, and each line its file"


@pytest.mark.parametrize(("name", "file"), DOCUMENTS, ids=[f"{name}/{file}" for name, file in DOCUMENTS])
def test_every_fixture_says_what_it_is(name: str, file: str) -> None:
    meta = expected_documents(name)[file].get("meta", {})
    assert META <= set(meta), f"{name}/{file}: its meta lacks {sorted(META - set(meta))}"
    assert meta["markup"] in MARKUP and meta["source"].strip()
    assert date.fromisoformat(meta["captured"]) <= date.today()
    if "page" in meta and not meta["page"].startswith("shared:"):
        assert (FIXTURES / name / meta["page"]).is_file()


def uncovered(profile: SiteProfile, documents: dict[str, dict]) -> list[str]:
    """The rules of the profile (its current ones, its versions') that no fixture's capture date picks."""
    covered = {profile.version_of(date.fromisoformat(fields["meta"]["captured"])) for fields in documents.values()}
    missing = [f"the version valid until {version.valid_until}" for version in profile.versions if version not in covered]
    return missing + (["the current rules"] if None not in covered else [])


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_version_of_a_profile_has_fixtures(name: str) -> None:
    """The profile's current rules, and each earlier version's, read at least one golden page
    captured while they were the site's."""
    assert not uncovered(PROFILES[name], expected_documents(name)), f"{name}: a version has no fixture"


def test_a_version_without_fixtures_is_told() -> None:
    profile = PROFILES["ecounion"]
    documents = expected_documents("ecounion")
    assert uncovered(profile, documents) == []
    older = replace(profile.versions[0], valid_until=date(2015, 12, 31))
    assert uncovered(replace(profile, versions=(older, *profile.versions)), documents) == ["the version valid until 2015-12-31"]
    only_old = {file: fields for file, fields in documents.items() if fields["meta"]["captured"] < "2020"}
    assert uncovered(profile, only_old) == ["the current rules"]


def charset(response: ReplicaResponse) -> str | None:
    """The charset the HTTP header declares, if any (as a crawl hands the page on)."""
    content_type = next((value for key, value in response.headers if key.lower() == "content-type"), "")
    return content_type.lower().partition("charset=")[2].split(";")[0].strip() or None


@pytest.mark.parametrize(("name", "file"), DOCUMENTS, ids=[f"{name}/{file}" for name, file in DOCUMENTS])
def test_fixture_is_the_document_of_its_page(sites: dict, shared: Path, name: str, file: str) -> None:
    fields = expected_documents(name)[file]
    meta = fields["meta"]
    url = meta["url"]
    if "page" in meta:
        folder, _, path = meta["page"].rpartition(":")
        body, encoding = ((shared if folder == "shared" else FIXTURES / name) / path).read_bytes(), None
    else:
        response = browse(lambda request: sites[request.host](request), url)
        assert response.status == 200, url
        body, encoding = response.body, charset(response)
    profile = PROFILES[name]
    assert profile.canonical_url(url) == fields["canonical_url"]
    assert profile.is_article(fields["canonical_url"])
    document = extract(body, encoding, url, name, date.fromisoformat(meta["captured"]))
    assert render(document) == (FIXTURES / name / file).read_text("utf-8")
    found = {"title": document.title, "published": document.published, "modified": document.modified,
             "authors": list(document.authors), "language": document.language}
    assert {key: found[key] for key in FIELDS if key in fields} == {key: fields[key] for key in FIELDS if key in fields}


@pytest.mark.parametrize("name", [name for name, profile in PROFILES.items() if profile.sources])
def test_every_crawled_profile_has_a_copy_in_the_replica(sites: dict, name: str) -> None:
    profile = PROFILES[name]
    hosts = [host for host in profile.hosts if not host.startswith(".")]
    assert hosts and all(host in sites for host in hosts)
    # The copy answers at each of the profile's entry points.
    for source in profile.sources:
        response = browse(lambda request: sites[request.host](request), source.url)
        assert response.status == 200, source.url


def readme_table() -> list[str]:
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    start = lines.index(HEADER[0])
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return lines[start:end]


def test_readme_sites_table_is_the_registrys() -> None:
    """`harvester sites --markdown` writes it; a profile without its row, or a row that says
    something else than its profile, fails here."""
    assert readme_table() == sites_table().splitlines()


def test_a_row_that_disagrees_is_told() -> None:
    profile = PROFILES["korea_net"]
    row = table_row(profile)
    assert row in readme_table()
    assert table_row(replace(profile, language="ko")) not in readme_table()


def test_registry_rejects_a_second_profile_of_one_name() -> None:
    again = SimpleNamespace(__name__="again", PROFILES=(PROFILES["korea_net"],))
    assert list(registry([korea_net])) == ["korea_net"]
    with pytest.raises(ValueError, match="duplicate site profile name 'korea_net' in again"):
        registry([korea_net, again])


def test_a_replica_copy_is_made_per_profile(sites: dict) -> None:
    """Both MOFA boards share one copy (one host); each CMS newspaper has its own, from its profile."""
    assert sites["www.mofa.go.kr"] is sites["mofa.go.kr"]
    assert set(sites["www.mofa.go.kr"].boards) == {"m_5676", "m_4080"}
    for name in ("ecounion", "hanbit", "kado"):
        profile: SiteProfile = PROFILES[name]
        copy = sites[profile.hosts[0]]
        assert copy.hosts == profile.hosts and copy.paper == profile.title and copy.sections == dict(profile.sections)
    request = ReplicaRequest("GET", "http", "www.hanbitnews.co.kr", "/news/list.php?mcode=m120ab1")
    assert b"\xc1\xf6\xbf\xaa" in sites["www.hanbitnews.co.kr"](request).body  # '지역', the section's name, in CP949
