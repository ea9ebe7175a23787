"""Spiders: one generic spider class, driven by a site profile."""
