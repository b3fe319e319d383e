"""mqlite.datasette_plugin — mqlite in datasette: every connection datasette
opens gets the extension (and the TEMP views of schema/views.sql, which the
charts read), and each mqlite database gets a page at /DB/-/mqlite with the
funnel, MQL -> SQL by month, the campaigns and speed to lead, drawn as
mqlite report draws them.

The page runs charts.sql, which make wheel writes from scripts/mqlite-charts.sh:
the very SQL text of the report, its values bound as parameters, so the two
cannot draw different charts. The SQL escapes every text from the database;
this file escapes what it adds (the database's name, an error).

Installed with the wheel, datasette finds this module by its entry point
(entry_points.txt: [datasette] mqlite = mqlite.datasette_plugin).
"""
import html
import os
import sqlite3
import sys

from datasette import hookimpl
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

import mqlite

HERE = os.path.dirname(os.path.abspath(__file__))


def _read(name):
    """A text file make wheel ships beside this module. Every wheel has each of
    them (the charts read temp.campaign_report, a view of views.sql), so one
    that lacks a file is broken, and says which file at once rather than on
    the first page."""
    path = os.path.join(HERE, name)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise ImportError(f"mqlite.datasette_plugin: {path} is missing: this wheel is incomplete "
                          "(make wheel writes it)") from None


def _statements(text):
    """The statements of an SQL text, whole: a line is added until SQLite says
    the statement is complete, so a ';' inside a string literal ends nothing."""
    out, cur = [], ""
    for line in text.splitlines(keepends=True):
        if not cur and (not line.strip() or line.lstrip().startswith("--")):
            continue
        cur += line
        if sqlite3.complete_statement(cur):
            out.append(cur)
            cur = ""
    if cur.strip():
        raise ValueError("charts.sql ends inside a statement")
    return out


CHARTS = _statements(_read("charts.sql"))
# the tables charts.sql reads (through mqlite's functions)
TABLES_READ = ("leads", "events", "stage_history", "campaigns", "deals")
STYLE = _read("charts.css")
VIEWS = _read("views.sql")


def _is_mqlite_db(conn):
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leads'").fetchone() is not None


@hookimpl
def prepare_connection(conn, database, datasette):
    # Already there when datasette was also given --load-extension mqlite:
    # a second copy of the library would register every function again.
    try:
        conn.execute("SELECT mqlite_version()")
    except sqlite3.OperationalError:
        mqlite.load(conn)
    # The views that call mqlite's functions are temp views (schema/views.sql),
    # made per connection; only a database with mqlite's tables can have them.
    # A failure is said once per connection, and datasette goes on without them.
    if _is_mqlite_db(conn):
        try:
            conn.executescript(VIEWS)
        except sqlite3.Error as e:
            print(f"mqlite: the views of views.sql were not made in {database}: {e}", file=sys.stderr)


def _page(conn, params, limit_ms):
    """The page's sections, run on datasette's connection under its time
    limit. The temp tables are made inside a savepoint that is rolled back,
    so the connection is left as it was found."""
    parts = []
    conn.execute("SAVEPOINT mqlite_page")
    try:
        with sqlite_timelimit(conn, limit_ms):
            for sql in CHARTS:
                for row in conn.execute(sql, params):
                    if row[0] is not None:
                        parts.append(str(row[0]))
    finally:
        if conn.in_transaction:   # an interrupt may have rolled it back already
            conn.execute("ROLLBACK TO mqlite_page")
            conn.execute("RELEASE mqlite_page")
    return "\n".join(parts)


def _html(title, body, status=200):
    return Response.html(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{STYLE}</style></head><body><main>\n"
        f"{body}\n</main></body></html>\n", status=status)


def _not_found(what):
    return _html("Not found", f'<h1>Not found</h1><p class="empty">{html.escape(what)}</p>', status=404)


async def funnel_page(datasette, request):
    route = request.url_vars["database"]
    try:
        db = datasette.get_database(route=route)
    except KeyError:
        return _not_found(f"There is no database {route!r}.")
    await datasette.ensure_permissions(request.actor, [("view-database", db.name), "view-instance"])
    if db.name == "_internal" or not await db.execute_fn(_is_mqlite_db):
        return _not_found(f"{db.name!r} has no mqlite tables (see mqlite init).")
    # The page shows what these tables hold, summed: an actor who may not see
    # one of them may not see the page (each is asked alone, as datasette asks
    # for a table's own page).
    for table in TABLES_READ:
        if not await datasette.permission_allowed(request.actor, "view-table", (db.name, table), default=True):
            return _html("Forbidden", f'<h1>Forbidden</h1><p class="empty">You may not view the table '
                         f"{html.escape(table)} of {html.escape(db.name)}, which this page sums.</p>", status=403)
    # The page's options are bound, never pasted: a value SQLite cannot read
    # as a date is an error the page shows.
    params = {
        "from": request.args.get("from") or None,
        "to": request.args.get("to") or None,
        "as_of": request.args.get("as_of") or None,
        "touch": request.args.get("touch") or "sales_contact",
        "sla": 24,
    }
    title = f"{db.name} · mqlite funnel"
    head = (f'<h1 id="title">{html.escape(title)}</h1>\n<p class="sub">'
            f'<a href="{html.escape(datasette.urls.database(db.name))}">{html.escape(db.name)}</a>'
            f' · as of {html.escape(params["as_of"] or "now")}</p>')
    limit = datasette.setting("sql_time_limit_ms")
    try:
        body = await db.execute_fn(lambda conn: _page(conn, params, limit))
    except sqlite3.OperationalError as e:
        if e.args == ("interrupted",):   # SQLite's interrupt: the time limit
            return _html(title, head + '<p class="warn">The page took too long: datasette stops a query after '
                         f"{int(limit)} ms (the sql_time_limit_ms setting).</p>", status=400)
        return _html(title, head + f'<p class="warn">{html.escape(str(e))}</p>', status=400)
    except sqlite3.Error as e:
        return _html(title, head + f'<p class="warn">{html.escape(str(e))}</p>', status=400)
    return _html(title, head + "\n" + body)


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/-/mqlite$", funnel_page)]
