"""Name resolution that keeps the crawler off private networks unless the registry allows it.

``*.localhost`` resolves to 127.0.0.1 as RFC 6761 says (the sample portals live there); any name
that resolves to a private, loopback or link-local address is refused unless its source sets
``allow_private`` — so a portal page cannot steer the crawler into an intranet.
"""

from __future__ import annotations

import ipaddress

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

ALLOWED_PRIVATE_HOSTS: set[str] = set()  # filled by the spider from the registry
REFUSED_HOSTS: set[str] = set()  # hosts refused for their private address (the error loses its message)


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast


class PolicyResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout=None):
        host = name.lower().rstrip(".")
        if host == "localhost" or host.endswith(".localhost"):
            result = defer.succeed("127.0.0.1")
        else:
            result = super().getHostByName(name, timeout)
        return result.addCallback(self._check, host)

    @staticmethod
    def _check(address: str, host: str) -> str:
        if _private(address) and host not in ALLOWED_PRIVATE_HOSTS:
            REFUSED_HOSTS.add(host)
            raise DNSLookupError(f"{host} resolves to private address {address}; the registry does not allow it")
        return address
