"""Local sample portals for tests and the demo."""
