"""test_readme.py — mqlite from Python's sqlite3 module, the way datasette and
notebooks load it: every example of the README (taken from it by
tests/readme-sql.awk), on the database `scripts/mqlite init --samples` makes,
must print exactly what the README shows as the sqlite3 shell prints it (no
readfile(): no example reads a file), and the views must answer on a
generated CRM with PRAGMA trusted_schema=OFF: the TEMP views of
schema/views.sql (none is stored).

Run with Debian's /usr/bin/python3, whose sqlite3 can load extensions:
    MQLITE_EXT=build/mqlite.so /usr/bin/python3 tests/python/test_readme.py
"""
import os
import re
import sqlite3
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = os.environ.get("MQLITE_EXT", os.path.join(ROOT, "build", "mqlite.so"))
MQGEN = os.environ.get("MQGEN", os.path.join(ROOT, "build", "mqgen"))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def connect(path=":memory:"):
    db = sqlite3.connect(path)
    db.enable_load_extension(True)
    db.load_extension(EXT)
    db.enable_load_extension(False)
    return db


def shell_text(v):
    """A value as the sqlite3 shell prints it in list mode."""
    if v is None:
        return ""
    if isinstance(v, float):
        s = "%.15g" % v
        if not re.search(r"[.eEn]", s):      # the shell writes 70.0, not 70
            s += ".0"
        return s
    return str(v)


def readme(want):
    """The README's SQL examples (want="sql") or their output ("expected")."""
    return subprocess.run(["awk", "-v", "want=" + want, "-f", "tests/readme-sql.awk", "README.md"],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout


def statements(text):
    """The statements and dot-commands of a shell script, in order."""
    buf = ""
    for line in text.splitlines(keepends=True):
        if not buf and line.startswith("--"):
            continue
        if not buf and line.startswith("."):
            yield line.strip()
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""


class ReadmeExamples(unittest.TestCase):
    maxDiff = None

    def test_every_example_prints_what_the_shell_prints(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "crm.db")
            subprocess.run([os.path.join(ROOT, "scripts", "mqlite"), "init", path, "--samples"], check=True,
                           cwd=ROOT, env=dict(os.environ, MQLITE_EXT=EXT), stdout=subprocess.DEVNULL)
            db = connect(path)
            try:
                self.run_examples(db)
            finally:
                db.close()

    def run_examples(self, db):
        got = []
        for st in statements(readme("sql")):
            if st.startswith(".read "):
                db.executescript(read(st.split(None, 1)[1]))
                continue
            if st.startswith(".print "):
                got.append(re.sub(r'\\(.)', r'\1', st[len('.print "'):-1]))
                continue
            try:
                for row in db.execute(st):
                    got.append("|".join(shell_text(v) for v in row))
            except sqlite3.Error as e:
                got.append("error: " + str(e))
        want = []
        for line in readme("expected").splitlines():
            m = re.match(r"(?:Runtime|Parse) error: (.*?)(?: \(\d+\))?$", line)
            want.append("error: " + m.group(1) if m else line)
        self.assertEqual(want, got)

    def test_errors_are_python_exceptions_with_the_message(self):
        db = connect()
        db.executescript(read("schema/mqlite.sql"))
        with self.assertRaisesRegex(sqlite3.OperationalError, r"^lead_score: no rule named 'nope' in mqlite_rules$"):
            db.execute("SELECT lead_score('nope', '{}')").fetchall()
        with self.assertRaisesRegex(sqlite3.OperationalError, r"^conversion_rate: argument 1 expected"):
            db.execute("SELECT conversion_rate('many', 10)").fetchall()
        self.assertEqual(db.execute("SELECT conversion_rate(NULL, 10), wilson_lower(0, 0)").fetchone(), (None, None))
        # the connection goes on working
        self.assertEqual(db.execute("SELECT round(wilson_upper(40, 100), 4)").fetchone(), (0.498,))


class BrowsingTheViews(unittest.TestCase):
    """What datasette shows: every view of a generated CRM, read-only, with
    trusted_schema=OFF (datasette's own default for databases it did not make)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "crm.db")
        subprocess.run([MQGEN, "--leads", "500", "--seed", "9", "--db", cls.path], check=True,
                       stderr=subprocess.DEVNULL, cwd=ROOT)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_views_answer_read_only(self):
        db = sqlite3.connect("file:%s?mode=ro" % self.path, uri=True)
        db.enable_load_extension(True)
        db.load_extension(EXT)
        db.execute("PRAGMA trusted_schema = OFF")
        stored = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")]
        self.assertEqual(stored, [])
        # the report views: TEMP, made on this read-only connection, twice (idempotent)
        db.executescript(read("schema/views.sql"))
        db.executescript(read("schema/views.sql"))
        temp = [r[0] for r in db.execute("SELECT name FROM temp.sqlite_master WHERE type = 'view' ORDER BY name")]
        self.assertEqual(temp, ["campaign_report", "funnel_by_source", "lead_current_stage", "mql_to_sql_by_month",
                                "speed_to_lead_by_owner"])
        for v in stored + temp:
            cur = db.execute('SELECT * FROM "%s" LIMIT 5' % v)
            self.assertTrue(cur.fetchall(), v + " is empty")
        cols = [d[0] for d in db.execute("SELECT * FROM lead_current_stage LIMIT 1").description]
        self.assertEqual(cols, ["lead_id", "email", "company", "source", "campaign", "owner", "stage", "entered_at",
                                "rule", "score", "grade", "explanation", "scored_at"])
        leads, = db.execute("SELECT count(*) FROM lead_current_stage").fetchone()
        self.assertEqual(leads, 500)
        top, = db.execute("SELECT reached FROM funnel() WHERE stage = 'target'").fetchone()
        self.assertEqual(top, 500)


if __name__ == "__main__":
    unittest.main(verbosity=1)
