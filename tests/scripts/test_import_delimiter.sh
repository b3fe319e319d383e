#!/bin/sh
# test_import_delimiter.sh — CSV files separated by ';', tabs or '|' (issue
# 13): --delimiter, the separator detected from the first line, the errors
# that name the separator a file looks like, option values that are not a
# separator, and what the reader hands to the staging table (control bytes
# 0x1E/0x1F, the FIFO it leaves nowhere). Each case asserts exact errors and
# what is in the database; the counts line of a good import is another
# test's (it is the sync's wording), so success is asserted by exit status
# and rows.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
skip_under_valgrind import_delimiter
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
M=scripts/mqlite
fail=0
$M init "$tmp/empty.db" >/dev/null

# fresh NAME: a new database $tmp/NAME.db
fresh() { cp "$tmp/empty.db" "$tmp/$1.db"; }
T=import_delimiter
q() { sqlite3 "$tmp/$1.db" "$2"; }
# leads DB: the leads of $tmp/DB.db, one a line: external_id|created_at|attrs
leads() { q "$1" "SELECT external_id, created_at, attrs FROM leads ORDER BY external_id"; }

# ---- ';': a piece shaped like the UCI bank-marketing export ------------------
# every text quoted, numbers not; a decimal comma (29,5) is text, not a split
printf '%s\n' 'external_id;created_at;"age";"job";"marital";"education";"default";"balance";"housing";"loan";"y"' \
    'B1;2025-05-05;58;"management";"married";"tertiary";"no";2143;"yes";"no";"no"' \
    'B2;2025-05-05;44;"technician";"single";"secondary";"no";29,5;"yes";"no";"no"' \
    'B3;2025-05-06;33;"entre;preneur";"married";"secondary";"no";2;"yes";"yes";"yes"' >"$tmp/bank.csv"
fresh semi
run_err semi-detected $M import "$tmp/semi.db" leads "$tmp/bank.csv"
expect semi-detected <<'EOF'
[exit 0]
EOF
same semi-rows "$(q semi "SELECT group_concat(external_id || ':' || json_extract(attrs, '$.age') || ':' || json_extract(attrs, '$.job')
    || ':' || json_extract(attrs, '$.balance') || ':' || json_type(attrs, '$.balance'), ' ') FROM (SELECT * FROM leads ORDER BY external_id)")" \
    "B1:58:management:2143:integer B2:44:technician:29,5:text B3:33:entre;preneur:2:integer"
same semi-keys "$(q semi "SELECT group_concat(key, ',') FROM leads, json_each(attrs) WHERE external_id = 'B1'")" \
    "age,job,marital,education,default,balance,housing,loan,y"
fresh semi2
run_err semi-given $M import "$tmp/semi2.db" leads "$tmp/bank.csv" --delimiter ';'
expect semi-given <<'EOF'
[exit 0]
EOF
same semi-given-rows "$(leads semi2)" "$(leads semi)"

# the same file read with the wrong separator: the error names the one it looks like
fresh wrong
run_err semi-as-comma $M import "$tmp/wrong.db" leads "$tmp/bank.csv" --delimiter ,
expect semi-as-comma <<'EOF'
mqlite import: TMP/bank.csv: its first line looks separated by ';' (10 outside quotes), not by ','; give --delimiter ';', or leave --delimiter out to detect it
[exit 1]
EOF
run_err semi-as-tab $M import "$tmp/wrong.db" leads "$tmp/bank.csv" --delimiter tab
expect semi-as-tab <<'EOF'
mqlite import: TMP/bank.csv: its first line looks separated by ';' (10 outside quotes), not by tabs; give --delimiter ';', or leave --delimiter out to detect it
[exit 1]
EOF
printf 'external_id,created_at,note\nX1,2025-01-01,a;b\n' >"$tmp/comma.csv"
run_err comma-as-pipe $M import "$tmp/wrong.db" leads "$tmp/comma.csv" --delimiter '|'
expect comma-as-pipe <<'EOF'
mqlite import: TMP/comma.csv: its first line looks separated by ',' (2 outside quotes), not by '|'; give --delimiter ',', or leave --delimiter out to detect it
[exit 1]
EOF
same wrong-rows "$(q wrong "SELECT count(*) FROM leads")" 0

