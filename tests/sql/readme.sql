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
-- Stages, conversion and time
SELECT stage_rank('Marketing Qualified Lead'), stage_name('closed-won'), stage_next('MQL'), stage_is_forward('SQL', 'nurture');
WITH h(stage) AS (VALUES ('IQL'), ('MQL'), ('SQL'), ('nurture')) SELECT stage_max(stage) FROM h;
SELECT conversion_rate(200, 500), round(wilson_lower(40, 100), 4), round(wilson_upper(40, 100), 4);
WITH x(v) AS (VALUES (1), (2), (3), (10)) SELECT median(v), percentile(v, 90) FROM x;
SELECT days_between('2025-01-01', '2025-01-31 12:00'), days_between('2025-01-31', '2025-01-01');
SELECT open_rate(250, 1000), click_rate(30, 1000), click_to_open_rate(30, 250), response_rate(100, 1000), cost_per_mql(5000, 40);
SELECT email_benchmark('open_rate', 0.25), email_benchmark('click_rate', 0.012);
INSERT INTO leads(id, created_at, source, owner) VALUES
    (10, '2025-01-02', 'web', 'ana'), (11, '2025-01-03', 'web', 'ana'), (12, '2025-01-05', 'ads', 'ben'), (13, '2025-02-01', 'ads', 'ben');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES
    (10, 'IQL', '2025-01-02'), (10, 'MQL', '2025-01-06'), (10, 'SQL', '2025-01-20'), (10, 'won', '2025-03-01'),
    (11, 'IQL', '2025-01-03'), (11, 'MQL', '2025-01-10'), (11, 'SQL', '2025-04-20'),
    (12, 'IQL', '2025-01-05'), (12, 'MQL', '2025-01-07'), (12, 'recycled', '2025-02-01'),
    (13, 'IQL', '2025-02-01');
INSERT INTO events(lead_id, type, occurred_at) VALUES (10, 'sales_contact', '2025-01-06 03:00'), (11, 'sales_contact', '2025-01-12');
SELECT stage, reached, round(from_previous, 3), round(from_top, 3), median_days FROM funnel();
SELECT segment, stage, reached FROM funnel('2025-01-01', '2025-02-01', 30, 'source') WHERE stage = 'SQL';
SELECT cohort, entered, converted, round(rate, 3), naive_converted, status
FROM cohort_conversion('MQL', 'SQL', 'month', 30, '2025-12-31');
SELECT mqls, contacted, within_sla, never_contacted, median_hours FROM speed_to_lead('sales_contact', 24);
SELECT lead_id, stage FROM lead_current_stage WHERE lead_id >= 10;
