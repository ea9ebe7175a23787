"""A profiled page whose rules miss its body (a template the profile does not know): the article
box is read whole, captions, byline and sign-off included, and the document says so.

The pages are the site copies' (their markup is inferred, see the profile modules) with the body
container renamed, as a site's new template would; the expected documents are the hand-written
fixtures of the pages as the profile reads them.
"""

from __future__ import annotations

from harvester.extraction.extractor import extract
from harvester.extraction.render import render
from harvester.replica.http import ReplicaRequest
from harvester.replica.sites.korea_herald import KoreaHeraldSite
from harvester.replica.sites.korea_net import KoreaNetSite
from harvester.replica.sites import site_for
from harvester.replica.sites.pa_webarchives import PaWebArchivesSite
from tests.site_documents import expected_text

BROWSER = (("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"), ("Cookie", "AWSALB=replica"))
KOREA_NET = "/NewsFocus/Policies/view?articleId=246013"
ARCHIVED = "/19th/www.korea.net/NewsFocus/Policies/view?articleId=163227"


def korea_net(path: str) -> bytes:
    response = KoreaNetSite()(ReplicaRequest("GET", "https", "www.korea.net", path, BROWSER))
    assert response.status == 200
    return response.body


def test_the_profile_reading_the_page_is_no_fallback() -> None:
    document = extract(korea_net(KOREA_NET), "utf-8", f"https://www.korea.net{KOREA_NET}")
    assert (document.profile, document.fallback, document.extra) == ("korea_net", (), {})


def test_renamed_body_container_keeps_captions_and_byline() -> None:
    body = korea_net(KOREA_NET).replace(b'id="articleContent"', b'id="articleMain"')
    document = extract(body, "utf-8", f"https://www.korea.net{KOREA_NET}")
    text = render(document)
    assert text == expected_text("korea_net", "news_246013.txt")
    # The Korean caption (the image's alt text), the English one and the byline are all there.
    assert "\n\n해양수산부 청사 전경\n\n" in text
    assert "\n\nThe Ministry of Oceans and Fisheries' headquarters in Sejong. (Korea.net DB)\n\n" in text
    assert "\n\nBy Kim Eunhee and Lee Jihae / Photos = Korea.net DB\n\n" in text
    # The byline selector looked inside the old container too: the byline in the text names them.
    assert document.authors == ("Kim Eunhee", "Lee Jihae")
    assert (document.profile, document.fallback) == ("korea_net", ("body", "authors"))
    assert document.extra == {"fallback": ["body", "authors"]}


def test_archived_korea_net_page_with_a_renamed_body() -> None:
    """The article of format example 000: caption and 'By Xu Aiying and Lee Hana' are kept."""
    body = PaWebArchivesSite()(ReplicaRequest("GET", "http", "webarchives.pa.go.kr", ARCHIVED)).body
    document = extract(body.replace(b"articleContent", b"articleMain"), "utf-8", f"http://webarchives.pa.go.kr{ARCHIVED}")
    assert render(document) == expected_text("pa_webarchives", "korea_net_163227.txt")
    assert document.authors == ("Xu Aiying", "Lee Hana")
    assert document.extra == {
        "original_url": "https://www.korea.net/NewsFocus/Policies/view?articleId=163227",
        "fallback": ["body", "authors"],
    }


def test_renamed_head_and_body_keep_the_format_order() -> None:
    """A Korea Herald G1 page whose title block and body both changed names: the lines between
    the title and the text (byline, dates) are the head's; the photo caption stays in the body."""
    path = "/view.php?ud=20180429000160"
    body = KoreaHeraldSite()(ReplicaRequest("GET", "https", "www.koreaherald.com", path, BROWSER)).body
    body = body.replace(b"articleText", b"storyText").replace(b"view_tit", b"story_tit")
    document = extract(body, "utf-8", f"https://www.koreaherald.com{path}")
    head, _, text = render(document).partition("\n\n")
    assert head.split("\n") == [
        "Seoul, Washington reaffirm cooperation on N. Korea nuclear issue",
        "By Choi He-suk",
        "Published : Apr 29, 2018 - 17:52" + "\u00a0" * 6 + "Updated : Apr 29, 2018 - 18:10",
    ]
    assert text == expected_text("korea_herald", "g1_20180429000160.txt").partition("\n\n")[2]
    assert "\n\nMinister of Foreign Affairs Kang Kyung-wha attends a forum in Seoul on Wednesday. Yonhap\n\n" in text
    # Title and date from the page's metadata; the authors still from the profile's sign-off rule.
    assert document.fallback == ("title", "body", "published")
    assert (document.published, document.authors) == ("2018-04-29", ("Choi He-suk",))


def test_korean_sign_off_stays_and_the_copyright_footer_goes() -> None:
    path = "/news/articleView.html?idxno=1180433"
    body = site_for("kado")(ReplicaRequest("GET", "https", "www.kado.net", path)).body
    document = extract(body.replace(b"article-view-content-div", b"article-body-div"), "utf-8", f"https://www.kado.net{path}")
    text = render(document)
    # The reporter's box under the text signs the article off as the page shows it.
    assert text == expected_text("kado", "kado_1180433_2023_05_02.txt") + "\n\n한승미 기자 singme@kado.net"
    assert "무단전재" not in text and "다른기사 보기" not in text
    assert (document.profile, document.fallback, document.authors) == ("kado", ("body",), ("한승미",))
