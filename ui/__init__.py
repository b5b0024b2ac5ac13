"""The desktop app (PySide6).  Imports the core; the core never imports this package."""

from .compat import shield_singletons

SINGLETONS_SHIELDED = shield_singletons()
