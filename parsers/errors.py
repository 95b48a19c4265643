"""The one error a parser raises for a document it cannot read."""


class DocumentError(Exception):
    """The document could not be read (corrupt, encrypted, unsupported, empty, too large).

    ``str(error)`` is a one-line reason meant for a user, e.g. ``"encrypted PDF"``.
    """
