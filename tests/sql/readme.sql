-- readme.sql — every example of the README's function reference, verbatim.
.read schema/mqlite.sql
INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'));
SELECT mqlite_version();
SELECT mqlite_lua_version();
SELECT mqlite_debug() ->> '$.instruction_limit';
SELECT mqlite_limit('instructions');
SELECT mqlite_limit('memory', 32 * 1024 * 1024);
SELECT lead_score('b2b', '{"annual_revenue": 2500000, "employees": 120, "title": "VP Marketing",
                           "attrs": {"web_visits": 40000, "cms": "WordPress"}}');
SELECT lead_grade('b2b', '{"annual_revenue": 2500000, "employees": 120, "title": "VP Marketing",
                           "attrs": {"web_visits": 40000, "cms": "WordPress"}}');
SELECT value ->> 'points' AS points, value ->> 'reason' AS reason
FROM json_each(lead_explain('b2b', '{"email": "jo@gmail.com", "title": "Student", "as_of": "2025-06-30",
  "events": [{"type": "demo_request", "occurred_at": "2025-06-30"},
             {"type": "whitepaper_download", "occurred_at": "2025-04-01"}]}'));
SELECT lead_stage('b2b', 60), lead_stage('b2b', 120, 'A'), lead_stage('b2b', 120, 'C');
SELECT lead_qualify('b2b', '{"events": [{"type": "audit_request", "occurred_at": "2025-06-01"}]}');
WITH e(type, occurred_at, props) AS (VALUES
    ('pricing_page_visit',  '2025-06-30', NULL),
    ('whitepaper_download', '2025-04-01', NULL),
    ('page_view',           '2025-06-29', '{"url": "/blog/seo"}'))
SELECT engagement_score('b2b', type, occurred_at, props, '2025-06-30') FROM e;
INSERT INTO leads(id, created_at, email, title, annual_revenue, attrs) VALUES
    (1, '2025-06-01', 'ana@acme.com', 'CTO', 5e6, '{"web_visits": 90000, "cms": "drupal"}'),
    (2, '2025-06-02', 'bo@gmail.com', 'Student', NULL, NULL);
INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'demo_request', '2025-06-20');
SELECT lead_id, score, fit, engagement, grade, stage FROM score_leads('b2b', '2025-06-30');
