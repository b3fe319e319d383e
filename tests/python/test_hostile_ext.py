"""test_hostile_ext.py — issue 11, items 4, 14 and 15 from Python's sqlite3
module: a view that calls mqlite back raises sqlite3.Error (the process does
not die of SIGSEGV), a lead whose attrs are not JSON is named in the error,
and an error text cut near a multi-byte character still decodes, so that
`except sqlite3.Error` catches it (a UnicodeDecodeError would escape it).

Run with Debian's /usr/bin/python3, whose sqlite3 can load extensions:
    MQLITE_EXT=build/mqlite.so /usr/bin/python3 tests/python/test_hostile_ext.py
"""
import os
import sqlite3
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = os.environ.get("MQLITE_EXT", os.path.join(ROOT, "build", "mqlite.so"))


def connect():
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(EXT)
    db.enable_load_extension(False)
    with open(os.path.join(ROOT, "schema", "mqlite.sql"), encoding="utf-8") as f:
        db.executescript(f.read())
    db.execute("PRAGMA trusted_schema=OFF")
    return db


# Run in a child: before the guard this killed the interpreter with SIGSEGV.
RECURSE = r"""
import sys
sys.path.insert(0, %r)
from test_hostile_ext import connect
import sqlite3
db = connect()
db.executescript('''DROP TABLE mqlite_stage_aliases; DROP TABLE mqlite_stages;
CREATE VIEW mqlite_stages(name, rank, kind, terminal, on_path) AS SELECT 'MQL', stage_rank('MQL'), 'marketing', 0, 1;''')
try:
    db.execute("SELECT stage_rank('MQL')").fetchall()
    print("no error")
except sqlite3.Error as e:
    print("sqlite3.Error:", e)
"""


class Hostile(unittest.TestCase):
    def error_of(self, db, sql, *args):
        try:
            db.execute(sql, args).fetchall()
        except sqlite3.Error as e:       # the point of item 15: this catches it
            return str(e)
        self.fail("no error from " + sql)

    def test_4_view_calls_back(self):
        p = subprocess.run([sys.executable, "-c", RECURSE % os.path.dirname(os.path.abspath(__file__))],
                           capture_output=True, text=True, timeout=60, env=dict(os.environ, MQLITE_EXT=EXT))
        self.assertEqual(p.returncode, 0, "child died: %d %s" % (p.returncode, p.stderr[-500:]))
        self.assertEqual(p.stdout.strip(), "sqlite3.Error: stage_rank: cannot read mqlite_stages: "
                         "stage_rank: mqlite_stages may not call mqlite functions (re-entered)")

    def test_14_bad_attrs_named(self):
        db = connect()
        db.executescript("""
            INSERT INTO leads(id, external_id, created_at, attrs) VALUES
              (1, 'crm-1', '2025-01-01', '{"plan": "pro"}'), (2, 'crm-2', '2025-01-01', '{bad}');
            INSERT INTO mqlite_rules(name, source) VALUES ('r', 'fit("plan", 10, { plan = "pro" })');""")
        self.assertEqual(self.error_of(db, "SELECT * FROM score_leads('r')"),
                         "score_leads: lead 2 (external_id 'crm-2'): attrs is not valid JSON (line 1, column 4: "
                         "string or '}' expected near 'bad'); correct it or set it to NULL")

    def test_15_cut_between_characters(self):
        db = connect()
        text = "x" * 59 + "é"          # "%.60s" cut the é in half
        self.assertEqual(self.error_of(db, "SELECT stage_rank(?)", text),
                         "stage_rank: unknown stage '" + "x" * 57 + "…'; known stages are target, IQL, nurture, "
                         "MQL, PQL, SQL, disqualified, meeting, proposal, won, lost (add others to mqlite_stages "
                         "or mqlite_stage_aliases)")
        for sql in ("SELECT mqlite_limit(?)", "SELECT email_benchmark(?, 0.5)", "SELECT wilson_lower(?, 10)",
                    "SELECT * FROM cohort_conversion(?, 'SQL')", "SELECT * FROM funnel(?)"):
            for t in ("x" * n + "€" for n in range(30, 64)):
                msg = self.error_of(db, sql, t)
                self.assertTrue(msg.endswith("…'") or "…'" in msg or t in msg, msg)
        # text that is not UTF-8 at all (SQLite stores what it is given)
        self.assertEqual(self.error_of(db, "SELECT stage_name(CAST(X'6162FF63' AS TEXT))")[:32],
                         "stage_name: unknown stage 'ab?c'")


if __name__ == "__main__":
    unittest.main()
