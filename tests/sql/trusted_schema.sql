-- trusted_schema.sql — a database made by someone else. With PRAGMA
-- trusted_schema=OFF (what the scripts set), its views, triggers and CHECKs may
-- call only SQLITE_INNOCUOUS functions: mqlite's pure and read-only ones are
-- (stage_*, rates, median, funnel() ...). Those that run a rule's Lua
-- (lead_score, score_leads ...) and mqlite_limit are SQLITE_DIRECTONLY: refused
-- in a view or trigger even when trusted_schema is ON.
.read schema/mqlite.sql
-- [1] a view or trigger may call only innocuous functions
INSERT INTO leads(id, created_at, attrs) VALUES (1, '2025-01-01', '{"a": 1}');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1, 'IQL', '2025-01-01'), (1, 'MQL', '2025-01-05');
INSERT INTO mqlite_rules(name, source) VALUES ('r', 'fit("a", 10, { a = 1 })');
CREATE VIEW v_stage AS SELECT stage_rank('MQL') AS r, conversion_rate(1, 4) AS c, wilson_lower(40, 100) AS w;
CREATE VIEW v_funnel AS SELECT stage, reached FROM funnel() WHERE reached > 0;
CREATE VIEW v_score AS SELECT lead_score('r', '{"a": 1}') AS s;
CREATE VIEW v_score_leads AS SELECT * FROM score_leads('r');
CREATE VIEW v_limit AS SELECT mqlite_limit('memory', 4 * 1024 * 1024 * 1024) AS m;
CREATE TABLE audit(x);
CREATE TRIGGER t_limit AFTER INSERT ON audit BEGIN SELECT mqlite_limit('instructions', 1000000000000); END;
CREATE TRIGGER t_score AFTER INSERT ON audit BEGIN INSERT INTO audit SELECT lead_score('r', '{}') WHERE NEW.x = 1; END;
PRAGMA trusted_schema = OFF;
SELECT 'innocuous', * FROM v_stage;
SELECT 'table function', * FROM v_funnel;
SELECT * FROM v_score;
SELECT * FROM v_score_leads;
SELECT * FROM v_limit;
INSERT INTO audit VALUES (1);
-- [2] mqlite's own schema works with trusted_schema=OFF: every view (views.sql's TEMP ones too), and writes.
.read schema/views.sql
SELECT 'views', (SELECT count(*) FROM lead_current_stage), (SELECT count(*) FROM mql_to_sql_by_month),
       (SELECT count(*) FROM funnel_by_source), (SELECT count(*) FROM speed_to_lead_by_owner),
       (SELECT count(*) FROM campaign_report);
INSERT INTO events(lead_id, type, occurred_at, props) VALUES (1, 'demo_request', '2025-01-06', '{"page": "/demo"}');
UPDATE mqlite_rules SET source = 'fit("a", 20, { a = 1 })' WHERE name = 'r';
SELECT 'direct calls still work', lead_score('r', '{"a": 1}');
PRAGMA trusted_schema = ON;
SELECT 'trusted', * FROM v_score;
SELECT * FROM v_score_leads;
SELECT * FROM v_limit;
INSERT INTO audit VALUES (2);
SELECT 'limits unchanged', mqlite_limit('memory') = 64 * 1024 * 1024;
