#!/bin/sh
# test_accounts.sh — mqlite accounts on mqgen's 2,000 leads (seed 42): the
# README's example run as written, with its output; the exact counts (1,829
# company strings, 1,621 accounts); a rerun that writes nothing (lead_accounts
# byte for byte); a manual match kept and released; the next night's leads
# (a subdomain under a two-part suffix, free mail with a company, a bad
# address with a company, free mail without one, a quoted local part; a
# domain that adopts the account made from a name the night before); hostile names in the data and on
# the command line; usage errors; every format. Run from the repository root.
set -eu
# shellcheck source=tests/scripts/check.sh
. tests/scripts/check.sh
T=accounts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
M=scripts/mqlite
db=$tmp/abm.db

# ---- 1. the README's example, as written, prints what the README shows -----------------
awk '/^## Accounts$/ { f = 1 } f && /^```sh$/ { b = 1; next } b && /^```$/ { exit } b' README.md >"$tmp/ex.sh"
awk '/^## Accounts$/ { f = 1 } f && /^```text$/ { b = 1; next } b && /^```$/ { exit } b' README.md >"$tmp/ex.want"
[ "$(wc -l <"$tmp/ex.sh")" -ge 5 ] || bad "README: no example found"
# (run from the repository root, as the README's examples are; its file abm.db is the scratch directory's)
sed "s|abm\.db|$tmp/abm.db|g" "$tmp/ex.sh" >"$tmp/ex.run"
timeout 300 sh -e "$tmp/ex.run" >"$tmp/ex.got" 2>&1 || bad "README example failed: $(cat "$tmp/ex.got")"
diff -u "$tmp/ex.want" "$tmp/ex.got" || bad "README example: output differs"

q() { sqlite3 -batch "$db" "$@"; }
same strings "$(q 'SELECT count(DISTINCT company) FROM leads')" 1829
same accounts "$(q 'SELECT count(*) FROM accounts')" 1621
same reasons "$(q "SELECT group_concat(reason || '=' || n, ' ') FROM (SELECT reason, count(*) AS n FROM lead_accounts GROUP BY 1 ORDER BY 1)")" \
    "company name=498 domain=1485 manual=1"
same manual "$(q 'SELECT account_id, reason FROM lead_accounts WHERE lead_id = 9')" "574|manual"

# ---- 2. the nightly rerun writes nothing: lead_accounts and accounts byte for byte -----
q 'SELECT * FROM lead_accounts ORDER BY lead_id; SELECT * FROM accounts ORDER BY id' >"$tmp/before"
sleep 1                                   # (a rewrite would show in matched_at)
run rerun timeout 120 "$M" accounts "$db" match
expect rerun <<'EOF'
mqlite accounts: 1485 leads matched by domain, 498 by company name, 16 left alone (16 at free mail, 0 without an address; none with a company), 1 manual kept; 1621 accounts (0 new), 0 matches written
--
[exit 0]
EOF
q 'SELECT * FROM lead_accounts ORDER BY lead_id; SELECT * FROM accounts ORDER BY id' >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || bad "the rerun changed lead_accounts or accounts"

# ---- 3. release hands the lead back to the matcher ------------------------------------------
run release timeout 60 "$M" accounts "$db" release 9
run rematch timeout 120 "$M" accounts "$db" match
expect rematch <<'EOF'
mqlite accounts: 1485 leads matched by domain, 499 by company name, 16 left alone (16 at free mail, 0 without an address; none with a company), 0 manual kept; 1621 accounts (0 new), 1 matches written
--
[exit 0]
EOF
same released "$(q "SELECT a.name_key, la.reason FROM lead_accounts la JOIN accounts a ON a.id = la.account_id WHERE la.lead_id = 9")" \
    "fabzen|company name"
# by external_id, to a domain
run by-external timeout 60 "$M" accounts "$db" assign "$(q 'SELECT external_id FROM leads WHERE id = 9')" AXTOLT.COM
expect by-external <<'EOF'
mqlite accounts: lead L000009 is in account 45 (Axtolt), by hand
--
[exit 0]
EOF

