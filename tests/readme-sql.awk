# readme-sql.awk — the examples of the README's "A first score" and "SQL
# reference", taken from the README itself so that the documentation is what
# the tests run (tests/run-sql.sh, tests/python/test_readme.py and every host
# of tests/hosts/test_hosts.sh).
#
#   awk -v want=sql      -f tests/readme-sql.awk README.md   # the SQL to run
#   awk -v want=expected -f tests/readme-sql.awk README.md   # what it prints
#
# In a ```sql block of those sections, a line "-- TEXT" is output that the
# statements before it print (TEXT alone, as the shell's list mode shows it),
# and "STATEMENT;   -- TEXT" is a statement with its one line of output; a
# "-- TEXT" line first in a block or after a blank line is a comment. Each
# group of statements and the output after it is one case, with an id made of
# the subsection and a number ("[Scoring 3]"), printed by .print before it runs
# and written before its output, so a failure names the example.
# The examples assume a database made by `scripts/mqlite init DB --samples`
# (the schema and the sample rules b2b and bant), which the runner makes: no
# example reads a file, so each runs the same in every host (the shell,
# Python, sqlite-utils, Node, datasette). "A first score" is taken too, as
# one subsection of that name.
/^## / {
    insec = ($0 == "## SQL reference" || $0 == "## A first score")
    if ($0 == "## A first score") { sub_ = "A first score"; n = 0 }
    next
}
!insec { next }
/^### / { sub_ = substr($0, 5); n = 0; next }
/^```sql[ \t]*$/ { inblock = 1; buf = ""; comment = 1; next }
/^```/ && inblock { flush(); inblock = 0; next }
!inblock { next }
/^[ \t]*$/ { comment = 1; next }
/^-- / && comment { next }
{ comment = 0 }
/^-- / { output(substr($0, 4)); next }
/;[ \t]+-- / {
    i = match($0, /;[ \t]+-- /)
    buf = buf substr($0, 1, i) "\n"
    output(substr($0, i + RLENGTH))
    next
}
{ buf = buf $0 "\n"; pending = 1 }

# The first output line after statements opens a case.
function output(text) {
    if (pending || buf != "") {
        n++
        id = "[" sub_ " " n "]"
        if (want == "sql") printf ".print \"%s\"\n%s", id, buf
        else print id
        buf = ""
        pending = 0
    }
    if (want == "expected") print text
}

# Statements at the end of a block with no output still run.
function flush() {
    if (want == "sql" && buf != "") printf "%s", buf
    buf = ""
    pending = 0
}
