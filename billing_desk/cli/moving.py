"""`billing-desk migrate --from FILE --to postgresql://...`: move an office onto a server."""

from __future__ import annotations

from ..services.moving import move_office


def register(commands) -> None:
    parser = commands.add_parser(
        "migrate", help="move an office from its database file onto a PostgreSQL server",
        description="Copy the whole office in FILE into an empty database on a server, verify every "
        "count and total and the audit trail, and refuse a database that is not empty. The file is "
        "left as it was (keep it as the last copy from before the move).")
    parser.add_argument("--from", dest="source", metavar="FILE", required=True,
                        help="the office's database file")
    parser.add_argument("--to", dest="target", metavar="URL", required=True,
                        help="the empty server database: postgresql://USER@HOST:PORT/DBNAME")
    parser.set_defaults(run=run)


def run(args) -> int:
    result = move_office(args.source, args.target, progress=lambda text: print(text, flush=True))
    for line in result.lines():
        print(line)
    return 0
