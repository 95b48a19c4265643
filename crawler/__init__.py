"""Scrapy project that walks registered portals and stores every response as a capture."""
