"""Qt item models over the audit database (via :mod:`auditor.browse`)."""
