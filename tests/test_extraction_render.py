from __future__ import annotations

from harvester.extraction.render import Document, encode, render


def test_title_meta_lines_then_blocks() -> None:
    document = Document(
        title="  Foreign Minister Holds Telephone Conversation  ",
        meta_lines=("Date 2017-09-03",),
        body=("1. First.", "  • item\n  • item two", "* unofficial translation"),
    )
    assert render(document) == (
        "Foreign Minister Holds Telephone Conversation\nDate 2017-09-03\n\n"
        "1. First.\n\n  • item\n  • item two\n\n* unofficial translation"
    )


def test_no_meta_lines() -> None:
    assert render(Document(title="T", body=("B",))) == "T\n\nB"


def test_utf8_nfc_lf_no_bom_no_trailing_newline() -> None:
    decomposed = "e\u0301te\u0301"  # "été" as base letters plus combining accents
    data = encode(Document(title="T\r\n", body=(decomposed + "\r\nline", "\u00a0kept\u00a0nbsp", "“quotes”")))
    assert data == "T\n\nété\nline\n\n\u00a0kept\u00a0nbsp\n\n“quotes”".encode()
    assert not data.startswith(b"\xef\xbb\xbf") and not data.endswith(b"\n")


def test_empty_blocks_dropped_and_blank_runs_capped() -> None:
    assert render(Document(title="T", body=("a", "   ", "b\n\n\n\n\nc"))) == "T\n\na\n\nb\n\n\nc"
