"""`python -m agent`: serve the runtime (the container's command; see the Dockerfile)."""

from __future__ import annotations

import argparse

from agent.serve import add_serve_arguments, serve


def main(argv: list[str] | None = None) -> int:
    """Serve on $SEGMENT_HOST:$SEGMENT_PORT (127.0.0.1:8080 by default) until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m agent", description="Serve the Customer Segment Agent runtime.")
    add_serve_arguments(parser)
    args = parser.parse_args(argv)
    return serve(args.host, args.port, args.workers)


if __name__ == "__main__":
    raise SystemExit(main())
