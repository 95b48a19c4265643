"""One small module per CMS family: how to walk its annual-report column to the report pages.

Every module has ``start(spider, source)`` yielding the first requests. Detail pages and
attachments are the same everywhere and live in the spider; list pages, pagination and list APIs
differ and live here. ``home`` starts from a portal's home page and finds the column first.
"""

from . import discovery, generic, gkmlpt, hanweb, trs, vsb

FAMILIES = {"trs": trs, "hanweb": hanweb, "gkmlpt": gkmlpt, "vsb": vsb, "generic": generic, "home": discovery}
