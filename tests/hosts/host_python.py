"""host_python.py — the README's examples through a Python host: Python's own
sqlite3 module, or sqlite-utils' Database (the library under its CLI), each
loading mqlite the way its users do. Prints each case's id and rows in the one
rendering of tests/hosts/hostlib.py, for tests/hosts/test_hosts.sh to compare.

    /usr/bin/python3 tests/hosts/host_python.py sqlite3|sqlite-utils DB EXT README_SQL
"""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402


def connect(kind, path, ext):
    if kind == "sqlite3":
        conn = sqlite3.connect(path)
        conn.enable_load_extension(True)
        conn.load_extension(ext)
        conn.enable_load_extension(False)
        return conn
    if kind == "sqlite-utils":
        import sqlite_utils
        db = sqlite_utils.Database(path)
        # sqlite-utils' own way to load an extension (its CLI's --load-extension)
        db.conn.enable_load_extension(True)
        db.conn.load_extension(ext)
        db.conn.enable_load_extension(False)
        return db
    raise SystemExit("host_python: which host? sqlite3 or sqlite-utils, found " + kind)


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    kind, path, ext, sqlfile = sys.argv[1:]
    db = connect(kind, path, ext)
    for st in hostlib.load_steps(sqlfile):
        if "print" in st:
            print(st["print"])
        elif "read" in st:
            with open(st["read"], encoding="utf-8") as f:
                db.executescript(f.read())
        else:
            hostlib.run(db.execute, st["sql"])
        sys.stdout.flush()
    if kind == "sqlite3":
        db.commit()


if __name__ == "__main__":
    main()
