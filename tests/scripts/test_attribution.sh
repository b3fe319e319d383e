#!/bin/sh
# test_attribution.sh — mqlite attribution: the README's example as the README
# shows it, the models side by side and alone, by channel, won deals with
# revenue (the deals table of the issue-17 contract, made here), exact sums,
# the errors of each bad option, hostile campaign names in every format, the
# nightly re-run, and the report's attribution table; --by (account, a
# column, an attrs key, --fold-case): the README's second example, exact
# figures per account, each account's sums against its own milestones and
# the funnel's, on mqgen's leads matched to accounts, bad and hostile names.
set -eu
T=attribution
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
. tests/scripts/check.sh
root=$(pwd)
MQLITE_EXT=${MQLITE_EXT:-$root/build/mqlite.so}
export MQLITE_EXT
mqlite() { timeout 120 sh "$root/scripts/mqlite" "$@"; }
# (csv ends its lines with CR LF, as RFC 4180 says: runc compares without the CR)

# ---- 1. the README's example, run as it is written, prints what the README shows
awk '/^## / { insec = ($0 == "## Attribution") } insec' README.md >"$tmp/sec.md"
awk '/^```sh$/ && !done { on = 1; next } /^```$/ && on { on = 0; done = 1 } on' "$tmp/sec.md" >"$tmp/example.sh"
awk '/^```text$/ && !done { on = 1; next } /^```$/ && on { on = 0; done = 1 } on' "$tmp/sec.md" >"$tmp/example.want"
if [ ! -s "$tmp/example.sh" ] || [ ! -s "$tmp/example.want" ]; then
    bad "readme: no example in README's Attribution"
fi
# (in the scratch directory, with mqlite the function above)
# shellcheck source=/dev/null
(cd "$tmp" && . ./example.sh) >"$tmp/example.got" 2>&1 || bad "readme: the example failed"
diff -u "$tmp/example.want" "$tmp/example.got" || bad "readme"
db=$tmp/crm.db
# the second example (by account) goes on from the first, on a copy: the cases below use the first's data
awk '/^```sh$/ { n++; if (n == 2) { on = 1; next } } /^```$/ && on { on = 0 } on' "$tmp/sec.md" >"$tmp/example2.sh"
awk '/^```text$/ { n++; if (n == 2) { on = 1; next } } /^```$/ && on { on = 0 } on' "$tmp/sec.md" >"$tmp/example2.want"
if [ ! -s "$tmp/example2.sh" ] || [ ! -s "$tmp/example2.want" ]; then
    bad "readme-by: no example by account in README's Attribution"
fi
mkdir "$tmp/by" && cp "$db" "$tmp/by/crm.db"
# shellcheck source=/dev/null
(cd "$tmp/by" && . ../example2.sh) >"$tmp/example2.got" 2>&1 || bad "readme-by: the example failed"
diff -u "$tmp/example2.want" "$tmp/example2.got" || bad "readme-by"

# ---- 2. one model, by channel, csv and json
runc linear mqlite attribution "$db" --model linear --credit channel --format csv
expect linear <<'OUT'
channel,touched,linear
email,1,0.333334
organic,1,0.5
paid_search,2,0.833333
webinar,1,0.333333
--
[exit 0]
OUT
runc json mqlite attribution "$db" --model first --format json
expect json <<'OUT'
[{"campaign":"ads-june","channel":"paid_search","touched":2,"first":0.0},
{"campaign":"spring-mail","channel":"email","touched":1,"first":1.0},
{"campaign":"webinar-may","channel":"webinar","touched":1,"first":0.0},
{"campaign":null,"channel":"organic","touched":1,"first":1.0}]
--
[exit 0]
OUT
# --from/--to: only lead 2's MQL (June 6); no SQLs at all: the header alone
runc window mqlite attribution "$db" --from 2024-06-06 --to 2024-06-07 --model u_shaped --format csv
expect window <<'OUT'
campaign,channel,touched,u_shaped
ads-june,paid_search,1,0.5
,organic,1,0.5
--
[exit 0]
OUT
runc nosql mqlite attribution "$db" --milestone SQL --format csv
expect nosql <<'OUT'
--
[exit 0]
OUT

# ---- 3. won: from the stage history without deals (no revenue), then from deals
sqlite3 "$db" "INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1, 'SQL', '2024-06-12'), (1, 'Closed Won', '2024-07-01')"
runc wonstages mqlite attribution "$db" --milestone won --model w_shaped --format csv
expect wonstages <<'OUT'
campaign,channel,touched,w_shaped
ads-june,paid_search,1,0.45
spring-mail,email,1,0.45
webinar-may,webinar,1,0.1
--
[exit 0]
OUT
sqlite3 "$db" <<'SQL'
INSERT INTO deals(lead_id, amount, status, created_at, closed_at) VALUES
    (1, 100.01, 'won', '2024-06-11', '2024-07-02'), (2, 999, 'lost', '2024-06-11', '2024-07-02'),
    (2, 500, 'open', '2024-06-11', NULL);
