"""The subscription page of ``lianxue serve``: the organization tree, each feed's links and QR code.

The page at ``/`` follows the organization tree (county → town → branches, nested lists by ``parent``, in
file order); each organization with a feed shows its name, a ``webcal://`` link (opens the calendar app's
subscription dialog), the ``http://``/``https://`` address (for Google Calendar and Outlook on the web) and a
QR code that a phone's camera scans to subscribe. People's feeds (``--people``) and supervisors' feeds
(``--supervisor``) follow in sections of their own.

The QR codes are made with `segno <https://segno.readthedocs.io/>`_ and served one by one at
``/qr/<feed path>.svg`` (and ``.png``, the same code, for programs that want pixels), referenced from the
page with ``<img loading="lazy">``: the page of a county's 116 feeds stays small (the codes are not in it),
a browser fetches only the codes on screen, and each code is made when first asked for. A code encodes the
feed's ``webcal://`` address: a phone's camera opens that in the calendar app as a subscription, where the
``https://`` address would open the browser, which on an iPhone imports the events once and never updates them.

The addresses use the scheme and host the request came in on (``Host``), or those a reverse proxy says
the client used: ``X-Forwarded-Proto`` (``http``/``https``), ``X-Forwarded-Host`` and ``X-Forwarded-Prefix``
(the path the proxy serves lianxue under, e.g. ``/calendars``). A value that is not a plain scheme, host or
path is ignored. A client that sends these headers itself only changes the links of its own copy of the page.
"""

from __future__ import annotations

import html
import io
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import segno

from ..model import Organization
from ..textsafe import for_terminal
from .writer import WrittenFeed

__all__ = [
    "Base",
    "Subscriptions",
    "base_of",
    "qr_code",
    "qr_png",
    "qr_svg",
    "render_page",
]


@attrs.frozen
class Subscriptions:
    """What a build of ``lianxue serve`` gives: the feeds, and the organizations for the page's tree.

    Args:
        feeds: The feeds (``<org-id>.ics``, ``people/<id>.ics``, ``supervisors/<id>.ics``...).
        organizations: Every organization, in file order (:attr:`OrganizationTree.organizations`): the
            page nests ``<org-id>.ics`` by ``parent``. Empty: the organizations' feeds in one flat list.
    """

    feeds: tuple[WrittenFeed, ...]
    organizations: tuple[Organization, ...] = ()


_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?")
_PREFIX = re.compile(r"(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?")


@attrs.frozen
class Base:
    """Where the client sees the server: ``scheme://host[:port]prefix/``."""

    scheme: str
    host: str
    prefix: str = ""

    def http(self, path: str) -> str:
        """The ``http://``/``https://`` address of the feed at ``path``."""
        return f"{self.scheme}://{self.host}{self.prefix}/{urllib.parse.quote(path)}"

    def webcal(self, path: str) -> str:
        """The ``webcal://`` address of the feed at ``path`` (what the QR code encodes)."""
        return f"webcal://{self.host}{self.prefix}/{urllib.parse.quote(path)}"


