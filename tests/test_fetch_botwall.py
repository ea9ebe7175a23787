"""Every bot-wall marker is found whatever its case, and an article page is not a wall."""

import pytest

from harvester.fetch.botwall import bot_wall

# One block or challenge page per marker, each spelled as a wall spells it.
WALLS = [
    ("<title>Just a moment...</title>", "Just a moment..."),
    ("<title>Attention Required! | Cloudflare</title>", "Attention Required! | Cloudflare"),
    ("<p>Checking your browser before accessing the site.</p>", "Checking your browser"),
    ('<form id="challenge-form" class="CF-BROWSER-VERIFICATION">', "CF-BROWSER-VERIFICATION"),
    ("<h1>Access Denied</h1>\n<p>You don't have permission to access this server.</p>",
     "Access Denied</h1>\n<p>You don't have permission"),
    ("<h1>ERROR</h1><h2>The request could not be satisfied.</h2>", "The request could not be satisfied"),
    ("<h1>Request Blocked</h1>", "Request Blocked"),
    ('<div class="g-recaptcha" data-sitekey="x"></div>', "g-recaptcha"),
    ('<div class="h-captcha"></div>', "h-captcha"),
    ("<p>Are you a robot?</p>", "Are you a robot"),
    ("<p>Verify you are human by completing the action below.</p>", "Verify you are human"),
    ("<p>비정상적인 접근이 감지되었습니다.</p>", "비정상적인 접근"),
    ("<title>웹방화벽</title>", "웹방화벽"),
    ("<title>웹 방화벽 차단 안내</title>", "웹 방화벽"),
    ("<p>접근이 차단되었습니다.</p>", "접근이 차단"),
    ("<p>자동화된 요청으로 판단되어</p>", "자동화된 요청"),
    ("<p>보안 정책에 의해 차단된 페이지입니다.</p>", "보안 정책에 의해 차단"),
]


@pytest.mark.parametrize(("page", "marker"), WALLS)
def test_every_marker_is_found(page: str, marker: str) -> None:
    assert bot_wall(f"<html><body>{page}</body></html>", "") == marker


def test_pages_without_a_marker_and_long_articles_are_not_walls() -> None:
    assert bot_wall("<title>Press Releases</title><p>The Minister met his counterpart.</p>", "") is None
    # A clue alone is not a marker: an article on firewalls, or one that asks for permission.
    assert bot_wall("<p>방화벽 설치 지원 사업 공고</p><p>Permission to reprint granted.</p>", "") is None
    quoted = "<p>The site answered 'Just a moment...' to every visitor.</p>"
    assert bot_wall(quoted, "word " * 500) is None