# ---- tabs: --delimiter tab, a tab character, '\t', or detected -----------------
# quoted fields with a tab, a comma, "" and a line end inside
printf 'external_id\tcreated_at\tnote\tWeb Visits\nT1\t2025-01-01\t"tab\tin, ""quoted"""\t7\nT2\t2025-01-02\t"two\nlines"\t\nT3\t2025-01-03\t5" screen\t8\n' >"$tmp/tab.csv"
for how in tab "$(printf '\t')" '\t' detected; do
    fresh tab
    if [ "$how" = detected ]; then run_err tab $M import "$tmp/tab.db" leads "$tmp/tab.csv"
    else run_err tab $M import "$tmp/tab.db" leads "$tmp/tab.csv" --delimiter "$how"; fi
    expect tab <<'EOF'
[exit 0]
EOF
    same "tab-values ($how)" "$(q tab "SELECT group_concat(external_id || '=' || coalesce(json_extract(attrs, '$.note'), 'NULL') || '/' || coalesce(json_extract(attrs, '$.web_visits'), 'NULL'), '|')
        FROM (SELECT * FROM leads ORDER BY external_id)")" "T1=tab	in, \"quoted\"/7|T2=two
lines/NULL|T3=5\" screen/8"
done

# ---- '|': CRLF line ends, a quoted header name that holds '|', bad rows ---------
printf 'external_id|created_at|note|"Web|Visits"\r\nP1|2025-01-01|"a|b"|3\r\nP2|2025-01-02|"say ""hi"" | ok"|\r\nP3|2025-01-03|x|4|5\r\nP4|2025-01-04|"two\r\nlines"|9\r\nP5|2025-01-05|"x"y|6\r\n' >"$tmp/pipe.csv"
fresh pipe
run_err pipe $M import "$tmp/pipe.db" leads "$tmp/pipe.csv" --skip-bad
grep "^TMP/" "$tmp/pipe.got" >"$tmp/pipe.bad" || true
mv "$tmp/pipe.bad" "$tmp/pipe.got"
expect pipe <<'EOF'
TMP/pipe.csv:4: expected 4 columns but found 5
TMP/pipe.csv:7: unterminated "-quoted field
EOF
same pipe-values "$(q pipe "SELECT group_concat(external_id || '=' || coalesce(replace(json_extract(attrs, '$.note'), char(13), 'CR'), 'NULL') || '/'
        || coalesce(json_extract(attrs, '$.web_visits'), 'NULL'), '|') FROM (SELECT * FROM leads ORDER BY external_id)")" \
    'P1=a|b/3|P2=say "hi" | ok/NULL|P4=twoCR
lines/9'

# ---- detection ---------------------------------------------------------------
# separators inside quotes do not count; a BOM and blank lines before the
# header are not the first line; a tie, or no candidate, is ','
printf '"ext;ernal;id",created_at,"a;b"\nQ1,2025-01-01,x\n' >"$tmp/quoted-semi.csv"
fresh det
run_err det-quoted-semi $M import "$tmp/det.db" leads "$tmp/quoted-semi.csv" --map 'external_id=ext;ernal;id'
expect det-quoted-semi <<'EOF'
[exit 0]
EOF
same det-quoted-semi-row "$(leads det)" 'Q1|2025-01-01 00:00:00|{"a_b":"x"}'
printf '\357\273\277\n\nexternal_id|created_at|"a,b,c"\nQ2|2025-01-02|y\n' >"$tmp/bom-pipe.csv"
fresh det
run_err det-bom-pipe $M import "$tmp/det.db" leads "$tmp/bom-pipe.csv"
expect det-bom-pipe <<'EOF'
[exit 0]
EOF
same det-bom-pipe-row "$(leads det)" 'Q2|2025-01-02 00:00:00|{"a_b_c":"y"}'
printf 'external_id;created_at;note,x\nQ3;2025-01-03;n,1\n' >"$tmp/more-semi.csv"
fresh det
run_err det-more-semi $M import "$tmp/det.db" leads "$tmp/more-semi.csv"
expect det-more-semi <<'EOF'
[exit 0]
EOF
same det-more-semi-row "$(leads det)" 'Q3|2025-01-03 00:00:00|{"note_x":"n,1"}'
# a tie for the most: read as ','; one column that holds both is an error
printf 'external_id;created_at|x\n' >"$tmp/tie.csv"
run_err det-tie $M import "$tmp/det.db" leads "$tmp/tie.csv"
expect det-tie <<'EOF'
mqlite import: TMP/tie.csv: its first line looks separated by ';' or by '|' (1 of each outside quotes), not by ','; give --delimiter ';' or --delimiter '|'
[exit 1]
EOF
# a whole line in quotes: its separators separate nothing
printf '"external_id;created_at;note"\n"L1;2025-01-01;x"\n' >"$tmp/whole.csv"
run_err det-whole-line $M import "$tmp/det.db" leads "$tmp/whole.csv"
expect det-whole-line <<'EOF'
mqlite import: TMP/whole.csv: its first line is one column, whose 2 ';' are inside quotes, where they separate nothing: is the whole line quoted?
[exit 1]
EOF
run_err det-whole-line-given $M import "$tmp/det.db" leads "$tmp/whole.csv" --delimiter ';'
expect det-whole-line-given <<'EOF'
mqlite import: TMP/whole.csv: its first line is one column, whose 2 ';' are inside quotes, where they separate nothing: is the whole line quoted?
[exit 1]
EOF
same det-rows "$(q det "SELECT count(*) FROM leads")" 1