def _first(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1").split(",")[0].strip()
    return None


def base_of(scope: Mapping[str, Any]) -> Base:
    """The :class:`Base` of an ASGI request: its scheme and ``Host``, or what a proxy forwarded."""
    headers = list(scope.get("headers", ()))
    scheme = str(scope.get("scheme", "http"))
    proto = (_first(headers, b"x-forwarded-proto") or "").lower()
    if proto in ("http", "https"):
        scheme = proto
    host = None
    for candidate in (_first(headers, b"x-forwarded-host"), _first(headers, b"host")):
        if candidate and _HOST.fullmatch(candidate):
            host = candidate
            break
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        name = str(server[0])
        host = f"[{name}]:{server[1]}" if ":" in name else f"{name}:{server[1]}"
    prefix = _first(headers, b"x-forwarded-prefix") or ""
    prefix = prefix.rstrip("/") if _PREFIX.fullmatch(prefix) else ""
    return Base(scheme, host.lower(), prefix)


# -- QR codes ------------------------------------------------------------------------------------------


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url``: error correction M at least (higher when it fits in the same size)."""
    return segno.make_qr(url, error="m", boost_error=True)


def qr_svg(code: segno.QRCode) -> bytes:
    """``code`` as SVG: one path, a ``viewBox`` and no size (the page sizes it), quiet zone of 4 modules."""
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=4, omitsize=True, xmldecl=False, dark="#000", light="#fff")
    return out.getvalue()


def qr_png(code: segno.QRCode) -> bytes:
    """``code`` as PNG, 4 pixels a module, quiet zone of 4 modules (segno writes PNG without Pillow)."""
    out = io.BytesIO()
    code.save(out, kind="png", scale=4, border=4)
    return out.getvalue()


# -- the page ------------------------------------------------------------------------------------------

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:1em auto;max-width:60em;padding:0 1em;line-height:1.5;color:#222}
h1{font-size:1.6em;margin:.2em 0}
.how{font-size:1.2em;font-weight:bold;color:#b00}
ul{list-style:none;padding-left:1.5em;margin:0}
body>ul{padding-left:0}
li{margin:.4em 0}
.feed{display:flex;gap:1em;align-items:center;flex-wrap:wrap;border-bottom:1px solid #ddd;padding:.3em 0}
.feed img{width:148px;height:148px;image-rendering:pixelated;flex:none}
.feed .name{font-weight:bold;min-width:12em}
.feed .links{display:flex;flex-direction:column;gap:.2em;word-break:break-all}
.webcal{display:inline-block;background:#b00;color:#fff;padding:.1em .8em;border-radius:.3em;text-decoration:none;
width:max-content}
.plain{font-size:.9em;color:#555}
.nofeed{color:#777}
"""


def _safe(text: str) -> str:
    return html.escape(for_terminal(text))


def _feed_block(base: Base, path: str, name: str) -> str:
    webcal = html.escape(base.webcal(path))
    http = html.escape(base.http(path))
    qr = html.escape("qr/" + urllib.parse.quote(path) + ".svg")
    shown = _safe(name)
    return (
        f'<div class="feed" data-path="{html.escape(path)}" data-webcal="{webcal}">'
        f'<img loading="lazy" src="{qr}" alt="二维码：{shown}" width="148" height="148">'
        f'<span class="name">{shown}</span>'
        f'<span class="links"><a class="webcal" href="{webcal}">订阅</a>'
        f'<a class="plain" href="{http}">{http}</a></span></div>'
    )


def _org_tree(base: Base, orgs: Sequence[Organization], feeds: Mapping[str, str]) -> list[str]:
    """Nested ``<ul>`` of the organizations with a feed in their subtree; feeds of unknown ids after."""
    known = {org.id for org in orgs}
    children: dict[str | None, list[Organization]] = {}
    for org in orgs:
        parent = org.parent if org.parent in known else None
        children.setdefault(parent, []).append(org)
    has_feed: dict[str, bool] = {}
    # every organization's subtree: decided leaves first (reverse of a pre-order walk), no recursion
    order: list[Organization] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        org = stack.pop()
        order.append(org)
        stack.extend(reversed(children.get(org.id, [])))
    for org in reversed(order):
        has_feed[org.id] = f"{org.id}.ics" in feeds or any(has_feed[c.id] for c in children.get(org.id, []))

    lines: list[str] = ["<ul>"]
    # the walk again, writing: ("org", o) writes o's item and opens its children's list; "end"/"endleaf" close
    work: list[tuple[str, Organization | None]] = [("org", o) for o in reversed(children.get(None, []))]
    while work:
        what, item = work.pop()
        if item is None:
            lines.append("</ul></li>" if what == "end" else "</li>")
            continue
        org = item
        if not has_feed[org.id]:
            continue
        path = f"{org.id}.ics"
        lines.append(f'<li data-org="{html.escape(org.id)}">')
        if path in feeds:
            lines.append(_feed_block(base, path, feeds[path]))
        else:
            lines.append(f'<div class="nofeed">{_safe(org.name)}（没有日历）</div>')
        kids = [c for c in children.get(org.id, []) if has_feed[c.id]]
        if kids:
            lines.append("<ul>")
            work.append(("end", None))
            work.extend(("org", c) for c in reversed(kids))
        else:
            work.append(("endleaf", None))
    for path in sorted(feeds):
        if path.removesuffix(".ics") not in known:
            lines.append(f"<li>{_feed_block(base, path, feeds[path])}</li>")
    lines.append("</ul>")
    return lines


def _section(title: str, items: list[str]) -> list[str]:
    return [f"<h2>{title}</h2>", *items] if items else []


def render_page(base: Base, names: Mapping[str, str], organizations: Sequence[Organization] = ()) -> bytes:
    """The subscription page for a client that sees the server at ``base``.

    Args:
        base: The scheme, host and prefix of the addresses and QR codes (:func:`base_of`).
        names: Every feed's name by path (``xianwei-zzb.ics``, ``people/m-0001.ics``...).
        organizations: The organizations in file order, for the tree (none: a flat list).
    """
    orgs_feeds = {p: n for p, n in names.items() if "/" not in p}
    people = {p: n for p, n in names.items() if p.startswith("people/")}
    supervisors = {p: n for p, n in names.items() if p.startswith("supervisors/")}
    others = {p: n for p, n in names.items() if "/" in p and p not in people and p not in supervisors}

    def flat(feeds: Mapping[str, str]) -> list[str]:
        if not feeds:
            return []
        return ["<ul>", *(f"<li>{_feed_block(base, p, feeds[p])}</li>" for p in sorted(feeds)), "</ul>"]

    body: list[str] = []
    if orgs_feeds:
        tree = _org_tree(base, organizations, orgs_feeds) if organizations else flat(orgs_feeds)
        body += _section("组织日历", tree)
    body += _section("个人日历", flat(people))
    body += _section("督查日历", flat(supervisors))
    body += _section("其他日历", flat(others))
    if not names:
        body.append("<p>（没有日历）</p>")
    content = "\n".join(body)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>日历订阅</title><style>{_STYLE}</style></head>
<body>
<h1>日历订阅</h1>
<p class="how">用手机相机扫描二维码订阅本支部日历。</p>
<p>也可以在手机或电脑上点“订阅”（webcal 链接）；或复制 {html.escape(base.scheme)} 地址，在日历应用中选择
“添加订阅日历”（Google 日历、Outlook 网页版用这个地址）。日历会定期自动更新。</p>
{content}
</body>
</html>
"""
    return page.encode("utf-8")
