"""The app survives PySide6 releases that drop references to None/True/False (see ui/compat.py)."""

from __future__ import annotations

import sys

from ui.compat import affected


def test_affected_combinations_are_recognized() -> None:
    assert affected("6.12.0", (3, 11)) and not affected("6.12.0", (3, 12)) and not affected("6.11.3", (3, 11))


def test_many_qt_calls_returning_none_do_not_abort_the_interpreter(qapp) -> None:
    from PySide6.QtCore import QTimer

    timer = QTimer()
    calls = min(sys.getrefcount(None) + 5_000, 2_000_000)  # more than an unguarded None survives
    for _ in range(calls):
        timer.stop()  # returns None: on an affected PySide6 each call dropped a reference
    assert sys.getrefcount(None) > 0