# ---- option values that are not a separator: usage errors --------------------
for v in '"' x '' ';;' ', ' comma; do
    run_err "opt-$v" $M import "$tmp/det.db" leads "$tmp/comma.csv" --delimiter "$v"
    expect "opt-$v" <<EOF
mqlite import: --delimiter expects ',', ';', '|' or tab, found '$v'
(see mqlite import --help)
[exit 2]
EOF
done
run_err opt-missing $M import "$tmp/det.db" leads "$tmp/comma.csv" --delimiter
expect opt-missing <<'EOF'
mqlite import: --delimiter needs a value
(see mqlite import --help)
[exit 2]
EOF

# ---- what the reader stages --------------------------------------------------
# 0x1F and 0x1E separate the reader's fields and rows: a record that holds
# one is a bad row (named by its first line), never one with shifted fields
printf 'external_id,created_at,note\nC1,2025-01-01,a\037b\nC2,2025-01-02,"x\ny\036"\nC3,2025-01-03,ok\n' >"$tmp/ctl.csv"
fresh ctl
run_err ctl $M import "$tmp/ctl.db" leads "$tmp/ctl.csv" --skip-bad
grep "^TMP/" "$tmp/ctl.got" >"$tmp/ctl.bad" || true
mv "$tmp/ctl.bad" "$tmp/ctl.got"
expect ctl <<'EOF'
TMP/ctl.csv:2: a field holds the control character 0x1F, which mqlite import does not read
TMP/ctl.csv:3: a field holds the control character 0x1E, which mqlite import does not read
EOF
same ctl-rows "$(leads ctl)" 'C3|2025-01-03 00:00:00|{"note":"ok"}'

# the rows pass through a FIFO in a directory of the run's own: nothing is
# left in TMPDIR after a run, after one that stops before sqlite3 opens the
# FIFO (not a database), and no reader is left waiting on it
mkdir "$tmp/tmpdir"
run_err fifo-ok env TMPDIR="$tmp/tmpdir" $M import "$tmp/ctl.db" leads "$tmp/comma.csv" --delimiter ,
expect fifo-ok <<'EOF'
[exit 0]
EOF
echo "not a database" >"$tmp/junk.db"
mkdir "$tmp/early"
mq=$(pwd)/$M
(cd "$tmp/early" && run_err fifo-early env TMPDIR="$tmp/tmpdir" "$mq" import ../junk.db leads ../comma.csv)
expect fifo-early <<'EOF'
mqlite import: file is not a database
[exit 1]
EOF
same fifo-left "$(find "$tmp/tmpdir" -mindepth 1 \( -type d -o -type p -o -size +0 \) | sed "s|$tmp|TMP|")" ""
# (a reader waiting to open the FIFO holds no descriptor of it: find it by
# the directory it runs in)
# shellcheck disable=SC2010 # the link targets are what is wanted, and ls -l shows them
same fifo-reader-left "$(ls -l /proc/[0-9]*/cwd 2>/dev/null | grep -cF "$tmp/early" || true)" 0
# a TMPDIR whose relative name starts with '|' and holds a quote names the
# FIFO for .import, never a command
mkdir "$tmp/w" "$tmp/w/|t \"q"
fresh odd
(cd "$tmp/w" && TMPDIR='|t "q' "$mq" import ../odd.db leads ../comma.csv >/dev/null 2>"$tmp/odd.err") ||
    { echo "FAIL import_delimiter/odd-tmpdir: $(cat "$tmp/odd.err")"; fail=1; }
same odd-tmpdir-rows "$(leads odd)" 'X1|2025-01-01 00:00:00|{"note":"a;b"}'
same odd-tmpdir-left "$(ls -A "$tmp/w/|t \"q")" ""
same odd-tmpdir-pwned "$(ls "$tmp/w")" '|t "q'

[ "$fail" = 0 ]
