from __future__ import annotations

import pytest

from harvester.extraction.html_text import fragment_blocks


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        # Paragraphs are blocks; HTML white space collapses, non-breaking spaces stay.
        ("<p>One\n  two</p><p>Three&nbsp;four</p>", ["One two", "Three\u00a0four"]),
        # Line breaks break lines inside a block; empty and spacer paragraphs vanish.
        ("<p>a<br>b</p><p>&nbsp;</p><p> </p><div>c</div>", ["a\nb", "c"]),
        # Lists stay one block; ordered lists count; nesting indents.
        (
            "<ul><li>x</li><li>y<ol><li>p</li><li>q</li></ol></li></ul>",
            ["  • x\n  • y\n    1. p\n    2. q"],
        ),
        # Items that number or bullet themselves keep the page's marker.
        ("<ol><li>1. first</li><li>2. second</li></ol>", ["  1. first\n  2. second"]),
        ('<ul style="list-style:none"><li><p><span>●</span>Item</p></li></ul>', ["  ●Item"]),
        # Scripts, styles and buttons are not text; captions are their own blocks.
        (
            "<figure><img src=x><figcaption>A caption</figcaption></figure><script>x=1</script>"
            "<button>Share</button><p>Body</p>",
            ["A caption", "Body"],
        ),
        # Table cells are blocks.
        ("<table><tr><td>left</td><td>right</td></tr></table>", ["left", "right"]),
    ],
)
def test_blocks(html: str, blocks: list[str]) -> None:
    assert fragment_blocks(html) == blocks


def test_drop_keeps_following_text() -> None:
    assert fragment_blocks("<p>Keep <span class='ad'>ad</span>this</p>", drop=[".ad"]) == ["Keep this"]
