"""Profile-driven clean-up around the text: page chrome removed, alt-text captions, dropped lines, sign-offs.

>>> split_signoff(["Text.", "By Kim Arin (arin@heraldcorp.com)"], r"^By .+\\(\\S+@heraldcorp\\.com\\)$")
(['Text.'], 'By Kim Arin (arin@heraldcorp.com)')
>>> split_signoff(["By the river, text."], r"^By .+\\(\\S+@heraldcorp\\.com\\)$")
(['By the river, text.'], None)
>>> drop_lines(["Body.", "[오늘 그만 보기]\\n대통령기록관 홈페이지로 이동합니다", "Text.\\nmove to top"],
...            (r"\\[오늘 그만 보기\\]", r"대통령기록관 홈페이지로", r"move to top"))
['Body.', 'Text.']
>>> language_tag(["en-US"])
'en'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.etree import _Element

from harvester.extraction.html_text import BLOCK_TAGS
from harvester.extraction.selection import Found, matcher

# Only the last few blocks can be a sign-off: one earlier is part of the article.
SIGNOFF_WINDOW = 3
_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][\w-]+)?$")


def _flat(text: str) -> str:
    return " ".join(text.split())


def remove_elements(root: _Element, selectors: Iterable[str]) -> int:
    """Remove what the CSS selectors match from the page; returns how many elements went."""
    removed = 0
    for css in selectors:
        for element in matcher(css)(root):
            if element.getparent() is not None:
                element.drop_tree()
                removed += 1
    return removed


def remove_matching(root: _Element, patterns: Iterable[str]) -> int:
    """Remove the elements that hold one paragraph of text (no block inside) which a pattern
    matches (`re.match`), so that no extractor takes chrome of unknown markup for the article."""
    compiled = [re.compile(pattern) for pattern in patterns]
    if not compiled:
        return 0
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "head", "body"):
            continue
        if any(isinstance(inner.tag, str) and inner.tag in BLOCK_TAGS for inner in element.iterdescendants()):
            continue
        text = _flat(element.text_content())
        if text and any(regex.match(text) for regex in compiled):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return len(doomed)


def alt_captions(element: _Element, selector: str | None) -> None:
    """Replace the matched images inside `element` by a paragraph of their alt text."""
    if not selector:
        return
    for image in matcher(selector)(element):
        alt = _flat(image.get("alt") or "")
        if not alt:
            continue
        paragraph = image.makeelement("p", {})
        paragraph.text = alt
        paragraph.tail = image.tail
        image.getparent().replace(image, paragraph)


def drop_lines(blocks: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """The blocks without the lines the patterns match (`re.match`); blocks left empty go."""
    compiled = [re.compile(pattern) for pattern in patterns]
    if not compiled:
        return list(blocks)
    kept = []
    for block in blocks:
        lines = [line for line in block.split("\n") if not any(regex.match(_flat(line)) for regex in compiled)]
        if any(line.strip() for line in lines):
            kept.append("\n".join(lines))
    return kept


def split_signoff(blocks: list[str], pattern: str | None) -> tuple[list[str], str | None]:
    """The body without its sign-off block, and the sign-off (None when there is none)."""
    if not pattern:
        return blocks, None
    regex = re.compile(pattern)
    for index in range(len(blocks) - 1, max(len(blocks) - 1 - SIGNOFF_WINDOW, -1), -1):
        if regex.match(_flat(blocks[index])):
            return blocks[:index] + blocks[index + 1 :], _flat(blocks[index])
    return blocks, None


def language_tag(found: list[Found]) -> str | None:
    """The primary language subtag ('en' of 'en-US') of the first value found, if it is one."""
    for item in found:
        value = item if isinstance(item, str) else item.text_content()
        match = _LANGUAGE.match(value.strip())
        if match:
            return match.group(1).lower()
    return None
