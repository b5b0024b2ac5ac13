"""Catalog Auditor core: discover, read, store, detect, score, export.

This package never imports Qt; the desktop app in ``ui/`` is a thin layer over it.
"""

__version__ = "0.1.0"
