"""views_for_tests.py — a test-only datasette plugin: each connection datasette
opens makes the TEMP views of schema/views.sql, so that the README's Views
examples (`.read schema/views.sql`) can be asked of datasette in
tests/hosts/test_hosts.sh. It stands in for mqlite's own datasette plugin,
which is packaged elsewhere; datasette loads mqlite itself (--load-extension)
before it calls this hook.
"""
import os

from datasette import hookimpl

VIEWS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "schema", "views.sql")


@hookimpl
def prepare_connection(conn, database):
    # datasette's own databases (_internal, _memory) are not mqlite's, and
    # _internal's readers are query_only: a TEMP view there is refused
    if database.startswith("_"):
        return
    with open(VIEWS, encoding="utf-8") as f:
        conn.executescript(f.read())
