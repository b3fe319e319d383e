-- rules.sql — rules come from mqlite_rules by name, compile once per
-- connection, and compile again when their source changes.
.read schema/mqlite.sql
-- [0] no Lua state until a rule runs (issue 14): loading mqlite and using
-- functions without rules (the stage model, a funnel) makes none
SELECT 'before', mqlite_debug() ->> '$.lua_state', mqlite_debug() ->> '$.memory_used', stage_rank('SQL'), (SELECT count(*) FROM funnel());
-- [1] compiled once, cached, compiled again when the source changes
INSERT INTO mqlite_rules(name, source) VALUES ('r', 'fit("big", 10, { employees = at_least(100) })');
SELECT 'v1', lead_score('r', '{"employees": 500}'), mqlite_debug() ->> '$.rules_compiled', mqlite_debug() ->> '$.lua_state';
SELECT 'cached', lead_score('r', '{"employees": 500}'), mqlite_debug() ->> '$.rules_compiled';
UPDATE mqlite_rules SET source = 'fit("big", 25, { employees = at_least(100) })' WHERE name = 'r';
SELECT 'v2', lead_score('r', '{"employees": 500}'), mqlite_debug() ->> '$.rules_compiled';
-- [2] the rule name may vary from row to row
INSERT INTO mqlite_rules(name, source) VALUES ('s', 'fit("small", 5, { employees = at_most(10) })');
SELECT name, lead_score(name, '{"employees": 5}') FROM mqlite_rules ORDER BY name;
-- [3] a source stored as a BLOB (readfile() gives one) is read as text
INSERT INTO mqlite_rules(name, source) VALUES ('blob', CAST('fit("b", 3, { a = 1 })' AS BLOB));
SELECT 'blob', lead_score('blob', '{"a": 1}');
-- [4] errors name the rule and the line
UPDATE mqlite_rules SET source = 'fit("big", 25,' || char(10) || '  { employees = at_least(100) }' WHERE name = 'r';
SELECT lead_score('r', '{}');
UPDATE mqlite_rules SET source = 'fit("x", 1, function(l)' || char(10) || '  return l.employees > 10' || char(10) || 'end)' WHERE name = 'r';
SELECT lead_score('r', '{"employees": 50}');
SELECT lead_score('r', '{}');
UPDATE mqlite_rules SET source = 'thresholds { MQL = "fifty" }' WHERE name = 'r';
SELECT lead_score('r', '{}');
UPDATE mqlite_rules SET source = 'event("demo", 10, { once = true, cpa = 2 })' WHERE name = 'r';
SELECT lead_score('r', '{}');
UPDATE mqlite_rules SET source = 'fit("x", 1, { title = at_least })' WHERE name = 'r';
SELECT lead_score('r', '{}');
-- [5] the schema keeps bad rule names out
INSERT INTO mqlite_rules(name, source) VALUES ('no spaces', 'x = 1');
-- [6] without the rules table
DROP TABLE mqlite_rules;
SELECT lead_score('s', '{}');
-- [7] a rule changed in a transaction that is rolled back scores as before
.read schema/mqlite.sql
INSERT INTO mqlite_rules(name, source) VALUES ('t', 'fit("big", 10, { employees = at_least(100) })');
SELECT 'before', lead_score('t', '{"employees": 500}');
BEGIN;
UPDATE mqlite_rules SET source = 'fit("big", 99, { employees = at_least(100) })' WHERE name = 't';
SELECT 'inside', lead_score('t', '{"employees": 500}');
ROLLBACK;
SELECT 'after rollback', lead_score('t', '{"employees": 500}');