# ---- 4. the next night: new leads, matched; nothing else moves ------------------------------
q 'SELECT * FROM lead_accounts ORDER BY lead_id' >"$tmp/before"
q <<'SQL'
INSERT INTO leads(id, created_at, email, company, title) VALUES
  (5001, '2026-04-02', 'kim@mail.sales.NewCo.co.uk', 'NewCo Ltd', 'CTO'),
  (5002, '2026-04-02', 'lee@gmail.com', 'The Newco Limited', 'Analyst'),
  (5003, '2026-04-02', 'x@', 'Zeta GmbH', 'Engineer'),
  (5004, '2026-04-02', 'pat@yahoo.co.uk', NULL, NULL),
  (5005, '2026-04-02', '"quoted@x"@www.quoted-co.com', '<b>Quoted</b> & "Co"', NULL);
SQL
run night2 timeout 120 "$M" accounts "$db" match
expect night2 <<'EOF'
mqlite accounts: 1487 leads matched by domain, 500 by company name, 17 left alone (17 at free mail, 0 without an address; none with a company), 1 manual kept; 1624 accounts (3 new), 4 matches written
--
[exit 0]
EOF
q "SELECT la.lead_id, a.name, quote(a.domain), a.name_key, la.reason FROM lead_accounts la JOIN accounts a ON a.id = la.account_id WHERE la.lead_id > 5000" >"$tmp/night2.got"
expect night2 <<'EOF'
5001|NewCo Ltd|'newco.co.uk'|newco|domain
5002|NewCo Ltd|'newco.co.uk'|newco|company name
5003|Zeta GmbH|NULL|zeta|company name
5005|<b>Quoted</b> & "Co"|'quoted-co.com'|b quoted b|domain
EOF
# the night after: a domain for Zeta, which the account made from its name adopts
q "INSERT INTO leads(id, created_at, email, company) VALUES (5006, '2026-04-03', 'al@zeta.io', 'ZETA')"
run night3 timeout 120 "$M" accounts "$db" match
expect night3 <<'EOF'
mqlite accounts: 1488 leads matched by domain, 500 by company name, 17 left alone (17 at free mail, 0 without an address; none with a company), 1 manual kept; 1624 accounts (0 new), 1 matches written
--
[exit 0]
EOF
same adopted "$(q "SELECT group_concat(la.lead_id || ':' || a.domain || ':' || la.reason, ' ') FROM lead_accounts la JOIN accounts a ON a.id = la.account_id WHERE la.lead_id IN (5003, 5006)")" \
    "5003:zeta.io:company name 5006:zeta.io:domain"
# two accounts of one name key made by hand, then a domain of that key: the oldest adopts it
q "INSERT INTO accounts(id, name, name_key) VALUES (9001, 'Dup', 'dup'), (9002, 'DUP Inc', 'dup');
   INSERT INTO leads(id, created_at, email, company) VALUES (5010, '2026-04-03', 'x@dup.com', 'Dup')"
run dup timeout 120 "$M" accounts "$db" match
grep -q '(0 new), 1 matches written$' "$tmp/dup.got" || bad "dup: $(cat "$tmp/dup.got")"
same dup-domain "$(q "SELECT group_concat(id || ':' || quote(domain), ' ') FROM accounts WHERE name_key = 'dup'")" "9001:'dup.com' 9002:NULL"
q "DELETE FROM leads WHERE id = 5010; DELETE FROM accounts WHERE id IN (9001, 9002)"
# the leads of before are where they were
q 'SELECT * FROM lead_accounts WHERE lead_id < 5000 ORDER BY lead_id' >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || bad "the next night moved old leads"

# ---- 5. hostile names: in the data, a company of 64 KB and one with a NUL; on the line ------
q "INSERT INTO leads(id, created_at, email, company) VALUES (5007, '2026-04-03', 'a@b', printf('%.*c', 65536, 'Q')),
     (5008, '2026-04-03', NULL, 'Evil' || char(0) || ' Inc'), (5009, '2026-04-03', 'z@evil.example', 'Robert''); DROP TABLE leads; --')"
run hostile-data timeout 120 "$M" accounts "$db" match
grep -q '^mqlite accounts: .* 3 matches written$' "$tmp/hostile-data.got" || bad "hostile data: $(cat "$tmp/hostile-data.got")"
same long-key "$(q "SELECT length(a.name_key), a.domain IS NULL FROM lead_accounts la JOIN accounts a ON a.id = la.account_id WHERE la.lead_id = 5007")" "65536|1"
same nul-key "$(q "SELECT a.name_key FROM lead_accounts la JOIN accounts a ON a.id = la.account_id WHERE la.lead_id = 5008")" "evil"
same injected "$(q "SELECT a.name FROM lead_accounts la JOIN accounts a ON a.id = la.account_id WHERE la.lead_id = 5009")" \
    "Robert'); DROP TABLE leads; --"
