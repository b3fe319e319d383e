-- score_leads.sql — the table-valued scorer reads leads and events directly
-- and agrees with lead_score over the same lead as JSON.
.read schema/mqlite.sql
-- [1] score_leads over the leads table
INSERT INTO mqlite_rules(name, source) VALUES ('b2b', readfile('samples/rules/b2b.lua'));
INSERT INTO leads(id, created_at, email, company, industry, employees, annual_revenue, country, title, source, attrs) VALUES
  (1, '2025-01-05', 'kim@northwind.io', 'Northwind', 'software', 300, 4.2e6, 'US', 'Head of Growth', 'webinar', '{"web_visits": 52000, "cms": "webflow"}'),
  (2, '2025-01-06', 'li@gmail.com', NULL, NULL, NULL, NULL, 'GB', 'Student', 'organic', NULL),
  (3, '2025-01-07', 'max@contoso.de', 'Contoso', 'retail', 40, 9e5, 'DE', 'Marketing Manager', 'paid', '{"cms": "wix"}'),
  (4, '2025-01-08', 'sam@fabrikam.com', 'Fabrikam', 'manufacturing', 2000, 3e7, 'US', 'Analyst', 'events', NULL),
  (5, '2025-01-09', 'ann@tailspin.com', 'Tailspin', 'software', 80, 1.5e6, 'CA', 'CTO', 'referral', '{"web_visits": 1000, "cms": "drupal"}');
INSERT INTO events(lead_id, type, occurred_at, props) VALUES
  (1, 'whitepaper_download', '2025-02-01', NULL), (1, 'webinar_attended', '2025-02-10', NULL),
  (1, 'page_view', '2025-02-20', '{"url": "/pricing"}'), (1, 'demo_request', '2025-03-01', NULL),
  (2, 'whitepaper_download', '2025-02-01', NULL), (2, 'unsubscribe', '2025-02-02', NULL),
  (3, 'page_view', '2025-02-15', '{"url": "/blog/a"}'), (3, 'page_view', '2025-02-16', '{"url": "/blog/b"}'),
  (3, 'page_view', '2025-02-17', NULL),
  (4, 'competitor_comparison', '2025-02-20', NULL),
  (5, 'pricing_page_visit', '2025-02-27', NULL), (5, 'whitepaper_download', '2025-02-26', NULL);
SELECT lead_id, score, fit, engagement, grade, stage FROM score_leads('b2b', '2025-03-01');
-- [2] the same leads as JSON give the same scores, and each explanation adds up
WITH j AS (
  SELECT l.id, json_object('email', email, 'company', company, 'industry', industry, 'employees', employees,
           'annual_revenue', annual_revenue, 'country', country, 'title', title, 'attrs', attrs,
           'as_of', '2025-03-01',
           'events', (SELECT json_group_array(json_object('type', type, 'occurred_at', occurred_at, 'props', json(props)))
                      FROM events e WHERE e.lead_id = l.id)) AS lead
  FROM leads l)
SELECT s.lead_id, s.score = lead_score('b2b', j.lead), s.grade = lead_grade('b2b', j.lead),
       s.stage = lead_qualify('b2b', j.lead), s.explanation = lead_explain('b2b', j.lead),
       (SELECT sum(value ->> 'points') FROM json_each(s.explanation)) = s.score
FROM score_leads('b2b', '2025-03-01') s JOIN j ON j.id = s.lead_id;
-- [3] one lead by id, with its explanation
SELECT explanation FROM score_leads('b2b', '2025-03-01') WHERE lead_id = 1;
SELECT count(*) FROM score_leads('b2b', '2025-03-01') WHERE lead_id = 99;
-- [4] as_of as unix seconds gives the same as the date
SELECT sum(score) = (SELECT sum(score) FROM score_leads('b2b', 1740787200)) FROM score_leads('b2b', '2025-03-01');
-- [4b] a range of lead_id is read as a range (issue 14: long runs in chunks):
-- the chunks add up to the whole, and a chunk does not read a lead outside
-- it (lead 5's attrs broken below fail the whole scan, not the chunk 1-4)
SELECT 'chunks', (SELECT count(*) || ' ' || sum(score) FROM score_leads('b2b', '2025-03-01') WHERE lead_id <= 2)
       || ' + ' || (SELECT count(*) || ' ' || sum(score) FROM score_leads('b2b', '2025-03-01') WHERE lead_id > 2 AND lead_id < 99)
       || ' = ' || (SELECT count(*) || ' ' || sum(score) FROM score_leads('b2b', '2025-03-01'));
SELECT 'between', group_concat(lead_id) FROM score_leads('b2b', '2025-03-01') WHERE lead_id BETWEEN 2 AND 4;
SELECT 'strict', group_concat(lead_id) FROM score_leads('b2b', '2025-03-01') WHERE lead_id > 2 AND lead_id < 4;
UPDATE leads SET attrs = '{broken}' WHERE id = 5;
SELECT 'chunk 1-4', count(*) FROM score_leads('b2b', '2025-03-01') WHERE lead_id BETWEEN 1 AND 4;
SELECT 'chunk < 5', count(*) FROM score_leads('b2b', '2025-03-01') WHERE lead_id < 5;
SELECT 'chunk > 5', count(*) FROM score_leads('b2b', '2025-03-01') WHERE lead_id > 5;
SELECT 'chunk < 4.5', count(*) FROM score_leads('b2b', '2025-03-01') WHERE lead_id < 4.5;
SELECT 'all', count(*) FROM score_leads('b2b', '2025-03-01');
UPDATE leads SET attrs = '{"web_visits": 1000, "cms": "drupal"}' WHERE id = 5;
-- [5] errors
SELECT * FROM score_leads;
SELECT * FROM score_leads(42);
SELECT * FROM score_leads('nope');
SELECT * FROM score_leads('b2b', 'next week');
-- [6] the rule from a joined table, with an OR in WHERE: SQLite plans each
-- term on its own, and a plan without the rule is the dearest, not an error
-- that ends the planning ("a rule name is required" before)
CREATE TEMP TABLE wanted(name TEXT);
INSERT INTO temp.wanted VALUES ('b2b');
SELECT 'or in where', count(*), sum(s.score) FROM temp.wanted w JOIN score_leads(w.name) s WHERE s.score > 60 OR s.grade = 'A';
SELECT 'or, as scored', count(*), sum(score) FROM score_leads('b2b') WHERE score > 60 OR grade = 'A';