SQL
runc wondeals mqlite attribution "$db" --milestone won --model linear --format csv
expect wondeals <<'OUT'
campaign,channel,touched,linear,revenue_linear
ads-june,paid_search,1,0.333334,33.34
spring-mail,email,1,0.333333,33.34
webinar-may,webinar,1,0.333333,33.33
--
[exit 0]
OUT
# every model's credits and revenue add up, to the digit
runc sums mqlite attribution "$db" --milestone won --format csv
awk -F, 'NR > 1 { for (i = 4; i <= 15; i++) s[i] += $i } END { for (i = 4; i <= 15; i++) printf "%.6f ", s[i]; print "" }' \
    "$tmp/o" >"$tmp/sums.got"
same sums "$(cat "$tmp/sums.got")" "1.000000 1.000000 1.000000 1.000000 1.000000 1.000000 100.010000 100.010000 100.010000 100.010000 100.010000 100.010000 "

# ---- 4. bad options: each says what it expected, exit 2
for c in "--model quadratic|--model expects all, first, last, linear, u_shaped, w_shaped or time_decay, found 'quadratic'" \
         "--credit owner|--credit expects campaign or channel, found 'owner'" \
         "--fold-case|--fold-case needs --by (a column of leads or a key of its attrs)" \
         "--milestone lost|--milestone expects MQL, SQL, won or another stage of the main path, found 'lost'" \
         "--milestone XQL|--milestone expects MQL, SQL, won or another stage of the main path, found 'XQL'" \
         "--half-life 0|--half-life expects days above 0 (at most 36500), found '0'" \
         "--half-life -1|--half-life expects a number, found '-1'"; do
    opt=${c%%|*} msg=${c#*|}
    # shellcheck disable=SC2086 # opt is two words
    run_err bad mqlite attribution "$db" $opt
    printf 'mqlite attribution: %s\n(see mqlite attribution --help)\n[exit 2]\n' "$msg" | expect bad
done

# (a date is checked by the database: exit 1, as in every subcommand)
run_err bad mqlite attribution "$db" --from yesterday
expect bad <<'OUT'
mqlite attribution: --from expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found 'yesterday'
[exit 1]
OUT

# ---- 5. hostile campaign names are values in every format; html escapes them
sqlite3 "$db" "INSERT INTO campaigns(id, channel) VALUES ('x''); DROP TABLE leads; --<script>alert(1)</script>', '<b>\"c\"</b>');
    INSERT INTO leads(id, created_at, campaign) VALUES (3, '2024-08-01', 'x''); DROP TABLE leads; --<script>alert(1)</script>');
    INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (3, 'MQL', '2024-08-02')"
for f in table csv json markdown html; do
    mqlite attribution "$db" --from 2024-08-01 --model last --format "$f" >"$tmp/h.$f" || bad "hostile-$f"
done
grep -q "DROP TABLE leads; --<script>" "$tmp/h.csv" || bad "hostile-csv: the name is not there as it is"
if grep -q '<script>' "$tmp/h.html"; then bad "hostile-html: not escaped"; fi
grep -q '&lt;script&gt;' "$tmp/h.html" || bad "hostile-html: no escaped name"
same leads "$(sqlite3 "$db" "SELECT count(*) FROM leads")" 3

# ---- 6. nightly: the same data gives the same output; a day of events after
# every milestone changes nothing; a new MQL changes its campaign's row only
mqlite attribution "$db" --format csv | tr -d '\r' >"$tmp/n1"
mqlite attribution "$db" --format csv | tr -d '\r' >"$tmp/n2"
cmp -s "$tmp/n1" "$tmp/n2" || bad "rerun"
sqlite3 "$db" "INSERT INTO events(lead_id, type, occurred_at, campaign) SELECT id, 'email_open', '2024-12-31', 'spring-mail' FROM leads"
mqlite attribution "$db" --format csv | tr -d '\r' >"$tmp/n3"
cmp -s "$tmp/n1" "$tmp/n3" || { bad "late-events"; diff "$tmp/n1" "$tmp/n3"; }
sqlite3 "$db" "INSERT INTO leads(id, created_at, campaign) VALUES (4, '2025-01-01', 'webinar-may');
    INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (4, 'MQL', '2025-01-02')"
mqlite attribution "$db" --format csv | tr -d '\r' >"$tmp/n4"
diff "$tmp/n1" "$tmp/n4" | grep '^[<>]' >"$tmp/n.diff" || true
same newday "$(cat "$tmp/n.diff")" "< webinar-may,webinar,1,0.0,0.0,0.333333,0.2,0.1,0.316561
> webinar-may,webinar,2,1.0,1.0,1.333333,1.2,1.1,1.316561"

# ---- 7. the report shows the MQLs' attribution
mqlite report "$db" --as-of 2025-02-01 --out "$tmp/r.html"
grep -qF '<tr><td>webinar-may</td><td class="t">webinar</td><td>2</td><td>1.00</td><td>1.00</td><td>1.33</td><td>1.20</td><td>1.10</td><td>1.32</td></tr>' "$tmp/r.html" ||
    bad "report: no webinar-may row"
grep -qF '<p class="note">4 MQLs. Credits rounded to two decimals here' "$tmp/r.html" || bad "report: no total"
if grep -q '<script>' "$tmp/r.html"; then bad "report: a campaign name not escaped"; fi
mqlite init "$tmp/empty.db" >/dev/null
mqlite report "$tmp/empty.db" --out "$tmp/e.html"
grep -qF '<section id="attribution"><h2>Attribution of MQLs</h2>' "$tmp/e.html" || bad "report-empty"

# ---- 8. --by: account, a column, an attrs key; bad and hostile names
bdb=$tmp/by/crm.db
# a hostile account name is a value in every format; the html escapes it
sqlite3 "$bdb" "UPDATE accounts SET name = 'x''); DROP TABLE leads; --<script>' WHERE name = 'globex.example'"
runc byacct mqlite attribution "$bdb" --by account --model first --format csv
expect byacct <<'OUT'
account,campaign,channel,touched,first
acme.example,ads-june,paid_search,2,1.0
acme.example,spring-mail,email,1,1.0
acme.example,webinar-may,webinar,2,0.0
"x'); DROP TABLE leads; --<script>",ads-june,paid_search,1,0.0
"x'); DROP TABLE leads; --<script>",,organic,1,1.0
--
[exit 0]
OUT
mqlite attribution "$bdb" --by account --format html >"$tmp/by.html" || bad "by-html"
if grep -q '<script>' "$tmp/by.html"; then bad "by-html: not escaped"; fi
grep -qF 'x&#39;); DROP TABLE leads; --&lt;script&gt;' "$tmp/by.html" || grep -qF "x'); DROP TABLE leads; --&lt;script&gt;" "$tmp/by.html" ||
    bad "by-html: no escaped account"
# an attrs key, folded: " EU" and "eu" are one value; the leads without one are (none); the
# header of a name that is not a plain word (or is one of the report's columns) is "segment"
sqlite3 "$bdb" "UPDATE leads SET attrs = json_object('Region', ' EU') WHERE id = 1;
    UPDATE leads SET attrs = json_object('Region', 'eu', 'k''; rm -rf /', 'v') WHERE id = 3"
runc byfold mqlite attribution "$bdb" --by Region --fold-case --model linear --credit channel --format csv
expect byfold <<'OUT'
Region,channel,touched,linear
(none),organic,1,0.5
(none),paid_search,1,0.5
eu,email,1,0.333334
eu,paid_search,2,0.833333
eu,webinar,2,0.833333
--
[exit 0]
OUT
runc bykey mqlite attribution "$bdb" --by "k'; rm -rf /" --model last --format csv
expect bykey <<'OUT'
segment,campaign,channel,touched,last
(none),ads-june,paid_search,2,2.0
(none),spring-mail,email,1,0.0
(none),webinar-may,webinar,1,0.0
(none),,organic,1,0.0
v,ads-june,paid_search,1,0.0
v,webinar-may,webinar,1,1.0
--
[exit 0]
OUT
runc bycol mqlite attribution "$bdb" --by campaign --model first --format csv
same bycol "$(head -1 "$tmp/o")" "segment,campaign,channel,touched,first"
# a name that is nothing: the groupby error, exit 1; a hostile one is only quoted back
run_err byname mqlite attribution "$bdb" --by region
expect byname <<'OUT'
mqlite attribution: --by 'region' is neither a column of leads (id, external_id, created_at, email, company, industry, employees, annual_revenue, country, title, source, campaign, owner, attrs) nor a key of any lead's attrs (Region, k'; rm -rf /)
[exit 1]
OUT
run_err byhostile mqlite attribution "$bdb" --by "x\"); DROP TABLE leads; --"
expect byhostile <<'OUT'
mqlite attribution: --by 'x"); DROP TABLE leads; --' is neither a column of leads (id, external_id, created_at, email, company, industry, employees, annual_revenue, country, title, source, campaign, owner, attrs) nor a key of any lead's attrs (Region, k'; rm -rf /)
[exit 1]
OUT
same byleads "$(sqlite3 "$bdb" "SELECT count(*) FROM leads")" 3
# a name that would run a command in a shell runs none; control characters come back as '?';
# a line break is refused by the option parser; 10,000 bytes are cut in the message
run_err byshell mqlite attribution "$bdb" --by "\$(touch $tmp/pwned)\`touch $tmp/pwned\`"
same byshell-rc "$(tail -1 "$tmp/byshell.got")" "[exit 1]"
[ ! -e "$tmp/pwned" ] || bad "byshell: a command ran"
run_err bycontrol mqlite attribution "$bdb" --by "$(printf 'own\033[2Jer')"
same bycontrol "$(head -c 37 "$tmp/bycontrol.got")" "mqlite attribution: --by 'own?[2Jer' "
run_err bynewline mqlite attribution "$bdb" --by "$(printf 'source\nowner')"
expect bynewline <<'OUT'
mqlite attribution: the value for --by must not contain line breaks or tabs
(see mqlite attribution --help)
[exit 2]
OUT
run_err bylong mqlite attribution "$bdb" --by "$(printf '%010000d' 0)"
same bylong "$(head -1 "$tmp/bylong.got" | wc -c)" 301

