"""The configured newspapers, crawled through the replica: every article once, with its title,
date, authors, language and charset, and documents without the papers' chrome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import crawl
from harvester.profiles import PROFILES

FIXTURES = Path(__file__).parent / "fixtures"
SITES = ("ecounion", "kado", "hanbit")
E = "https://www.ecounion.co.kr/news/view.php?idx={}"
K = "https://www.kado.net/news/articleView.html?idxno={}"
H = "http://www.hanbitnews.co.kr/news/view.php?idx={}"
# site, canonical URL, title, published, authors, charset: read off the replica's pages.
ARTICLES = [
    ("ecounion", E.format(8831), "[환경]환경부, 여름철 녹조 대비 조류경보제 본격 가동", "2018-06-27T10:15:40+09:00", ["박지훈"], "utf-8"),
    ("ecounion", E.format(8836), "[사회]서울시, 폭염 대비 무더위쉼터 3천여 곳 운영", "2018-06-28T09:02:11+09:00", ["김민정"], "utf-8"),
    ("ecounion", E.format(8842), "[사회]한미 외교장관 전화통화…비핵화 전략 조율", "2018-06-29T16:22:19+09:00", ["신상미"], "utf-8"),
    ("ecounion", E.format(8847), "[환경]노후 경유차 조기폐차 지원 확대…하반기 3만 대 추가", "2018-07-02T11:40:05+09:00", ["박지훈"], "utf-8"),
    ("ecounion", E.format(8853), "[사회]태풍 북상에 행안부 비상근무 돌입…해안가 접근 자제 당부", "2018-07-03T14:05:51+09:00", ["김민정"], "utf-8"),
    ("ecounion", E.format(8858), "[사회]장마철 침수 막는다…‘빗물받이 청소’ 주민 캠페인", "2018-07-04T08:30:00+09:00", ["이서연"], "utf-8"),
    ("ecounion", E.format(8864), "[사회]커피전문점 일회용 컵 줄이기 자발적 협약 1년", "2018-07-05T17:45:12+09:00", ["이서연"], "utf-8"),
    ("ecounion", E.format(8870), "[사회]전국 해수욕장 잇따라 개장…안전요원 배치 확대", "2018-07-06T13:20:33+09:00", ["김민정"], "utf-8"),
    ("kado", K.format(1180412), "강원특별자치도법 개정안 국회 상임위 통과", "2023-05-02T10:30:00+09:00", ["이동우"], "utf-8"),
    ("kado", K.format(1180433), "춘천 소양강 스카이워크 야간 개방 시범 운영", "2023-05-02T14:05:00+09:00", ["한승미"], "utf-8"),
    ("kado", K.format(1180457), "강릉 산불 피해 주민 임시주택 입주 시작", "2023-05-03T09:12:00+09:00", ["구정민"], "utf-8"),
    ("kado", K.format(1180481), "원주 의료기기 기업 해외 수출 상담회 성료", "2023-05-03T15:47:00+09:00", ["정태욱"], "utf-8"),
    ("kado", K.format(1180502), "어린이날 연휴 도내 관광지 인파…고속도로 정체", "2023-05-05T18:20:00+09:00", ["이연제"], "utf-8"),
    ("kado", K.format(1180526), "평창 대관령 한우축제 3년 만에 대면 개최", "2023-05-08T11:03:00+09:00", ["신현태"], "utf-8"),
    ("kado", K.format(1180549), "속초 영랑호 생태탐방로 보행 데크 보수 완료", "2023-05-09T16:35:00+09:00", ["김도균"], "utf-8"),
    ("hanbit", H.format(1201), "한빛시, 구도심 상가 간판 정비 사업 착수", "2009-03-02T10:11:05+09:00", ["오상철"], "euc-kr"),
    ("hanbit", H.format(1202), "한빛천 봄맞이 하천 정화 활동", "2009-03-05T15:40:21+09:00", ["윤미경"], "euc-kr"),
    ("hanbit", H.format(1203), "시립극단, 창작극 재공연…20일부터 시민회관", "2009-03-09T09:30:44+09:00", ["오상철"], "euc-kr"),
    ("hanbit", H.format(1204), "농협 한빛지부, 영농자재 공동구매 확대", "2009-03-12T14:05:33+09:00", ["윤미경"], "euc-kr"),
    ("hanbit", H.format(1205), "한빛중앙도서관 야간 열람실 연장 운영", "2009-03-16T11:22:09+09:00", ["강현주"], "euc-kr"),
    ("hanbit", H.format(1206), "시내버스 노선 개편 설명회 열려", "2009-03-19T16:48:57+09:00", ["강현주"], "euc-kr"),
]
# Documents compared byte for byte: canonical URL -> expected file.
DOCUMENTS = {
    E.format(8847): FIXTURES / "ecounion" / "ecounion_8847_2018_07_02.txt",
    H.format(1202): FIXTURES / "hanbit" / "hanbit_1202_2009_03_05.txt",
    H.format(1203): FIXTURES / "hanbit" / "hanbit_1203_2009_03_09.txt",
    K.format(1180433): FIXTURES / "kado" / "kado_1180433_2023_05_02.txt",
    K.format(1180481): FIXTURES / "kado" / "kado_1180481_2023_05_03.txt",
}


@pytest.fixture(scope="module")
def corpus(replica: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("news")
    result = crawl(out, *SITES, proxy=replica)
    # A crawl that could not fetch still finishes: its log says what went wrong.
    assert "log_count/ERROR" not in result.stderr, result.stderr[-5000:]
    return out / "corpus"


@pytest.fixture(scope="module")
def manifest(corpus: Path) -> list[dict]:
    return [json.loads(line) for line in (corpus / "manifest.jsonl").read_text("utf-8").splitlines()]


def test_papers_are_configured() -> None:
    for name in SITES:
        assert PROFILES[name].kind == "news" and PROFILES[name].sources


def test_every_article_once(manifest: list[dict]) -> None:
    found = sorted(
        (entry["site"], entry["canonical_url"], entry["title"], entry["published"], entry["authors"], entry["charset"])
        for entry in manifest
    )
    assert found == sorted(ARTICLES)
    assert all(entry["language"] == "ko" and entry["kind"] == "news" for entry in manifest)


@pytest.mark.parametrize("url", sorted(DOCUMENTS))
def test_document(corpus: Path, manifest: list[dict], url: str) -> None:
    entry = next(entry for entry in manifest if entry["canonical_url"] == url)
    assert (corpus / entry["file"]).read_text("utf-8") == DOCUMENTS[url].read_text("utf-8")


def test_seed_document_001(shared: Path, corpus: Path, manifest: list[dict]) -> None:
    """The page example 001 was captured from: its article text all there, its chrome not."""
    example = (shared / "format" / "examples" / "001_8a6bba5dd9880397.txt").read_text("utf-8").split("\n")
    entry = next(entry for entry in manifest if entry["canonical_url"] == E.format(8842))
    document = (corpus / entry["file"]).read_text("utf-8")
    lines = [line.strip() for line in document.split("\n")]

    # The article: from the title to the like counter ('0') the dump took in after the body.
    start, end = example.index("[사회]한미 외교장관 전화통화…비핵화 전략 조율"), example.index("0")
    chrome = {"기사수정"}
    article = [line.strip().removeprefix("• ") for line in example[start:end] if line.strip() and line.strip() not in chrome]
    assert len(article) == 11  # title, reporter, date, subtitle, six paragraphs and a caption
    assert lines[0] == article[0]
    for text in article:
        assert text in document, text

    # The chrome the dump kept: before the title, between head and body, and all after the body.
    kept = [line.strip() for line in example[:start] + example[end:] if line.strip()] + sorted(chrome)
    assert "많이 본 뉴스더보기" in kept and "모바일 버전 바로가기" in kept
    for text in kept:
        if text.startswith(("1. ", "2. ", "3. ", "4. ", "5. ")):
            # A 'most read' entry: its headline must not be in the document.
            assert text[3:30] not in document, text
        else:
            assert text not in lines, text
    for text in ("기사 메일전송", "목록 바로가기", "포토뉴스", "많이 본 뉴스", "최신뉴스", "공유하기", "모바일 버전"):
        assert text not in document
