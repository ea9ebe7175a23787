"""An article response as the `ArticlePage` item the pipelines take: what was fetched, and how."""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from harvester.capture.wire import utc_now
from harvester.corpus.manifest import Entry
from harvester.items import ArticlePage


def article_page(
    response: Response, canonical_url: str, site: str | None, kind: str | None, previous: Entry | None = None
) -> ArticlePage:
    """The item of an article response: the URL first asked for, the capture's record and date, and
    whether the body was cut short (the size cap, or a dropped connection)."""
    redirects = response.meta.get("redirect_urls") or [response.request.url]
    fetched = response.meta.get("capture_date") or utc_now()
    truncated = response.meta.get("truncated") or ("disconnect" if "dataloss" in response.flags else None)
    content_type = response.headers.get(b"Content-Type")
    return ArticlePage(
        url=redirects[0],
        final_url=response.url,
        canonical_url=canonical_url,
        site=site,
        kind=kind,
        body=response.body,
        encoding=response.encoding if isinstance(response, TextResponse) else None,
        fetched_at=fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
        warc=response.meta.get("capture"),
        content_type=content_type.decode("latin-1") if content_type else None,
        truncated=truncated,
        previous=previous,
    )
