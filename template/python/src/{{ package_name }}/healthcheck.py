"""`python -m <package>.healthcheck`: exit 0 when GET /health answers 200.

The container's HEALTHCHECK runs it, so the runtime image needs no curl.
"""

import os
import sys
import urllib.request


def main() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
