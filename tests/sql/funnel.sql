-- funnel.sql — funnel(), cohort_conversion(), speed_to_lead() and the stage
-- views on hand-made histories whose answers are known.
.read schema/mqlite.sql
.read schema/views.sql
-- [1] The domain notes' example: 500 MQLs in January (on the 10th), 200 of them
-- SQL ten days later: 40 %. Odd ids come from 'web', even from 'ads'; ana owns 1-250.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO leads(id, created_at, source, owner)
SELECT i, '2025-01-01', CASE WHEN i % 2 THEN 'web' ELSE 'ads' END, CASE WHEN i <= 250 THEN 'ana' ELSE 'ben' END FROM n;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'IQL', '2025-01-01' FROM leads;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'Marketing Qualified Lead', '2025-01-10' FROM leads;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'SQL', '2025-01-20' FROM leads WHERE id <= 200;
-- [2] sales touches: 1-100 two hours after MQL, 101-150 after thirty hours, 151-160 only before MQL
INSERT INTO events(lead_id, type, occurred_at) SELECT id, 'sales_contact', '2025-01-10 02:00' FROM leads WHERE id <= 100;
INSERT INTO events(lead_id, type, occurred_at) SELECT id, 'sales_contact', '2025-01-11 06:00' FROM leads WHERE id BETWEEN 101 AND 150;
INSERT INTO events(lead_id, type, occurred_at) SELECT id, 'sales_contact', '2025-01-05' FROM leads WHERE id BETWEEN 151 AND 160;
-- [3] March: the odd cases
INSERT INTO leads(id, created_at) VALUES (1001, '2025-03-01'), (1002, '2025-03-01'), (1003, '2025-03-01'),
                                         (1004, '2025-03-01'), (1005, '2025-03-01'), (1006, '2025-03-01');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES
  -- recycled: SQL rejected by sales back to nurture, later an MQL again
  (1001, 'IQL', '2025-03-01'), (1001, 'MQL', '2025-03-05'), (1001, 'SQL', '2025-03-10'),
  (1001, 'recycled', '2025-03-20'), (1001, 'MQL', '2025-04-15'),
  -- skips MQL on the way to SQL
  (1002, 'IQL', '2025-03-01'), (1002, 'SQL', '2025-03-03'),
  -- ties: two stages at the same moment
  (1003, 'IQL', '2025-03-01 00:00'), (1003, 'MQL', '2025-03-01 00:00'), (1003, 'SQL', '2025-03-02'),
  -- SQL, then nurture, never SQL again
  (1004, 'IQL', '2025-03-01'), (1004, 'SQL', '2025-03-02'), (1004, 'nurture', '2025-03-05'),
  -- nurture, then SQL
  (1005, 'IQL', '2025-03-01'), (1005, 'MQL', '2025-03-02'), (1005, 'nurture', '2025-03-06'), (1005, 'SQL', '2025-03-25'),
  -- only a detour: never on the main path
  (1006, 'nurture', '2025-03-01');

.print '-- January cohort: 500 -> 500 -> 200 (40 %)'
SELECT stage, rank, reached, round(from_previous, 4), round(from_top, 4), round(lower, 4), round(upper, 4), median_days
FROM funnel('2025-01-01', '2025-02-01');
.print '-- a 15-day window cuts the SQLs (19 days after entry); 19 days keeps them'
SELECT stage, reached FROM funnel('2025-01-01', '2025-02-01', 15) WHERE rank >= 3 AND rank <= 4;
SELECT stage, reached FROM funnel('2025-01-01', '2025-02-01', 19) WHERE rank = 4;
.print '-- one funnel per source'
SELECT segment, stage, reached, round(from_previous, 4) FROM funnel('2025-01-01', '2025-02-01', NULL, 'source') WHERE rank IN (3, 4);
.print '-- March: recycled, skipped and tied leads; 1006 never enters the path'
SELECT stage, reached, round(from_previous, 4), median_days FROM funnel('2025-03-01', '2025-04-01') WHERE rank BETWEEN 2 AND 5;
.print '-- everything: 505 leads'
SELECT stage, reached FROM funnel() WHERE rank IN (1, 4);
.print '-- lag-aware MQL->SQL by month; February is empty; March is still open on 2025-06-15'
SELECT cohort, cohort_start, entered, converted, round(rate, 4), round(lower, 4), round(upper, 4), median_days,
       negative, naive_converted, round(naive_rate, 4), status
