"""Known page chrome inside or around an article: what is dropped, by its markup or by its text.

The rules say what to drop, never what to keep: in an article's container every text block a
reader sees is the article's (paragraphs, captions, bylines, standfirsts, sign-offs, list items,
table cells) but share and print buttons, related and most-read lists, ads, counters, comment
boxes, tag lists and pagers, and their labels when they stand alone as lines.

>>> [chrome_line(line) for line in ("Related: The 15 Weirdest Galaxies", "READ MORE: China plague",
...  "Comments", "관련기사", "Advertisement", "Read more about the plan below, the minister said.")]
[True, True, True, True, True, False]
>>> [reading_time(line) for line in ("5 min read", "Tempo de leitura: 1 minuto", "Time to act")]
[True, True, False]
"""

from __future__ import annotations

import re

from lxml.etree import _Element

# Words that name chrome in class and id attributes, matched as whole parts of the name
# ('share-list', 'btn_print', 'relatedNews' are; 'shared', 'adventure', 'header' are not).
_CHROME_WORDS = (
    "share sharing sns social print btn button buttons related relate recommend recommended popular "
    "ranking most-viewed most-read mostviewed mostread ad ads advert advertisement banner sponsor "
    "sponsored promo comment comments reply replies tags tag-list taglist pagination paging pager "
    "tag tags-list tag-group breadcrumb breadcrumbs location counter hit hits view-count like likes newsletter subscribe "
    "go-top gotop top-btn font-size fontsize scrap rel-news relnews"
).split()
_PART = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_CHROME_TAGS = frozenset({"nav", "aside", "form", "button", "select", "input", "textarea", "iframe"})
# Lines that are chrome by their text: labels of lists of links, share and comment prompts.
_CHROME_LINE = re.compile(
    r"^(?:related(?: articles?| stories| posts?| content| coverage| news| reading)?\s*[:：]"
    r"|related(?: articles?| stories| posts?| news)?$|read (?:more|also|next)\s*[:：]|read more$"
    r"|see (?:more|also)\s*[:：]|also on [\w.]+\b|don'?t miss\b|you (?:may|might) also like\b"
    r"|recommended(?: for you| stories| articles)?$|most (?:read|popular|viewed)$|advertisement$"
    r"|\d*\s*comments?$|leave a (?:comment|reply)$|tell us what you think\W*$|share (?:this|on)\b|share$"
    r"|like this (?:story|article)\?|click here to\b|follow us\b|sign up for\b|subscribe(?: to\b|$)|tags?\s*[:：]?$"
    r"|follow .{1,60} on (?:twitter|facebook|instagram|youtube)\b|have a (?:news )?tip\?|.{0,80}\b(?:in|to) your inbox\b"
    r"|.{0,40}\bnewsletter$|more (?:great )?.{0,30} stories$|você pode gostar|vous aimerez aussi|te puede interesar"
    r"|das könnte sie auch interessieren"
    r"|filed under\s*[:：]|print$|(?:previous|next) (?:article|post|story)$"
    r"|관련\s*기사|많이\s*본\s*(?:뉴스|기사)|인기\s*기사|추천\s*기사|주요\s*뉴스|기사\s*(?:제보|공유)|공유하기"
    r"|좋아요$|조회\s*수?\s*[:：]?\s*[\d,]+$|(?:views?|hits?)\s*[:：]?\s*[\d,]+$|댓글\s*\d*$|다른\s*기사\s*보기$|더\s*보기$|구독하기|목록\s*(?:바로가기|보기)?$|인쇄$|스크랩$|이전\s*기사|다음\s*기사|▶)",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"^(?:\d+\s*min(?:ute)?s?\s*read|reading time\W|tempo de leitura\W|lesezeit\W|temps de lecture\W|읽는\s*시간)",
    re.IGNORECASE,
)
_MARKER = re.compile(r"^(?:•|\d+\.)\s")
# Labels are short; a sentence that opens with the same words is the article's.
_LINE_MAX = 120


def chrome_element(element: _Element) -> bool:
    """Whether an element is chrome by its tag or by the words of its class or id."""
    if element.tag in _CHROME_TAGS:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if not names.strip():
        return False
    for name in names.split():
        parts = [part.lower() for part in _PART.findall(name)]
        joined = {"-".join(parts[i : i + 2]) for i in range(len(parts))} | {"".join(parts)}
        if any(word in _CHROME_SET for word in (*parts, *joined)):
            return True
    return False


_CHROME_SET = frozenset(_CHROME_WORDS)


def drop_chrome(element: _Element) -> None:
    """Remove the chrome elements inside `element` (not the element itself), and the links
    whose text is a chrome label ('다른기사 보기', 'Read more')."""
    doomed = [
        node
        for node in element.iterdescendants()
        if isinstance(node.tag, str) and (chrome_element(node) or (node.tag == "a" and chrome_line(node.text_content())))
    ]
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()


def chrome_line(line: str) -> bool:
    """Whether a line of text is chrome: a label of a link list, a share or comment prompt."""
    line = _MARKER.sub("", " ".join(line.split()))
    return len(line) <= _LINE_MAX and bool(_CHROME_LINE.match(line))


def reading_time(line: str) -> bool:
    """Whether a line is a reading-time counter ('5 min read')."""
    return len(line) <= _LINE_MAX and bool(_READING_TIME.match(line.strip()))


def drop_chrome_lines(blocks: list[str]) -> list[str]:
    """The blocks without the lines that are chrome; blocks left empty go."""
    kept = []
    for block in blocks:
        lines = [line for line in block.split("\n") if not (chrome_line(line) or reading_time(line))]
        if any(line.strip() for line in lines):
            kept.append("\n".join(lines))
    return kept
