# mqlite-judge.sh — the SQL that judges rules against what sales did, shared
# by mqlite evaluate (its tables and text) and mqlite report (its charts).
# Sourced after mqlite-common.sh. mq_judge_sql writes SQL that expects
#   temp.win(at, since)   the end of every lead's window, and the first
#                         creation date counted (NULL: all)
#   temp.rules(r, name)   the rules: 1, and 2 for a comparison
#   :outcome              the stage a good lead reaches
# and makes the temp tables d (each lead at its decision, per rule), tot,
# summary, diff, deciles, stages, mql, fired, crit, criteria, leaky, warnings
# and overlap, which its callers print (and leak_limits, mqlite-common.sh's).
# shellcheck shell=sh
mq_judge_sql() {
    mq_leak_limits_sql
    cat <<'SQL'
-- each lead as its rule(s) saw it when it was decided; the outcome does not
-- depend on the rule (no rule's entries count), so both rules share it
CREATE TEMP TABLE d(r INTEGER, lead_id INTEGER, outcome INTEGER, score REAL, stage TEXT, criteria TEXT,
                    PRIMARY KEY (r, lead_id)) WITHOUT ROWID;
INSERT INTO temp.d
SELECT u.r, x.lead_id, x.outcome, x.score, x.stage, x.criteria
FROM temp.rules u JOIN rule_decisions(u.name, :outcome, (SELECT at FROM temp.win)) x
WHERE (SELECT since FROM temp.win) IS NULL OR mqlite_date(x.created_at) >= (SELECT since FROM temp.win);
CREATE TEMP TABLE tot AS
SELECT r, count(*) AS n, sum(outcome) AS k, roc_auc(score, outcome) AS auc FROM temp.d GROUP BY r;
CREATE TEMP TABLE summary AS
SELECT u.name AS rule, t.n AS leads, t.k AS reached, conversion_rate(t.k, t.n) AS rate,
       round(t.auc ->> 'auc', 4) AS auc, round(t.auc ->> 'lower', 4) AS auc_lower, round(t.auc ->> 'upper', 4) AS auc_upper
FROM temp.tot t JOIN temp.rules u USING (r) ORDER BY t.r;
-- the difference of the two areas, paired on the same leads
CREATE TEMP TABLE diff AS
SELECT round(x ->> 'difference', 4) AS difference, round(x ->> 'lower', 4) AS lower, round(x ->> 'upper', 4) AS upper,
       CASE WHEN x ->> 'lower' > 0 THEN (SELECT name FROM temp.rules WHERE r = 2) || ' ranks the leads better than ' || (SELECT name FROM temp.rules WHERE r = 1)
            WHEN x ->> 'upper' < 0 THEN (SELECT name FROM temp.rules WHERE r = 1) || ' ranks the leads better than ' || (SELECT name FROM temp.rules WHERE r = 2)
            ELSE 'no evidence that either ranks the leads better' END AS verdict
FROM (SELECT roc_auc_diff(a.score, b.score, a.outcome) AS x
      FROM temp.d a JOIN temp.d b ON b.r = 2 AND b.lead_id = a.lead_id WHERE a.r = 1)
WHERE x IS NOT NULL;
CREATE TEMP TABLE deciles AS
SELECT u.name AS rule, decile, count(*) AS leads, min(score) AS min_score, max(score) AS max_score, sum(outcome) AS reached,
       conversion_rate(sum(outcome), count(*)) AS rate,
       wilson_lower(sum(outcome), count(*)) AS lower, wilson_upper(sum(outcome), count(*)) AS upper,
       round(conversion_rate(sum(outcome), count(*)) / conversion_rate(t.k, t.n), 2) AS lift
FROM (SELECT r, score, outcome, ntile(10) OVER (PARTITION BY r ORDER BY score, lead_id) AS decile FROM temp.d) x
JOIN temp.tot t USING (r) JOIN temp.rules u USING (r)
GROUP BY x.r, decile ORDER BY x.r, decile DESC;
CREATE TEMP TABLE stages AS
SELECT u.name AS rule, stage, count(*) AS leads, sum(outcome) AS reached, conversion_rate(sum(outcome), count(*)) AS rate,
       wilson_lower(sum(outcome), count(*)) AS lower, wilson_upper(sum(outcome), count(*)) AS upper
FROM temp.d JOIN temp.rules u USING (r) GROUP BY d.r, stage ORDER BY d.r, stage_rank(stage) DESC, stage;
CREATE TEMP TABLE mql AS
SELECT u.name AS rule, sum(m) AS mqls, sum(m AND outcome) AS reached,
       conversion_rate(sum(m AND outcome), sum(m)) AS precision,
       wilson_lower(sum(m AND outcome), sum(m)) AS precision_lower, wilson_upper(sum(m AND outcome), sum(m)) AS precision_upper,
       conversion_rate(sum(m AND outcome), sum(outcome)) AS recall,
       wilson_lower(sum(m AND outcome), sum(outcome)) AS recall_lower, wilson_upper(sum(m AND outcome), sum(outcome)) AS recall_upper
FROM (SELECT r, outcome, coalesce(stage_rank(stage) >= stage_rank('MQL'), 0) AS m FROM temp.d) JOIN temp.rules u USING (r)
GROUP BY r ORDER BY r;
-- per criterion: the leads it matched (n, k converted) against the rest
CREATE TEMP TABLE fired AS
SELECT d.r, CAST(j.value AS INTEGER) AS criterion, count(*) AS n, sum(d.outcome) AS k
FROM temp.d d, json_each(d.criteria) j GROUP BY d.r, j.value;
CREATE TEMP TABLE crit AS
SELECT c.r, c.criterion, c.kind, c.points, c.reason, c.n, c.k, c.tn - c.n AS n0, c.tk - c.k AS k0,
       -- the two-proportion z of matched against the rest (pooled)
       CASE WHEN c.n > 0 AND c.n < c.tn AND c.tk > 0 AND c.tk < c.tn
            THEN (1.0 * c.k / c.n - 1.0 * (c.tk - c.k) / (c.tn - c.n))
                 / sqrt((1.0 * c.tk / c.tn) * (1 - 1.0 * c.tk / c.tn) * (1.0 / c.n + 1.0 / (c.tn - c.n))) END AS z
FROM (SELECT u.r, rc.criterion, rc.kind, rc.points, rc.reason, coalesce(f.n, 0) AS n, coalesce(f.k, 0) AS k, t.n AS tn, t.k AS tk
      FROM temp.rules u JOIN rule_criteria(u.name) rc JOIN temp.tot t ON t.r = u.r
      LEFT JOIN temp.fired f ON f.r = u.r AND f.criterion = rc.criterion) c;
CREATE TEMP TABLE criteria AS
SELECT u.name AS rule, criterion, kind, CAST(points AS INTEGER) AS points, reason, n AS matched,
       conversion_rate(k, n) AS rate_matched, wilson_lower(k, n) AS lower_matched, wilson_upper(k, n) AS upper_matched,
       conversion_rate(k0, n0) AS rate_rest, wilson_lower(k0, n0) AS lower_rest, wilson_upper(k0, n0) AS upper_rest,
       round(z, 1) AS z,
       CASE WHEN n = 0 THEN 'never matched: no evidence either way'
            WHEN n0 = 0 THEN 'matches every lead: it cannot tell leads apart'
            WHEN z IS NULL THEN 'no lead (or every lead) converted: nothing to tell'
            ELSE printf('%s; leads that match convert at %.1f %% vs %.1f %% without: %s',
                        CASE WHEN kind = 'signal' THEN 'moves the lead on' ELSE printf('gives %+d', CAST(points AS INTEGER)) END,
                        100.0 * k / n, 100.0 * k0 / n0,
                        CASE WHEN points >= 0 AND z >= 1.96 THEN 'it helps'
                             WHEN points >= 0 AND z <= -1.96 THEN 'yet they convert worse'
                             WHEN points >= 0 THEN 'no evidence it helps'
                             WHEN z <= -1.96 THEN 'rightly'
                             WHEN z >= 1.96 THEN 'yet they convert better'
                             ELSE 'no evidence they convert worse' END) END AS verdict
FROM temp.crit JOIN temp.rules u USING (r) ORDER BY crit.r, criterion;
-- each criterion that leaks, by the limits of temp.leak_limits
-- (mq_leak_limits_sql): 'value' when its leads nearly all converted, the
-- field recording the outcome rather than predicting it (one strong value,
-- a source whose few leads all buy, is a signal); else 'step' when nearly
-- every lead that converted had it and few of the others (a step of the way)
CREATE TEMP TABLE leaky AS
SELECT c.r, c.criterion, CASE
         WHEN c.n >= l.least AND wilson_lower(c.k, c.n) >= l.value_lower AND c.k >= l.value_share * t.k
              AND 1.0 * t.k / t.n < l.rare THEN 'value'
         WHEN t.k >= l.least AND wilson_lower(c.k, t.k) >= l.step_lower AND 1.0 * c.n0 / (c.n0 + c.n) < 1
              AND 1.0 * (c.n - c.k) / (t.n - t.k) <= l.step_others THEN 'step' END AS kind
FROM temp.crit c JOIN temp.tot t ON t.r = c.r, temp.leak_limits l;
CREATE TEMP TABLE warnings AS
SELECT printf('%s, criterion %d (%s): %.1f %% of the %d leads it matches reached %s: a field that records the outcome'
              || ' (a status tag set by sales) leaks it; leave it out of the rule, and read this rule''s AUC with care',
              u.name, c.criterion, c.reason, 100.0 * c.k / c.n, c.n, stage_name(:outcome)) AS warning
FROM temp.crit c JOIN temp.rules u USING (r) JOIN temp.tot t ON t.r = c.r
JOIN temp.leaky x ON x.r = c.r AND x.criterion = c.criterion AND x.kind = 'value'
UNION ALL
SELECT printf('%s, criterion %d (%s): %d of the %d leads that reached %s (%.1f %%) had it before, and at most half of the others:'
              || ' a step on the way (sales'' own process), not a sign of it; read this rule''s AUC with care',
              u.name, c.criterion, c.reason, c.k, t.k, stage_name(:outcome), 100.0 * c.k / t.k)
FROM temp.crit c JOIN temp.rules u USING (r) JOIN temp.tot t ON t.r = c.r
JOIN temp.leaky x ON x.r = c.r AND x.criterion = c.criterion AND x.kind = 'step'
UNION ALL
SELECT printf('%s: an AUC of %.3f is rarely honest: look for a field that records the outcome', u.name, t.auc ->> 'auc')
FROM temp.tot t JOIN temp.rules u USING (r), temp.leak_limits l WHERE t.auc ->> 'auc' >= l.auc;
-- the overlap of the two rules' MQLs, with the outcome rate in each cell
CREATE TEMP TABLE overlap AS
SELECT CASE WHEN ma AND mb THEN 'MQL under both' WHEN ma THEN 'only ' || (SELECT name FROM temp.rules WHERE r = 1) || ' (lost by switching)'
            WHEN mb THEN 'only ' || (SELECT name FROM temp.rules WHERE r = 2) || ' (gained by switching)' ELSE 'neither' END AS cell,
       count(*) AS leads, sum(outcome) AS reached, conversion_rate(sum(outcome), count(*)) AS rate,
       wilson_lower(sum(outcome), count(*)) AS lower, wilson_upper(sum(outcome), count(*)) AS upper
FROM (SELECT a.outcome, coalesce(stage_rank(a.stage) >= stage_rank('MQL'), 0) AS ma,
             coalesce(stage_rank(b.stage) >= stage_rank('MQL'), 0) AS mb
      FROM temp.d a JOIN temp.d b ON b.r = 2 AND b.lead_id = a.lead_id WHERE a.r = 1)
GROUP BY ma, mb ORDER BY ma + mb DESC, ma DESC;
SQL
}
