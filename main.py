"""Start the Catalog Auditor desktop app: ``python main.py [AUDIT.sqlite | FOLDER | DELIVERY.zip]``."""

import sys

from ui.app import run

if __name__ == "__main__":
    sys.exit(run())