# ---- 9. --by account on mqgen's 2,000 leads matched to accounts, with more touches (a
# third of the leads clicked an ad of the June webinar an hour after they came, a fifth
# read October's content after two): each account's credits add up, under every model, to
# its own MQLs, which are the funnel's MQL/PQL by account; the accounts add up to the whole
g=$tmp/gen.db
timeout 120 build/mqgen --leads 2000 --seed 42 --db "$g" >/dev/null 2>&1
mqlite accounts "$g" match >/dev/null
sqlite3 "$g" "INSERT INTO events(lead_id, type, occurred_at, campaign)
      SELECT id, 'ad_click', datetime(created_at, '+1 hour'), 'cmp-2025-06-webinar' FROM leads WHERE id % 3 = 0;
    INSERT INTO events(lead_id, type, occurred_at, campaign)
      SELECT id, 'page_view', datetime(created_at, '+2 hours'), 'cmp-2025-10-content' FROM leads WHERE id % 5 = 0"
mqlite attribution "$g" --by account --format csv >"$tmp/g.by.csv"
mqlite attribution "$g" --format csv >"$tmp/g.whole.csv"
mqlite funnel "$g" --by account --format csv >"$tmp/g.funnel.csv"
sqlite3 "$tmp/g.chk" ".import --csv $tmp/g.by.csv b" ".import --csv $tmp/g.whole.csv w" ".import --csv $tmp/g.funnel.csv f"
chk() { sqlite3 -batch "$tmp/g.chk" "$1"; }
same gen-rows "$(chk "SELECT count(DISTINCT account), count(*), sum(first), printf('%.6f', sum(linear)) FROM b")" "729|1212|802.0|802.000000"
same gen-rader "$(chk "SELECT group_concat(campaign || '/' || channel || '/' || linear || '/' || u_shaped || '/' || time_decay, ' ') FROM b WHERE account = 'Rader Group'")" \
    "cmp-2025-06-webinar/webinar/0.5/0.5/0.501031 /organic_search/0.5/0.5/0.498969"
