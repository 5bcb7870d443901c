"""``python -m fastnet``: the same as the ``fastnet`` command."""

import sys

if __name__ == "__main__":
    try:
        from .cli import main
    except KeyboardInterrupt:  # Ctrl-C while numpy/numba are still importing
        print("fastnet: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(main())
