-- score.sql — the scoring functions' edges: NULLs, wrong types, bad JSON,
-- unknown rules, and explanations that add up to their scores.
.read schema/mqlite.sql
-- [1] lead_score of leads as JSON
INSERT INTO mqlite_rules VALUES ('t', '
thresholds { MQL = 30, SQL = { score = 60, grade = "B" } }
caps { total = 100 }
fit("big company", 40, { employees = at_least(1000) })
fit("any revenue", 20, { annual_revenue = at_least(1) })
fit("free mail", -10, { email = free_email() })
decay { half_life_days = 30 }
event("click", 7, { cap = 20 })
signal("audit_request", "asked for an audit")
', '2025-01-01 00:00:00');
-- [2] NULL in, NULL out
SELECT 'null rule', lead_score(NULL, '{}') IS NULL;
SELECT 'null lead', lead_score('t', NULL) IS NULL, lead_explain('t', NULL) IS NULL, lead_grade('t', NULL) IS NULL, lead_qualify('t', NULL) IS NULL;
SELECT 'null score', lead_stage('t', NULL) IS NULL, lead_stage('t', NULL, 'A') IS NULL;
-- [3] wrong types
SELECT lead_score(1, '{}');
SELECT lead_score('t', 42);
SELECT lead_score('t', x'7b7d');
SELECT lead_stage('t', 'lots');
SELECT lead_stage('t', 70, 3);
SELECT lead_stage('t', 70, 'Z');
SELECT lead_stage('t', 70);
SELECT lead_score('t');
-- [4] bad JSON
SELECT lead_score('t', '{"employees": ');
SELECT lead_score('t', '"just text"');
SELECT lead_score('t', '{"events": 5}');
SELECT lead_score('t', '{"events": [{"type": "click"}]}');
SELECT lead_score('t', '{"events": [{"type": "click", "occurred_at": "2025-02-30"}]}');
SELECT lead_score('t', '{"as_of": "soon"}');
-- [5] unknown rule, then a database without the rules table
SELECT lead_score('nope', '{}');
SELECT lead_score('bad name!', '{}');
-- [6] values
SELECT 'empty lead', lead_score('t', '{}'), lead_grade('t', '{}'), lead_qualify('t', '{}');
SELECT 'text number', lead_score('t', '{"employees": "5000"}');
SELECT 'mql', lead_qualify('t', '{"employees": 5000}');
-- [7] 64 points is over SQL's 60, but grade C is under SQL's B: MQL
WITH l(j) AS (VALUES ('{"employees": 5000, "annual_revenue": 9, "email": "a@gmail.com", "as_of": 0,
  "events": [{"type": "click", "occurred_at": 0}, {"type": "click", "occurred_at": 0}]}'))
SELECT 'grade gate', lead_score('t', j), lead_grade('t', j), lead_qualify('t', j) FROM l;
SELECT 'sql', lead_qualify('t', '{"employees": 5000, "annual_revenue": 9}'), lead_grade('t', '{"employees": 5000, "annual_revenue": 9}');
SELECT 'signal', lead_qualify('t', '{"events": [{"type": "audit_request", "occurred_at": 0}]}');
-- [8] the explanation adds up to the score, exactly, caps and decay included
WITH l(j) AS (VALUES
  ('{"employees": 5000, "annual_revenue": 9, "as_of": "2025-03-01", "events": [
     {"type": "click", "occurred_at": "2025-02-28"}, {"type": "click", "occurred_at": "2025-02-20"},
     {"type": "click", "occurred_at": "2025-02-01"}, {"type": "click", "occurred_at": "2025-01-01"}]}'),
  ('{"email": "x@yahoo.com", "as_of": "2025-03-01", "events": [{"type": "click", "occurred_at": "2024-11-01"}]}'),
  ('{"employees": 99999, "annual_revenue": 1e9, "as_of": 1740787200, "events": [
     {"type": "click", "occurred_at": 1740787200}, {"type": "click", "occurred_at": 1740787200},
     {"type": "click", "occurred_at": 1740787200}, {"type": "audit_request", "occurred_at": 1740787200}]}'))
SELECT 'adds up', lead_score('t', j), (SELECT sum(value ->> 'points') FROM json_each(lead_explain('t', j))),
       lead_score('t', j) = (SELECT sum(value ->> 'points') FROM json_each(lead_explain('t', j)))
FROM l;
SELECT lead_explain('t', '{"employees": 99999, "annual_revenue": 1e9, "as_of": 1740787200, "events": [
     {"type": "click", "occurred_at": 1740787200}, {"type": "click", "occurred_at": 1740787200},
     {"type": "click", "occurred_at": 1740787200}, {"type": "audit_request", "occurred_at": 1740787200}]}');
-- [9] lead_explain is marked as JSON, so it nests as JSON, not as a string
SELECT json_object('why', lead_explain('t', '{"employees": 1000}'));
-- [10] caps apply once each and fit + engagement is the score: a group cap and
-- the fit cap that both bind cut once (30, not 20); the group's cut is shared
-- between fit and engagement (issue 14)
INSERT INTO mqlite_rules VALUES ('caps', '
group("g", { cap = 30 })
caps { fit = 30 }
fit("a", 25, { a = 1 }, { group = "g" })
fit("b", 15, { b = 1 }, { group = "g" })
event("x", 10, { group = "g" })
', '2025-01-01 00:00:00');
WITH l(j) AS (VALUES ('{"a": 1, "b": 1}'),
  ('{"a": 1, "as_of": "2025-03-01", "events": [{"type": "x", "occurred_at": "2025-03-01"}, {"type": "x", "occurred_at": "2025-03-01"}]}'))
SELECT 'caps once', lead_score('caps', j), (SELECT sum(value ->> 'points') FROM json_each(lead_explain('caps', j))) FROM l;
SELECT lead_explain('caps', '{"a": 1, "as_of": "2025-03-01", "events": [{"type": "x", "occurred_at": "2025-03-01"}, {"type": "x", "occurred_at": "2025-03-01"}]}');
-- [10b] a signal's stage is ranked by the stage model: a trial signal (PQL)
-- does not demote a lead that is SQL by score, and lifts one that is IQL
INSERT INTO mqlite_rules VALUES ('pql', '
thresholds { MQL = 50, SQL = 100 }
fit("big", 120, { a = 1 })
signal("trial_started", "started a trial", { stage = "PQL" })
', '2025-01-01 00:00:00');
SELECT 'pql', lead_qualify('pql', '{"a": 1, "events": [{"type": "trial_started", "occurred_at": 0}]}'),
       lead_qualify('pql', '{"events": [{"type": "trial_started", "occurred_at": 0}]}');
-- [11] the connection is still fine after all those errors
SELECT 'still fine', lead_score('t', '{"employees": 1000}');
