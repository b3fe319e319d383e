"""hostlib.py — what the Python drivers of tests/hosts/test_hosts.sh share: the
README's examples as a list of steps, and the one rendering of a value.

Steps (tests/readme-sql.awk's SQL, cut with sqlite3.complete_statement):
    {"print": ID}   the id of a case, printed as it is
    {"read": PATH}  a `.read` of a file of this repository (schema/views.sql):
                    the host runs the file's statements itself, since no SQL
                    function of mqlite reads files
    {"sql": TEXT}   one statement

`python3 hostlib.py steps README_SQL` prints them as JSON for the Node driver,
so every host runs exactly the same cut of the same statements.

Rendering, applied by every driver to each field of a row (tests/hosts/canon.awk
then treats every host's output, and the README's, the same way): NULL is
empty, an INTEGER its decimal digits, a REAL printf's %.15g (what the sqlite3
shell prints, without the ".0" it adds), TEXT as it is; fields joined by "|".
An error is one line "error: MESSAGE", MESSAGE being SQLite's own text.
"""
import json
import re
import sqlite3
import sys


def steps(text):
    """The steps of the README's SQL (the shell's script), in order."""
    out, buf = [], ""
    for line in text.splitlines(keepends=True):
        if not buf and line.startswith("--"):
            continue
        if not buf and line.startswith(".print "):
            out.append({"print": re.sub(r'\\(.)', r'\1', line.strip()[len('.print "'):-1])})
            continue
        if not buf and line.startswith(".read "):
            out.append({"read": line.split(None, 1)[1].strip()})
            continue
        if not buf and line.startswith("."):
            raise ValueError("a dot-command the hosts cannot run: " + line.strip())
        if not buf and not line.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append({"sql": buf.strip()})
            buf = ""
    if buf.strip():
        raise ValueError("an unfinished statement: " + buf.strip())
    return out


def field(v):
    """One value, rendered the one way (see above)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "%.15g" % v
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def row(values):
    return "|".join(field(v) for v in values)


def run(execute, sql):
    """Prints the rows of one statement, or its error, in the one rendering;
    execute is the host's (sqlite3's Connection.execute, sqlite-utils'
    Database.execute)."""
    try:
        for r in execute(sql).fetchall():
            print(row(r))
    except sqlite3.Error as e:
        print("error: " + str(e))


def load_steps(path):
    with open(path, encoding="utf-8") as f:
        return steps(f.read())


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "steps":
        sys.exit("usage: hostlib.py steps README_SQL")
    json.dump(load_steps(sys.argv[2]), sys.stdout)