run hostile-account timeout 60 "$M" accounts "$db" assign 1 "x'); DROP TABLE leads; --"
expect hostile-account <<'EOF'
--
mqlite accounts: no account has the id, domain or name 'x'); DROP TABLE leads; --' (mqlite accounts DB list shows them)
[exit 1]
EOF
run hostile-lead timeout 60 "$M" accounts "$db" assign "1 OR 1=1" 574
expect hostile-lead <<'EOF'
--
mqlite accounts: no lead has the id or external_id '1 OR 1=1'
[exit 1]
EOF
same leads-stay "$(q 'SELECT count(*) FROM leads')" 2009
# a name that is an account's exact name works, and so does an id
run by-name timeout 60 "$M" accounts "$db" assign 1 "Robert'); DROP TABLE leads; --"
grep -q "^mqlite accounts: lead 1 is in account [0-9]* (Robert'); DROP TABLE leads; --), by hand$" "$tmp/by-name.got" ||
    bad "assign by name: $(cat "$tmp/by-name.got")"

# ---- 6. usage errors -----------------------------------------------------------------------
run_err no-action "$M" accounts "$db"
expect no-action <<'EOF'
mqlite accounts: match, assign, release, list or score?
(see mqlite accounts --help)
[exit 2]
EOF
run_err frob "$M" accounts "$db" frob
expect frob <<'EOF'
mqlite accounts: unknown action 'frob' (match, assign, release, list or score)
(see mqlite accounts --help)
[exit 2]
EOF
run_err assign-one "$M" accounts "$db" assign 1
expect assign-one <<'EOF'
mqlite accounts: assign needs a lead and an account
(see mqlite accounts --help)
[exit 2]
EOF
run_err match-asof "$M" accounts "$db" match --as-of 2026-01-01
expect match-asof <<'EOF'
mqlite accounts: --as-of is for score
(see mqlite accounts --help)
[exit 2]
EOF
run_err no-rule timeout 60 "$M" accounts "$db" score nope
expect no-rule <<'EOF'
mqlite accounts: no rule named 'nope' (mqlite rule DB list shows the rules)
[exit 1]
EOF
run_err bad-asof timeout 60 "$M" accounts "$db" score abm --as-of yesterday
expect bad-asof <<'EOF'
mqlite accounts: --as-of expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found 'yesterday'
[exit 1]
EOF
"$M" init "$tmp/empty.db" >/dev/null
run_err no-accounts timeout 60 "$M" accounts "$tmp/empty.db" list
expect no-accounts <<'EOF'
[exit 0]
EOF

# ---- 7. every format -----------------------------------------------------------------------
"$M" accounts "$db" list --format json | python3 -c 'import json, sys; r = json.load(sys.stdin); assert len(r) == 1627, len(r); assert r[0]["contacts"] >= r[-1]["contacts"]' ||
    bad "list --format json"
# (each report whole into a file first: a reader that stops early, as head
# and grep -q do, would end the run with SIGPIPE in the middle of its output,
# which check-valgrind rightly counts as memory never freed)
for f in csv html markdown; do
    "$M" accounts "$db" score abm --as-of 2026-04-01 --mqa --format $f >"$tmp/score.$f" || bad "score --format $f: exit $?"
done
same score-csv "$(tr -d '\r' <"$tmp/score.csv" | head -n 2)" \
    'account_id,name,contacts,fit,engagement,signals,score,roles_engaged,roles,champion,mqa
1426,"Sokam Inc",2,60.0,39.0,0.0,99.0,2,"decision maker,champion",1410,1'
grep -q '^<table>$' "$tmp/score.html" || bad "score --format html"
grep -q '^| 1426 ' "$tmp/score.markdown" || bad "score --format markdown"

[ "$fail" = 0 ] && echo "accounts: README example, 2,000 leads, reruns, overrides, nights, hostile names, formats"
exit "$fail"
