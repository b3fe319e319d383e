-- engagement.sql — the aggregate engagement_score(rule, type, occurred_at [, props [, as_of]]).
.read schema/mqlite.sql
-- [1] engagement points of a set of events
INSERT INTO mqlite_rules(name, source) VALUES ('e', '
decay { half_life_days = 30 }
event("visit", 2, { cap = 10 })
event("page_view", 20, { where = { url = contains "/pricing" }, reason = "pricing page", once = true })
event("demo", 50, { once = true, decay = false })
');
CREATE TABLE ev(lead INTEGER, type TEXT, at ANY, props TEXT);
INSERT INTO ev VALUES
  (1, 'visit', '2025-03-01', NULL), (1, 'visit', '2025-01-30', NULL),
  (1, 'page_view', '2025-02-28 12:00', '{"url": "/pricing"}'),
  (1, 'page_view', '2025-02-28 12:00', '{"url": "/blog"}'),
  (2, 'demo', '2024-01-01', NULL), (2, 'demo', '2025-01-01', NULL),
  (2, 'visit', 1740787200, NULL), (2, 'visit', 1740787200, NULL), (2, 'visit', 1740787200, NULL),
  (2, 'visit', 1740787200, NULL), (2, 'visit', 1740787200, NULL), (2, 'visit', 1740787200, NULL),
  (3, 'webinar', '2025-02-01', NULL),
  (4, 'visit', '2025-06-01', NULL);
-- [2] 1: visits 2 + 1 = 3, pricing 20 * 0.5^(0.5/30) = 19.77 -> 20, the blog view counts nothing
-- 2: demo once, not decayed: 50; six fresh visits 12, capped at 10
-- 3: a type the rule does not know: 0
-- 4: an event after as_of is not seen: 0
SELECT lead, engagement_score('e', type, at, props, '2025-03-01') FROM ev GROUP BY lead ORDER BY lead;
-- [3] no rows: NULL; NULL events (a LEFT JOIN without events): 0
SELECT 'no rows', engagement_score('e', type, at, props, '2025-03-01') IS NULL FROM ev WHERE 0;
SELECT 'null event', engagement_score('e', NULL, NULL, NULL, '2025-03-01');
-- [4] errors
SELECT engagement_score('e', 5, '2025-01-01');
SELECT engagement_score('e', 'visit', 'last tuesday');
SELECT engagement_score('e', 'visit', '2025-01-01', 7);
SELECT engagement_score('e', 'visit', '2025-01-01', NULL, 'tomorrow');
SELECT engagement_score('nope', 'visit', '2025-01-01');
SELECT engagement_score(NULL, 'visit', '2025-01-01') IS NULL;
