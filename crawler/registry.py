"""Portals are data: a registry file (YAML) of sources, each one line of config, never a class.

```yaml
settings: {AUTOTHROTTLE_ENABLED: false}   # optional Scrapy settings for crawls of this registry
defaults: {allow_private: false, delay: 1.0}
sources:
  - id: hzsc-sfj              # stable, unique
    name: 杭州市上城区司法局
    region: "330102"           # 6-digit 行政区划代码 (2 or 4 digits for a province or city body)
    start_url: https://www.hzsc.gov.cn/col/col1229232293/index.html   # a column, or a home page
    family: hanweb             # trs | hanweb | gkmlpt | vsb | generic | home (discover the column)
    hosts: [www.hzsc.gov.cn]   # optional: more hosts the crawler may follow (the start host always)
    delay: 2.0                 # optional overrides
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import yaml

FAMILIES = ("trs", "hanweb", "gkmlpt", "vsb", "generic", "home")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class RegistryError(ValueError):
    """A registry file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    region: str
    start_url: str
    family: str
    hosts: tuple[str, ...] = ()
    allow_private: bool = False
    delay: float | None = None
    max_bytes: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def host(self) -> str:
        return urlsplit(self.start_url).hostname or ""

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({self.host, *self.hosts})


def default_registry(name: str = "sample") -> Path:
    return Path(str(resources.files("crawler").joinpath(f"sources/{name}.yaml")))


def registry_settings(path: str | Path) -> dict:
    """Scrapy settings the registry asks for (its ``settings:`` mapping)."""
    data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        raise RegistryError(f"{path}: 'settings' must be a mapping of Scrapy settings")
    return settings


def load_registry(path: str | Path) -> list[Source]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such registry file") from None
    except yaml.YAMLError as error:
        raise RegistryError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'sources' list")
    defaults = data.get("defaults") or {}
    sources, seen = [], set()
    for index, entry in enumerate(data["sources"], start=1):
        if not isinstance(entry, dict):
            raise RegistryError(f"{path}: source #{index} is not a mapping")
        entry = {**defaults, **entry}
        where = f"{path}: source #{index} ({entry.get('id', '?')})"
        for key in ("id", "name", "region", "start_url", "family"):
            if not entry.get(key):
                raise RegistryError(f"{where}: '{key}' is missing")
        sid, region, url, family = str(entry["id"]), str(entry["region"]), str(entry["start_url"]), entry["family"]
        if not _ID.match(sid):
            raise RegistryError(f"{where}: id may hold only letters, digits, '.', '_' and '-'")
        if sid in seen:
            raise RegistryError(f"{where}: duplicate id")
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", region):
            raise RegistryError(f"{where}: region must be a 2-, 4- or 6-digit 行政区划代码, not {region!r}")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise RegistryError(f"{where}: start_url must be an http(s) URL, not {url!r}")
        if family not in FAMILIES:
            raise RegistryError(f"{where}: family must be one of {', '.join(FAMILIES)}, not {family!r}")
        seen.add(sid)
        known = {"id", "name", "region", "start_url", "family", "hosts", "allow_private", "delay", "max_bytes"}
        sources.append(Source(
            id=sid, name=str(entry["name"]), region=region, start_url=url, family=family,
            hosts=tuple(str(h).lower() for h in entry.get("hosts") or ()),
            allow_private=bool(entry.get("allow_private", False)),
            delay=float(entry["delay"]) if entry.get("delay") is not None else None,
            max_bytes=int(entry["max_bytes"]) if entry.get("max_bytes") else None,
            extra={k: v for k, v in entry.items() if k not in known}))
    return sources


def select(sources: list[Source], ids=(), family: str | None = None, region: str | None = None) -> list[Source]:
    """The sources matching every filter given (``region`` is a code prefix, e.g. ``3201``)."""
    chosen = [s for s in sources if (not ids or s.id in ids) and (not family or s.family == family)
              and (not region or s.region.startswith(region))]
    missing = set(ids) - {s.id for s in sources}
    if missing:
        raise RegistryError(f"unknown source id(s): {', '.join(sorted(missing))}")
    return chosen


def write_registry(path: str | Path, sources: list[dict], defaults: dict | None = None, comment: str = "",
                   settings: dict | None = None) -> None:
    data = {"settings": settings, "defaults": defaults or {}, "sources": sources}
    body = yaml.safe_dump({k: v for k, v in data.items() if v is not None}, allow_unicode=True, sort_keys=False,
                          width=200)
    Path(path).write_text((f"# {comment}\n" if comment else "") + body, "utf-8")
