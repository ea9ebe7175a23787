"""The newspapers on Korean news CMS families that the harvester crawls: a few lines each.

Adding one: call its family's `newspaper()` with a profile name, the paper's name, its domain and
the sections to crawl (code -> the name the paper shows), list it in PROFILES, and give it
fixtures (tests/fixtures/<name>/) and its README row (`harvester sites --markdown`); the replica's
copy of it is made from this entry and its articles (harvester/replica/data/news/<name>.json). A
paper on another host of the same family still comes out clean without this (CMS detection), but
is not crawled.
"""

from __future__ import annotations

from datetime import date, timedelta

from harvester.profiles.base import Recrawl, Version
from harvester.profiles.cms import dadamedia, ndsoft

# A local paper posts a few articles a day: its feed is read every hour, its section lists every six.
LOCAL_PAPER = Recrawl(lists=timedelta(hours=6), feeds=timedelta(hours=1))

# 일간환경연합, the paper of seed document 001. Its domain is not in any public source; this one
# is assumed (sites/README.md §4). It runs the CMS's current template; its pages captured before
# 2020 show the older one [infer: the CMS changed templates about 2020, the paper's own date of
# the change is not known].
ECOUNION = dadamedia.newspaper(
    name="ecounion",
    title="일간환경연합",
    domain="www.ecounion.co.kr",
    sections={"m247tk9": "사회", "m103gs5": "환경"},
    recrawl=LOCAL_PAPER,
    selectors=dadamedia.CURRENT,
    meta_lines=dadamedia.CURRENT_LINES,
    versions=(Version(date(2019, 12, 31), dadamedia.OLD, dadamedia.OLD_LINES, dadamedia.OLD_TEMPLATE),),
)

# 강원도민일보, on ND Soft's current template.
KADO = ndsoft.newspaper(
    name="kado",
    title="강원도민일보",
    domain="www.kado.net",
    sections={"S1N1": "정치", "S1N4": "사회"},
    recrawl=LOCAL_PAPER,
)

# 한빛신문, an old 다다미디어 install still served in EUC-KR over plain http, on the older template
# (read with the family's rules, which know both).
HANBIT = dadamedia.newspaper(
    name="hanbit",
    title="한빛신문",
    domain="www.hanbitnews.co.kr",
    sections={"m120ab1": "지역"},
    recrawl=LOCAL_PAPER,
    scheme="http",
)

PROFILES = (ECOUNION, KADO, HANBIT)
