"""Bot walls: a WAF block page or a JavaScript/CAPTCHA challenge served in a page's place.

Fetching counts such an answer as the error `bot_wall` (and slows down for its host); extraction
refuses to make it a document, which would otherwise be a short document of the wall's own text.
The markers are those of the block pages the target sites' protections serve: Cloudflare, Akamai,
AWS WAF/CloudFront, CAPTCHA widgets, and the Korean WAF pages ('비정상적인 접근', '웹 방화벽').

>>> bot_wall("<title>Just a moment...</title>", "Just a moment... Enable JavaScript and cookies to continue")
'Just a moment...'
>>> bot_wall("<title>외교부</title>", "보도자료 본문") is None
True
"""

from __future__ import annotations

import re

# Titles and texts seen on block and challenge pages (a match in a short page is a wall), each with
# a word it contains: searching the lower-cased markup for the words is about 30 times faster than
# the case-blind pattern (3 ms on a 32 KB page), and nearly every page has none of them.
_MARKERS = (
    ("just a moment", r"just a moment\.\.\."),
    ("cloudflare", r"attention required! \| cloudflare"),
    ("checking your browser", r"checking your browser"),
    ("cf-browser-verification", r"cf-browser-verification"),
    ("permission", r"access denied.{0,80}you don't have permission"),
    ("could not be satisfied", r"the request could not be satisfied"),
    ("request blocked", r"request blocked"),
    ("captcha", r"g-recaptcha|h-captcha"),
    ("are you a robot", r"are you a robot"),
    ("verify you are human", r"verify you are human"),
    ("비정상적인 접근", r"비정상적인 접근"),
    ("방화벽", r"웹 ?방화벽"),
    ("접근이 차단", r"접근이 차단"),
    ("자동화된 ", r"자동화된 (?:접근|요청)"),
    ("보안 정책에 의해 차단", r"보안 정책에 의해 차단"),
)
_CLUES = tuple(clue for clue, _ in _MARKERS)
_WALL = re.compile("|".join(pattern for _, pattern in _MARKERS), re.IGNORECASE | re.DOTALL)
# Article pages are long; block pages are short. Beyond this much text, a marker is a quotation.
WALL_MAX_TEXT = 2000
# How much of a page's markup is searched: a wall says what it is near its top.
WALL_MARKUP = 65536


def bot_wall(source: str, text: str) -> str | None:
    """The marker in a page's markup (`source`) that shows it to be a bot wall, or None.

    `text` is the page's visible text: a long text is an article that mentions such words."""
    # The text first: searching the markup for the markers costs more than the text's length.
    if len(" ".join(text.split())) > WALL_MAX_TEXT:
        return None
    source = source[:WALL_MARKUP]
    lowered = source.lower()
    if not any(clue in lowered for clue in _CLUES):
        return None
    match = _WALL.search(source)
    return match.group(0) if match else None
