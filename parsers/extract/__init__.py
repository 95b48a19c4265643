"""One module per input kind, each turning bytes into ``parsers.blocks`` blocks."""
