"""A guard against a reference-counting bug of PySide6 6.12 on CPython 3.11.

PySide6 6.12.0 hands ``None``, ``True`` and ``False`` back from wrapped C++
calls without taking a reference.  That is harmless on Python 3.12+, where
these objects are immortal (PEP 683), but on 3.11 every such call drops one
reference: ``QCoreApplication.processEvents()`` or ``QTimer.start()`` each
cost ``None`` one, and after some ten thousand calls the interpreter aborts
with "none_dealloc: deallocating None".  PySide6 6.11 does not do this.

The project's dependencies exclude that release; when an affected
combination is found at run time anyway, the three singletons get a
reference count so large that it can never reach zero — what Python 3.12
does by design — so a long session cannot crash.
"""

from __future__ import annotations

import ctypes
import sys

_SHIELD = 1 << 40


def affected(pyside_version: str, python: tuple[int, ...] = tuple(sys.version_info[:2])) -> bool:
    return tuple(python) < (3, 12) and pyside_version.startswith("6.12.")


def shield_singletons() -> bool:
    """Make None/True/False effectively immortal on an affected PySide6; True when applied."""
    import PySide6

    if not affected(PySide6.__version__) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _SHIELD  # ob_refcnt is the first field
    return True
