"""``python -m fakturaflyt.monitoring.readycheck``: the ``/readyz`` checks without a web server.

For the worker machine (compose healthcheck, or an operator after an upgrade): database,
migrations, MEDIA_ROOT writable (the shared mount is there) and the broker. Prints the JSON
``/readyz`` would answer; exit code 0 ready, 1 not ready.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")
    import django

    django.setup()
    from fakturaflyt.monitoring.readiness import run_checks

    checks = run_checks()
    failed = [name for name, result in checks.items() if result != "ok" and not result.startswith("skipped")]
    print(json.dumps({"status": "fail" if failed else "ok", "failed": failed, "checks": checks}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