same gen-vs-funnel "$(chk "SELECT count(*), sum(reached) FROM (SELECT account, sum(first) s1, sum(last) s2, sum(linear) s3,
        sum(u_shaped) s4, sum(w_shaped) s5, sum(time_decay) s6 FROM b GROUP BY account)
    JOIN (SELECT account, CAST(reached AS INTEGER) AS reached FROM f WHERE stage = 'MQL/PQL') USING (account)
    WHERE reached = round(s1, 6) AND reached = round(s2, 6) AND reached = round(s3, 6) AND reached = round(s4, 6)
      AND reached = round(s5, 6) AND reached = round(s6, 6)")" "729|802"
# per campaign the accounts' firsts add up to the whole's; rounded apart, linear within a millionth per account
same gen-vs-whole "$(chk "SELECT count(*), sum(round(x.f, 6) = CAST(w.first AS REAL)), sum(abs(x.l - w.linear) <= x.n * 1e-6)
    FROM (SELECT campaign, channel, sum(first) f, sum(linear) l, count(*) n FROM b GROUP BY campaign, channel) x
    JOIN w USING (campaign, channel)")" "20|20|20"

[ "$fail" = 0 ] && echo "attribution: the README's examples, models, channels, won deals, exact sums, errors, hostile names, nightly, report, --by account (hand and 2,000 generated leads)"
exit "$fail"