FROM cohort_conversion('MQL', 'SQL', 'month', 90, '2025-06-15');
.print '-- back from nurture to SQL: two leads reached SQL only before their nurture entry'
SELECT cohort, entered, converted, round(rate, 4), median_days, negative, naive_converted, status
FROM cohort_conversion('nurture', 'SQL', 'month', 90, '2025-12-31');
SELECT cohort, cohort_start, entered FROM cohort_conversion('MQL', 'SQL', 'quarter', 90, '2025-12-31');
SELECT cohort, cohort_start, entered FROM cohort_conversion('MQL', 'SQL', 'week', 90, '2025-12-31', '2025-01-06', '2025-01-20');
.print '-- speed to lead in January, by owner, 24-hour SLA'
SELECT segment, mqls, contacted, within_sla, never_contacted, contacted_before_mql,
       share_contacted, share_within_sla, share_never, median_hours, p90_hours
FROM speed_to_lead('sales_contact', 24, 'owner', '2025-01-01', '2025-02-01');
SELECT mqls, contacted, within_sla FROM speed_to_lead(NULL, 48, NULL, '2025-01-01', '2025-02-01');
.print '-- stages: current and furthest'
SELECT lead_id, stage FROM lead_current_stage WHERE lead_id > 1000 ORDER BY lead_id;
SELECT lead_id, stage_max(stage) FROM stage_history WHERE lead_id > 1000 GROUP BY lead_id ORDER BY lead_id;
.print '-- views over the same data'
SELECT month, mqls, sql_within_90_days, round(lag_aware_rate, 4) FROM mql_to_sql_by_month WHERE month = '2025-01';
SELECT source, stage, reached FROM funnel_by_source WHERE rank = 4 ORDER BY source;
SELECT owner, mqls, contacted FROM speed_to_lead_by_owner ORDER BY owner;
.print '-- errors'
SELECT * FROM funnel('soon');
SELECT * FROM funnel(NULL, NULL, -5);
SELECT * FROM funnel(NULL, NULL, NULL, 'nope');
SELECT * FROM cohort_conversion;
SELECT * FROM cohort_conversion('MQL');
SELECT * FROM cohort_conversion('MQL', 'sales ready');
SELECT * FROM cohort_conversion('MQL', 'SQL', 'fortnight');
SELECT * FROM speed_to_lead(NULL, 0);
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1006, 'Negotiation Won', '2025-03-02');
SELECT * FROM funnel();
-- [4] Dates a report cannot label, and more periods than a report should print
-- (a fuzzer's find: this once filled billions of empty weeks).
DELETE FROM stage_history WHERE lead_id = 1006;
SELECT count(*) FROM cohort_conversion('MQL', 'SQL', 'week', 90, NULL, '2000-01-01', '9000-01-01');
SELECT count(*) FROM cohort_conversion('MQL', 'SQL', 'year', 90, NULL, '2000-01-01', '9000-01-01');
SELECT count(*) FROM cohort_conversion('MQL', 'SQL', 'month', 90, NULL, 1e15);
SELECT count(*) FROM funnel(NULL, 253402300800);
SELECT count(*) FROM speed_to_lead('sales_contact', 24, NULL, -1e300);
-- [5] As of a time, the past as it was (issue 14): in speed_to_lead, touches
-- and entries after it are not read, and an MQL not yet contacted whose 24
-- hours have not run out is pending, not never contacted (the shares leave
-- it out); cohort_conversion does not count SQLs entered after its as_of.
SELECT 'noon of the MQL day', mqls, contacted, within_sla, never_contacted, contacted_before_mql, pending,
       round(share_contacted, 4), round(share_never, 4)
FROM speed_to_lead('sales_contact', 24, NULL, '2025-01-01', '2025-02-01', 0, '2025-01-10 12:00');
SELECT 'two days later', mqls, contacted, within_sla, never_contacted, contacted_before_mql, pending,
       round(share_contacted, 4), round(share_never, 4)
FROM speed_to_lead('sales_contact', 24, NULL, '2025-01-01', '2025-02-01', 0, '2025-01-12');
SELECT 'before any MQL', count(*) FROM speed_to_lead('sales_contact', 24, NULL, NULL, NULL, 0, '2025-01-05');
SELECT 'no as_of: now', mqls, pending FROM speed_to_lead('sales_contact', 24, NULL, '2025-01-01', '2025-02-01');
SELECT 'cohort as of the 15th', cohort, entered, converted, naive_converted, status
FROM cohort_conversion('MQL', 'SQL', 'month', 90, '2025-01-15', '2025-01-01', '2025-02-01');
SELECT 'cohort as of the 25th', cohort, entered, converted, naive_converted, status
FROM cohort_conversion('MQL', 'SQL', 'month', 90, '2025-01-25', '2025-01-01', '2025-02-01');
SELECT * FROM speed_to_lead('sales_contact', 24, NULL, NULL, NULL, 0, 'soon');
-- [6] funnel as of a date: the history as it stood then (entries after it are
-- not read); without as_of, everything (issue 14)
SELECT 'as of the 15th', stage, reached FROM funnel('2025-01-01', '2025-02-01', NULL, NULL, 0, '2025-01-15') WHERE rank IN (2, 3, 4);
SELECT 'as of the 25th', stage, reached FROM funnel('2025-01-01', '2025-02-01', NULL, NULL, 0, '2025-01-25') WHERE rank = 4;
SELECT 'before it all', count(*), sum(reached) FROM funnel(NULL, NULL, NULL, NULL, 0, '2024-12-01');
SELECT * FROM funnel(NULL, NULL, NULL, NULL, 0, 'soon');
-- [7] by_rules: leads that only a rule's entries put at a rank (reached minus
-- by_rules is what people decided); a rule's and sales' SQL count as sales'
INSERT INTO leads(id, created_at) VALUES (701, '2025-06-01'), (702, '2025-06-01'), (703, '2025-06-01');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES
  (701, 'IQL', '2025-06-01', 'import'), (701, 'MQL', '2025-06-02', 'rule:b2b@2'), (701, 'SQL', '2025-06-03', 'rule:b2b@2'),
  (702, 'IQL', '2025-06-01', 'import'), (702, 'MQL', '2025-06-02', 'rule:b2b'), (702, 'SQL', '2025-06-04', 'crm'),
  (703, 'IQL', '2025-06-01', 'import'), (703, 'SQL', '2025-06-02', 'rule:b2b@2'), (703, 'SQL', '2025-06-05', 'manual');
SELECT 'by rules', stage, reached, by_rules FROM funnel('2025-06-01', '2025-07-01') WHERE rank BETWEEN 2 AND 5;
SELECT 'by rules, as of June 3', stage, reached, by_rules FROM funnel('2025-06-01', '2025-07-01', NULL, NULL, 0, '2025-06-03') WHERE rank = 4;
-- [8] a table function joined to a table, with an OR in WHERE: SQLite plans
-- each OR term on its own, and a plan without the required arguments is the
-- dearest, not an error that ends the planning ("from_stage and to_stage are
-- required" before); without them in any plan, the error is the usage
CREATE TEMP TABLE pairs(a TEXT, b TEXT);
INSERT INTO temp.pairs VALUES ('MQL', 'SQL');
SELECT 'or in where', p.a, p.b, c.cohort, c.entered FROM temp.pairs p JOIN cohort_conversion(p.a, p.b, 'month', 90) c
WHERE c.cohort = '2025-01' OR c.entered > 100;
