"""`python -m <package>.healthcheck`: exit 0 when GET /health answers 200.
`python -m <package>.healthcheck worker`: exit 0 when the worker process (where the
event consumer is one) touched its heartbeat file lately.

The container's HEALTHCHECK runs it, so the runtime image needs no curl.
"""

import os
import sys
import tempfile
import time
import urllib.request

HEARTBEAT_SECONDS = 5.0


def worker_heartbeat() -> str:
    """The file a running worker touches every HEARTBEAT_SECONDS."""
    return os.path.join(tempfile.gettempdir(), f"{__package__}-worker.alive")


def worker_alive() -> int:
    try:
        age = time.time() - os.path.getmtime(worker_heartbeat())
    except OSError:
        return 1
    return 0 if age < HEARTBEAT_SECONDS * 3 else 1


def main() -> int:
    if sys.argv[1:] == ["worker"]:
        return worker_alive()
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
