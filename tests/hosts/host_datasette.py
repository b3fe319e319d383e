"""host_datasette.py — the README's examples through datasette's JSON API:
each SELECT (or WITH) is asked of a running datasette as
GET /DB.json?sql=...&_shape=arrays (arrays: the columns keep their order and
their duplicates); datasette runs only reads, so each write (INSERT, UPDATE,
DELETE, CREATE, DROP) goes through a side connection of Debian's python3 with
mqlite loaded, to the same file, committed before the next read. Prints each
case's id and rows in the one rendering of tests/hosts/hostlib.py.

    /usr/bin/python3 tests/hosts/host_datasette.py BASE_URL DBNAME DB EXT README_SQL

`.read schema/views.sql` is datasette's to do: test_hosts.sh starts it with
the test plugin tests/hosts/datasette_plugins/, which makes the TEMP views in
each of datasette's connections; here the step is a no-op.
"""
import json
import os
import re
import sqlite3
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402

READ = re.compile(r"^\s*(SELECT|WITH|VALUES)\b", re.I)


def ask(base, dbname, sql):
    url = "%s/%s.json?%s" % (base, dbname, urllib.parse.urlencode({"sql": sql, "_shape": "arrays"}))
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    if body.get("ok") is False or body.get("error"):
        return ["error: " + body["error"]]
    return [hostlib.row(r) for r in body["rows"]]


def main():
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    base, dbname, path, ext, sqlfile = sys.argv[1:]
    side = sqlite3.connect(path, isolation_level=None)
    side.enable_load_extension(True)
    side.load_extension(ext)
    side.enable_load_extension(False)
    for st in hostlib.load_steps(sqlfile):
        if "print" in st:
            print(st["print"])
        elif "read" in st:
            if st["read"] != "schema/views.sql":
                raise SystemExit("host_datasette: cannot .read " + st["read"])
        elif READ.match(st["sql"]):
            for line in ask(base, dbname, st["sql"]):
                print(line)
        else:
            hostlib.run(side.execute, st["sql"])
        sys.stdout.flush()
    side.close()


if __name__ == "__main__":
    main()
