-- groupby.sql — group_by in funnel(), speed_to_lead(), cohort_conversion() and
-- lead_groups(): any column of leads or key of its attrs, checked against the
-- data and never written into SQL; fold = 1 groups by lower(trim(value)).
.read schema/mqlite.sql
.read schema/views.sql
-- [1] Eight leads: one source written four ways, a blank one and a missing
-- one; a lead origin in attrs written two ways; attrs keys a JSON path would
-- misread ('a.b', '$.a', 'x"y', '[0]', '', '1'). All IQL on 2025-01-01 and MQL
-- on the 2nd; 1, 2, 4 and 7 SQL on the 5th; sales touched 1-4 one hour after MQL.
INSERT INTO leads(id, created_at, email, title, source, owner, attrs) VALUES
  (1, '2025-01-01', 'a@x.io', 'CTO', 'Google', 'ana', '{"lead_origin": "Landing Page", "a.b": "dot", "source": "from attrs"}'),
  (2, '2025-01-01', 'b@x.io', 'CTO', 'google ', 'ana', '{"lead_origin": " landing page", "$.a": "dollar"}'),
  (3, '2025-01-01', 'c@x.io', 'CEO', 'GOOGLE', 'ben', '{"lead_origin": "API", "x\"y": "quote"}'),
  (4, '2025-01-01', 'd@x.io', 'CEO', 'Bing', 'ben', '{"lead_origin": "api", "[0]": "bracket"}'),
  (5, '2025-01-01', 'e@x.io', NULL, '', 'ben', '{"": "empty key", "1": "digit"}'),
  (6, '2025-01-01', 'f@x.io', NULL, NULL, 'ben', '{"region": true, "nested": {"p": 1}}'),
  (7, '2025-01-01', 'g@x.io', 'cto', ' ', NULL, '{"region": null, "lead_origin": ""}'),
  (8, '2025-01-01', 'h@x.io', NULL, NULL, NULL, NULL);
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'IQL', '2025-01-01' FROM leads;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'MQL', '2025-01-02' FROM leads;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'SQL', '2025-01-05' FROM leads WHERE id IN (1, 2, 4, 7);
INSERT INTO events(lead_id, type, occurred_at) SELECT id, 'sales_contact', '2025-01-02 01:00' FROM leads WHERE id <= 4;
CREATE TEMP TABLE before AS SELECT * FROM leads;
.print '-- source as stored: seven groups, NULL and the empty and blank values apart'
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'source') WHERE stage = 'MQL/PQL';
.print '-- folded: NULL, empty and blank are one group (NULL); Google written three ways is one'
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'source', 1) WHERE stage = 'MQL/PQL';
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'source', 1) WHERE stage = 'SQL';
.print '-- fold 0 and NULL are no fold; a name in another case is the same column'
SELECT count(*) FROM funnel(NULL, NULL, NULL, 'source', 0) WHERE stage = 'SQL';
SELECT count(*) FROM funnel(NULL, NULL, NULL, 'SOURCE', NULL) WHERE stage = 'SQL';
-- [2] an attrs key (lead_origin), as stored and folded; lead 8 has no attrs
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'lead_origin') WHERE stage = 'SQL';
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'lead_origin', 1) WHERE stage = 'SQL';
-- [3] columns that were not in the old list of five: title, email
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'title', 1) WHERE stage = 'SQL';
SELECT count(*), sum(reached) FROM funnel(NULL, NULL, NULL, 'email') WHERE stage = 'MQL/PQL';
-- [4] a column wins over an attrs key of the same name (lead 1's attrs has "source")
SELECT lead_id, quote(value) FROM lead_groups('source') WHERE lead_id = 1;
-- [5] keys a JSON path would misread each find exactly their lead; JSON true
-- reads 1, null NULL, an object its JSON text
SELECT 'a.b', lead_id, value FROM lead_groups('a.b') WHERE value IS NOT NULL;
SELECT '$.a', lead_id, value FROM lead_groups('$.a') WHERE value IS NOT NULL;
SELECT 'x"y', lead_id, value FROM lead_groups('x"y') WHERE value IS NOT NULL;
SELECT '[0]', lead_id, value FROM lead_groups('[0]') WHERE value IS NOT NULL;
SELECT '''''', lead_id, value FROM lead_groups('') WHERE value IS NOT NULL;
SELECT '1', lead_id, value FROM lead_groups('1') WHERE value IS NOT NULL;
SELECT 'region', lead_id, quote(value) FROM lead_groups('region') WHERE lead_id IN (6, 7);
SELECT 'nested', lead_id, value FROM lead_groups('nested') WHERE value IS NOT NULL;
-- [6] lead_groups gives what the reports group by: every lead, in id order
SELECT group_concat(lead_id || '=' || quote(value), ' ') FROM lead_groups('source', 1);
SELECT value, count(*) FROM lead_groups('lead_origin', 1) GROUP BY value ORDER BY value;
-- [7] speed to lead and cohorts by a folded group
SELECT quote(segment), mqls, contacted, within_sla, never_contacted FROM speed_to_lead('sales_contact', 24, 'source', NULL, NULL, 1);
SELECT quote(segment), mqls, contacted FROM speed_to_lead('sales_contact', 24, 'lead_origin');
SELECT quote(segment), cohort, entered, converted, round(rate, 3), naive_converted, status
FROM cohort_conversion('MQL', 'SQL', 'month', 30, '2025-12-31', NULL, NULL, 'lead_origin', 1);
.print '-- empty periods are listed within each group; start and stop pad every group'
SELECT quote(segment), cohort, entered FROM cohort_conversion('MQL', 'SQL', 'month', 30, '2025-12-31', '2024-12-01', '2025-02-01', 'owner');
.print '-- without a group: the segment is NULL and nothing else changed'
SELECT quote(segment), cohort, entered, converted FROM cohort_conversion('MQL', 'SQL', 'month', 30, '2025-12-31');
SELECT count(*) FROM cohort_conversion('MQL', 'SQL', 'month', 30, '2025-12-31', '2025-06-01', '2025-09-01');
-- [8] names that are neither: the error names them, the columns and the attrs
-- keys; nothing is run, nothing changes
SELECT * FROM funnel(NULL, NULL, NULL, 'source"; DROP TABLE leads; --');
SELECT * FROM funnel(NULL, NULL, NULL, '$.b');
SELECT * FROM speed_to_lead(NULL, NULL, 'b.a');
SELECT * FROM cohort_conversion('MQL', 'SQL', NULL, NULL, NULL, NULL, NULL, 'lead origin');
SELECT * FROM lead_groups(' source');
SELECT * FROM funnel(NULL, NULL, NULL, printf('%.10000c', 'x'));
SELECT * FROM funnel(NULL, NULL, NULL, 'own' || char(27) || '[2J' || char(9) || 'er');
SELECT 'leads unchanged', count(*) FROM (SELECT * FROM leads EXCEPT SELECT * FROM temp.before), (SELECT count(*) FROM leads);
-- [9] arguments of the wrong type
SELECT * FROM funnel(NULL, NULL, NULL, 5);
SELECT * FROM funnel(NULL, NULL, NULL, 'source', 2);
SELECT * FROM funnel(NULL, NULL, NULL, 'source', 'yes');
SELECT * FROM speed_to_lead(NULL, NULL, 'source', NULL, NULL, 1.0);
SELECT * FROM cohort_conversion('MQL', 'SQL', NULL, NULL, NULL, NULL, NULL, x'00');
SELECT * FROM lead_groups;
SELECT * FROM lead_groups(NULL);
.print '-- fold without a group changes nothing'
SELECT count(*), sum(reached) FROM funnel(NULL, NULL, NULL, NULL, 1);
-- [10] more groups than a report should print
WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 10100)
INSERT INTO leads(id, created_at) SELECT i, '2025-02-01' FROM n;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'MQL', '2025-02-01' FROM leads WHERE id >= 100;
SELECT count(*) FROM funnel(NULL, NULL, NULL, 'id');
SELECT count(*) FROM cohort_conversion('MQL', 'SQL', 'month', 30, NULL, NULL, NULL, 'id');
SELECT count(*) FROM funnel(NULL, NULL, NULL, 'owner');
DELETE FROM stage_history WHERE lead_id >= 100;
DELETE FROM leads WHERE id >= 100;
-- [11] the schema's views that name a group still work
SELECT source, stage, reached FROM funnel_by_source WHERE stage = 'SQL' ORDER BY source;
SELECT owner, mqls, contacted FROM speed_to_lead_by_owner;
-- [12] a stranger's database: attrs that are not JSON have no keys; a leads
-- view that calls back into mqlite is refused; no leads table at all
PRAGMA ignore_check_constraints = ON;
INSERT INTO leads(id, created_at, source, attrs) VALUES (9, '2025-01-01', 'x', '{not json');
PRAGMA ignore_check_constraints = OFF;
SELECT lead_id, quote(value) FROM lead_groups('lead_origin') WHERE lead_id >= 8;
SELECT quote(segment), reached FROM funnel(NULL, NULL, NULL, 'lead_origin', 1) WHERE stage = 'target';
PRAGMA foreign_keys = OFF;
ALTER TABLE leads RENAME TO leads_real;
CREATE VIEW leads AS SELECT id, source, (SELECT count(*) FROM funnel(NULL, NULL, NULL, 'source')) AS attrs FROM leads_real;
PRAGMA trusted_schema = OFF;
SELECT 'a column the view computes nothing for', count(*) FROM lead_groups('source');
SELECT * FROM funnel(NULL, NULL, NULL, 'attrs');
DROP VIEW leads;
CREATE VIEW leads AS SELECT id, source, '{"k": ' || (SELECT count(*) FROM funnel()) || '}' AS attrs FROM leads_real;
SELECT * FROM lead_groups('k');
DROP VIEW leads;
CREATE VIEW leads AS SELECT id, source, lead_score('r', '{}') AS attrs FROM leads_real;
SELECT * FROM lead_groups('k');
DROP VIEW leads;
SELECT * FROM funnel(NULL, NULL, NULL, 'source');
-- [13] lead_group_kind: what a name is, by the same rules, without an error
.read schema/mqlite.sql
INSERT INTO leads(id, created_at, source, attrs) VALUES (1, '2025-01-01', 'web', '{"month": "x", "lead_origin": "API"}');
SELECT quote(lead_group_kind('source')), quote(lead_group_kind('SOURCE')), quote(lead_group_kind('month')),
       quote(lead_group_kind('week')), quote(lead_group_kind('')), quote(lead_group_kind(NULL));
SELECT lead_group_kind(1);
-- [a] 'account' is an attrs key of that name until some lead is matched to an
-- account (every schema has lead_accounts; an empty one must not take the
-- name from a CRM export's `account` key and put every lead under NULL)
INSERT INTO leads(id, created_at, attrs) VALUES (2, '2025-01-02', '{"account": "Acme"}'), (3, '2025-01-03', '{"account": "Beta"}');
SELECT 'attrs key', lead_group_kind('account');
SELECT lead_id, quote(value) FROM lead_groups('account') ORDER BY lead_id;
INSERT INTO accounts(id, name) VALUES (1, 'Globex');
INSERT INTO lead_accounts(lead_id, account_id, reason, matched_at) VALUES (3, 1, 'manual', '2025-01-04');
SELECT 'matched', lead_group_kind('account');
SELECT lead_id, quote(value) FROM lead_groups('account') ORDER BY lead_id;
