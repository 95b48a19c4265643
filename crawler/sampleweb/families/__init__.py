"""One module per CMS family: the URL shapes and list mechanics of real government portals.

Each module has ``routes(portal, ctx) -> dict[path, Page]`` (every page of that portal) and
``column_url(portal) -> str`` (the annual-report column, for the registry and the manifest).
"""

from . import gkmlpt, hanweb, legacy, listing, trs, vsb

FAMILIES = {"trs": trs, "hanweb": hanweb, "gkmlpt": gkmlpt, "vsb": vsb, "generic": listing, "legacy": legacy}
