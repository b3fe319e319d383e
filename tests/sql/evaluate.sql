-- evaluate.sql — the ground of mqlite evaluate: roc_auc and roc_auc_diff against the pairwise definition, rule_criteria, rule_decisions scoring each lead as of its decision.
.read schema/mqlite.sql
-- [h1] roc_auc: a stranger's arguments (a score that is not a number, an outcome that is not 0 or 1), NULLs left out, one class gives NULL
SELECT roc_auc(s, y) FROM (SELECT 'high' AS s, 1 AS y);
SELECT roc_auc(s, y) FROM (SELECT 3 AS s, 2 AS y);
SELECT roc_auc(s, y) FROM (SELECT 3 AS s, 'yes' AS y);
SELECT roc_auc_diff(a, b, y) FROM (SELECT 1 AS a, x'00' AS b, 1 AS y);
SELECT roc_auc(column1, column2) IS NULL AS one_class FROM (VALUES (1, 1), (2, 1));
SELECT roc_auc(column1, column2) FROM (VALUES (3, 1), (2, 1), (1, 0), (2, 0), (NULL, 0), (9, NULL));
SELECT roc_auc(column1, column2) IS NULL AS no_rows FROM (VALUES (1, 1)) WHERE 0;
-- [1] 600 scores with ties: the area equals the pairwise definition, and its standard error equals DeLong's placements computed pair by pair
CREATE TABLE p(id INTEGER PRIMARY KEY, a REAL, b REAL, y INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
INSERT INTO p SELECT i, (i * 7919) % 13 + 3 * ((i * 104729) % 4 = 0), (i * 6007) % 41 + 5 * ((i * 104729) % 4 = 0),
                     (i * 104729) % 4 = 0 FROM n;
CREATE TABLE v AS
SELECT x.id, x.y,
       (SELECT avg(CASE WHEN x.y THEN (x.a > o.a) + 0.5 * (x.a = o.a) ELSE (o.a > x.a) + 0.5 * (o.a = x.a) END) FROM p o WHERE o.y <> x.y) AS va,
       (SELECT avg(CASE WHEN x.y THEN (x.b > o.b) + 0.5 * (x.b = o.b) ELSE (o.b > x.b) + 0.5 * (o.b = x.b) END) FROM p o WHERE o.y <> x.y) AS vb
FROM p x;
CREATE TABLE s AS
SELECT y, count(*) AS k, avg(va) AS ma, avg(vb) AS mb FROM v GROUP BY y;
CREATE TABLE c AS
SELECT v.y, sum((va - ma) * (va - ma)) / (k - 1) AS saa, sum((vb - mb) * (vb - mb)) / (k - 1) AS sbb,
       sum((va - ma) * (vb - mb)) / (k - 1) AS sab, k FROM v JOIN s USING (y) GROUP BY v.y;
SELECT 'auc', round(r ->> 'auc', 8) = round((SELECT ma FROM s WHERE y = 1), 8),
       'se', round(r ->> 'se', 8) = round((SELECT sqrt(sum(saa / k)) FROM c), 8),
       'bounds', round(r ->> 'lower', 8) = round(max(0, (r ->> 'auc') - 1.959963984540054 * (r ->> 'se')), 8),
       r ->> 'positives', r ->> 'negatives', round(r ->> 'auc', 4)
FROM (SELECT roc_auc(a, y) AS r FROM p);
SELECT 'diff', round(r ->> 'difference', 8) = round((SELECT mb - ma FROM s WHERE y = 1), 8),
       'se', round(r ->> 'se', 8) = round((SELECT sqrt(sum((saa + sbb - 2 * sab) / k)) FROM c), 8),
       round(r ->> 'auc_a', 4), round(r ->> 'auc_b', 4)
FROM (SELECT roc_auc_diff(a, b, y) AS r FROM p);

-- [2] rule_criteria: fit criteria first, then the event rules and signals, numbered from 1
INSERT INTO mqlite_rules(name, source) VALUES ('r', 'thresholds { MQL = 40, SQL = 90 }
fit("VP title", 30, { title = contains("vp") })
fit("free e-mail", -20, { email = free_email() })
event("demo_request", 50, { once = true })
event("page_view", 5, { cap = 20 })
signal("audit_request", "asked for an audit")');
SELECT * FROM rule_criteria('r');
-- [h2] rule_criteria and rule_decisions: no rule, a rule not text, an unknown rule, no outcome, a detour or unknown outcome, a bad as_of
SELECT * FROM rule_criteria;
SELECT * FROM rule_criteria(7);
SELECT * FROM rule_criteria('nope');
SELECT * FROM rule_decisions;
SELECT * FROM rule_decisions('r');
SELECT * FROM rule_decisions('nope', 'SQL');
SELECT * FROM rule_decisions('r', 'lost');
SELECT * FROM rule_decisions('r', 'Hot');
SELECT * FROM rule_decisions('r', 4);
SELECT * FROM rule_decisions('r', 'SQL', 'soon');

-- [3] scored as of the decision: lead 1 reached SQL on 2025-03-10 12:00; the demo request at that very moment and the page views after it do not count
INSERT INTO leads(id, created_at, title, email) VALUES (1, '2025-03-01 09:00:00', 'VP Sales', 'a@acme.com'),
    (2, '2025-03-02 09:00:00', 'intern', 'b@gmail.com'), (3, '2025-03-03 09:00:00', 'VP Ops', 'c@gmail.com'),
    (4, '2025-07-01 09:00:00', 'VP', 'd@acme.com');
INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'page_view', '2025-03-05 10:00:00'),
    (1, 'demo_request', '2025-03-10 12:00:00'), (1, 'page_view', '2025-03-11 10:00:00'), (1, 'page_view', '2025-03-12 10:00:00'),
    (2, 'page_view', '2025-03-04 10:00:00'), (3, 'audit_request', '2025-03-04 10:00:00'), (3, 'demo_request', '2025-03-06 10:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (1, 'MQL', '2025-03-08 00:00:00', 'crm'),
    (1, 'SQL', '2025-03-10 12:00:00', 'ana'), (1, 'won', '2025-04-01 00:00:00', 'crm');
SELECT lead_id, created_at, outcome, decided_at, score, fit, engagement, grade, stage, criteria
FROM rule_decisions('r', 'SQL', '2025-06-30');
-- [4] a rule's own entries are not outcomes (nor another rule's): lead 2 made SQL by rules stays unconverted; lost is not won; disqualified is not SQL
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (2, 'SQL', '2025-03-05 00:00:00', 'rule:r@1'),
    (2, 'won', '2025-03-06 00:00:00', 'rule:other'), (3, 'disqualified', '2025-03-07 00:00:00', 'ana'),
    (3, 'lost', '2025-03-08 00:00:00', 'ana');
SELECT lead_id, outcome, decided_at FROM rule_decisions('r', 'SQL', '2025-06-30');
SELECT lead_id, outcome, decided_at, score FROM rule_decisions('r', 'won', '2025-06-30');
-- [5] as_of cuts: an hour before lead 1's SQL it has not converted (scored at as_of); lead 4, created later, is not a row
SELECT lead_id, outcome, decided_at, score, criteria FROM rule_decisions('r', 'SQL', '2025-03-10 11:00:00');
-- [h3] a rule whose condition never ends stops at the lead's budget, naming the rule, in rule_decisions as in scoring
INSERT INTO mqlite_rules(name, source) VALUES ('loop', 'thresholds { MQL = 10 }
event("page_view", 20, { where = function(e) while true do end end })');
SELECT * FROM rule_decisions('loop', 'SQL', '2025-06-30');
-- [6] a lead at a time, lead by lead in a join (the statements kept from lead to lead, in any order; lead 9 does not exist), and a range
SELECT lead_id, outcome, score FROM rule_decisions('r', 'SQL', '2025-06-30') WHERE lead_id = 3;
SELECT l.id, r.outcome, r.score, r.criteria FROM (SELECT 3 AS id UNION ALL SELECT 1 UNION ALL SELECT 9 UNION ALL SELECT 2) l
CROSS JOIN rule_decisions('r', 'SQL', '2025-06-30') r WHERE r.lead_id = l.id;
SELECT group_concat(lead_id) FROM rule_decisions('r', 'SQL', '2025-12-31') WHERE lead_id BETWEEN 2 AND 4;
SELECT roc_auc(score, outcome) FROM rule_decisions('r', 'SQL', '2025-12-31');
