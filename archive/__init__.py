"""The archive: builds archive.db from captures with the parsers, and publishes it."""
