-- demo.sql — what `make demo` prints: the synthetic sample leads scored with
-- samples/rules/b2b.lua, with the reasons behind each score. Run on a database
-- made by build/mqgen, with the extension loaded:
--   sqlite3 build/demo.db ".load build/mqlite" ".read samples/demo.sql"
-- Scores are taken as of 2026-01-01, the end of the sample's year, so the output
-- is the same whatever day it runs.
INSERT OR REPLACE INTO mqlite_rules(name, source) VALUES
    ('b2b', readfile('samples/rules/b2b.lua')),
    ('bant', readfile('samples/rules/bant.lua'));
CREATE TEMP TABLE scored AS SELECT * FROM score_leads('b2b', '2026-01-01');

.headers on
.mode column --wrap 0
.print
.print "mqlite demo: the sample leads scored with samples/rules/b2b.lua, as of 2026-01-01"
SELECT (SELECT count(*) FROM leads) AS leads, (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM campaigns) AS campaigns, mqlite_version() AS mqlite, mqlite_lua_version() AS lua;
.print
.print "Top 12 leads, with their three weightiest reasons"
SELECT s.lead_id AS lead, substr(l.company, 1, 18) AS company, substr(l.title, 1, 22) AS title,
       s.score, s.grade, s.stage,
       (SELECT group_concat(r, '; ') FROM (
            SELECT CASE value ->> 'kind' WHEN 'signal' THEN 'straight to ' || (value ->> 'stage') || ': '
                   ELSE printf('%+d ', value ->> 'points') END || (value ->> 'reason') AS r
            FROM json_each(s.explanation)
            ORDER BY value ->> 'kind' = 'signal' DESC, abs(value ->> 'points') DESC, key LIMIT 3)) AS reasons
FROM scored s JOIN leads l ON l.id = s.lead_id
ORDER BY s.score DESC, s.lead_id LIMIT 12;

.print
.print "Why is this lead an MQL? (lead_explain, one line per criterion)"
SELECT value ->> 'points' AS points, value ->> 'kind' AS kind, value ->> 'reason' AS reason
FROM json_each((SELECT explanation FROM scored WHERE stage = 'MQL' ORDER BY score DESC, lead_id LIMIT 1));

.print
.print "Leads by the stage the rule gives them"
SELECT stage, count(*) AS leads, printf('%.1f %%', 100.0 * count(*) / (SELECT count(*) FROM scored)) AS share,
       printf('%.1f', avg(score)) AS avg_score, printf('%.1f', avg(fit)) AS avg_fit,
       printf('%.1f', avg(engagement)) AS avg_engagement
FROM scored GROUP BY stage ORDER BY CASE stage WHEN 'SQL' THEN 0 WHEN 'MQL' THEN 1 ELSE 2 END;

.print
.print "Fit grades"
SELECT grade, count(*) AS leads, printf('%.1f', avg(score)) AS avg_score
FROM scored GROUP BY grade ORDER BY instr('A+ A  B  C  D  F', grade);

.print
.print "The same leads under samples/rules/bant.lua (Budget, Authority, Need, Timeline)"
SELECT stage, count(*) AS leads, printf('%.1f', avg(score)) AS avg_score
FROM score_leads('bant', '2026-01-01') GROUP BY stage
ORDER BY CASE stage WHEN 'SQL' THEN 0 WHEN 'MQL' THEN 1 ELSE 2 END;

.print
.print "The funnel (funnel()): leads that reached each stage, conversion from the stage before, 95 % bounds"
SELECT stage, reached,
       iif(from_previous IS NULL, '', printf('%.1f %%', 100 * from_previous)) AS from_previous,
       iif(from_top IS NULL, '', printf('%.1f %%', 100 * from_top)) AS from_top,
       iif(lower IS NULL, '', printf('%.1f-%.1f %%', 100 * lower, 100 * upper)) AS bounds_95,
       iif(median_days IS NULL, '', printf('%.0f', median_days)) AS median_days
FROM funnel();

.print
.print "MQL -> SQL by quarter of MQL entry: lag-aware (SQL within 90 days) beside naive (cohort_conversion())"
SELECT cohort AS quarter, entered AS mqls, converted AS sql_within_90d,
       iif(rate IS NULL, status, printf('%.1f %%', 100 * rate)) AS lag_aware,
       naive_converted AS sql_in_quarter, iif(naive_rate IS NULL, '', printf('%.1f %%', 100 * naive_rate)) AS naive
FROM cohort_conversion('MQL', 'SQL', 'quarter', 90, '2026-07-01');
