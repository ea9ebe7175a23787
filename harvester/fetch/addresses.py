"""Downloader middleware that keeps a crawl away from addresses a crawler does not belong at:
loopback, private, link-local (cloud metadata: 169.254.169.254), shared and every other address
that is not globally reachable (127.0.0.0/8, 10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10,
0/8, ::1, fc00::/7, fe80::/10, ...), as Common Crawl's news crawler blocks private ranges.

A request to such a host — a literal address, `localhost`, or, when no proxy is used, a name that
resolves to one — is not sent: it is reported skipped (`private_address`). The seeds' own hosts are
allowed (a crawl started on an intranet host on purpose), as is everything with
FETCH_ALLOW_PRIVATE_ADDRESSES. Links and redirects are checked alike: every request passes here.

Through a proxy (`meta["proxy"]`, which Scrapy's HttpProxyMiddleware sets from http_proxy and
https_proxy, so this runs after it) the proxy resolves names, and only literal addresses are
checked. Without one, the name is resolved here through the reactor's resolver, that is Scrapy's
caching resolver (DNS_RESOLVER), off the reactor thread; the connection then finds the address in
its cache, so the name is looked up once. A name that does not resolve fails as the download would
have (DNSLookupError, retried as such).

Settings: FETCH_ALLOW_PRIVATE_ADDRESSES.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer

from harvester.signals import send_skipped

# Cloud metadata services (AWS, GCP and Azure; AWS over IPv6; Alibaba Cloud): named as such.
METADATA = {ipaddress.ip_address(address) for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")}


def not_public(address: str) -> str | None:
    """What kind of address a crawler does not belong at this is, or None for a public one.

    >>> not_public("169.254.169.254"), not_public("127.0.0.1"), not_public("::ffff:10.0.0.7")
    ('cloud metadata', 'loopback', 'private')
    >>> not_public("fc00::1"), not_public("100.64.0.1"), not_public("8.8.8.8")
    ('private', 'not globally reachable', None)
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "cloud metadata"
    if ip.is_global:
        return None
    for kind in ("loopback", "link_local", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return "not globally reachable"


def local_name(host: str) -> bool:
    """`localhost` and names under it are loopback by definition (RFC 6761): never looked up."""
    return host == "localhost" or host.endswith(".localhost")


@implementer(IResolutionReceiver)
class _Addresses:
    """Collects the addresses a hostname resolution gives."""

    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.done: Deferred[list[str]] = Deferred()

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.done.callback(self.addresses)


async def resolve(resolver: IHostnameResolver, host: str) -> list[str]:
    """The addresses `host` resolves to through `resolver` (DNSLookupError when none)."""
    receiver = _Addresses()
    resolver.resolveHostName(receiver, host, 0)
    addresses = await maybe_deferred_to_future(receiver.done)
    if not addresses:
        raise DNSLookupError(host)
    return addresses


class PrivateAddressMiddleware:
    def __init__(self, crawler: Crawler, resolver: IHostnameResolver) -> None:
        self.crawler = crawler
        self.resolver = resolver
        # The seeds' hosts, allowed whatever their address.
        self.seed_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        if crawler.settings.getbool("FETCH_ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured
        from twisted.internet import reactor  # the crawl's, installed by now

        middleware = cls(crawler, reactor.nameResolver)
        # Learnt as a seed is scheduled: its host's robots.txt is requested before the seed arrives here.
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        return middleware

    def request_scheduled(self, request: Request) -> None:
        if request.meta.get("is_start_request") and not request.meta.get("redirect_urls"):
            self.seed_hosts.add(urlparse_cached(request).hostname or "")

    async def process_request(self, request: Request) -> None:
        # Again here: a seed another process scheduled (a shared frontier) was not seen scheduled.
        self.request_scheduled(request)
        host = urlparse_cached(request).hostname or ""
        if not host or host in self.seed_hosts:
            return
        if local_name(host):
            self.skip(request, f"{host} is loopback")
        kind = not_public(host)
        if kind is not None:
            self.skip(request, f"{host} is {kind}")
        if request.meta.get("proxy") is not None:
            return  # the proxy resolves the name
        addresses = [address for address in await resolve(self.resolver, host) if not_public(address)]
        if addresses:
            self.skip(request, f"{host} resolves to {addresses[0]}, {not_public(addresses[0])}")

    def skip(self, request: Request, detail: str) -> None:
        send_skipped(self.crawler, request.url, "private_address", detail)
        raise IgnoreRequest(f"not fetched: {detail}")
