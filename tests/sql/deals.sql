-- deals.sql — deal_summary(), pipeline(), loss_reasons() and campaign_roi()
-- on hand-made deals whose answers are known.
.read schema/mqlite.sql
-- [1] Three won (100, 200, 300), two lost, two open: the win rate over closed
-- deals is 3/5 = 60 %, with the open deals in the denominator 3/7 = 42.9 %;
-- won revenue 600, average deal 200; pipeline 1000 + 500 (as of April).
INSERT INTO campaigns(id, channel, cost) VALUES ('web', 'paid_search', 500), ('fair', 'event', 0), ('mail', 'email', NULL);
INSERT INTO leads(id, external_id, created_at, campaign) VALUES
  (1, 'L1', '2026-01-01', 'web'), (2, 'L2', '2026-01-01', 'web'), (3, 'L3', '2026-01-01', 'fair'),
  (4, 'L4', '2026-01-01', 'mail'), (5, 'L5', '2026-05-01', 'web');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES
  (1, 'SQL', '2026-01-05'), (2, 'Sales Qualified Lead', '2026-01-06'), (3, 'MQL', '2026-01-05'), (4, 'won', '2026-02-01');
INSERT INTO deals(external_id, lead_id, amount, status, stage, created_at, closed_at, loss_reason, owner) VALUES
  ('D1', 1, 100, 'won', 'Won', '2026-01-10', '2026-02-01', NULL, 'ana'),
  ('D2', 2, 200, 'won', 'Won', '2026-01-10', '2026-02-01', NULL, 'ana'),
  ('D3', 4, 300, 'won', 'Won', '2026-01-10', '2026-03-15', NULL, 'ben'),
  ('D4', NULL, 50, 'lost', 'Lost', '2026-01-10', '2026-02-01', 'price', 'ben'),
  ('D5', NULL, NULL, 'lost', 'Lost', '2026-01-10', '2026-02-01', NULL, NULL),
  ('D6', NULL, 1000, 'open', 'Engaging', '2026-03-01', NULL, NULL, 'ana'),
  ('D7', NULL, 500, 'open', 'Prospecting', '2026-01-15', NULL, NULL, 'ben');
SELECT currency, deals, open, pipeline_value, won, won_revenue, avg_deal_size, lost, lost_value,
       win_rate, round(win_rate_low, 4), round(win_rate_high, 4), round(win_rate_with_open, 4), no_amount
FROM deal_summary('2026-04-01');
-- [2] by owner: one row per owner (NULL: the deal without one)
SELECT segment, currency, deals, won, won_revenue, lost, win_rate FROM deal_summary('2026-04-01', 'owner');
-- [3] as of 2026-03-01: D3 (closed 03-15) was still open; D6 (created 03-01) is counted, created that day
SELECT deals, open, pipeline_value, won, won_revenue, lost, win_rate FROM deal_summary('2026-03-01');
-- [4] as of 2026-01-12: D7 not yet created, every deal open
SELECT deals, open, pipeline_value, won, lost, win_rate, win_rate_with_open FROM deal_summary('2026-01-12');
-- [5] the pipeline: open deals per stage, average age in days and the ageing buckets
SELECT * FROM pipeline('2026-04-01');
-- [6] ageing at the edges: 30 days old is 0-30, 31 is 31-60, 60 and 61, 90 and 91
INSERT INTO deals(external_id, amount, status, stage, created_at) VALUES
  ('A30', 1, 'open', 'Age', '2026-03-02'), ('A31', 1, 'open', 'Age', '2026-03-01'),
  ('A60', 1, 'open', 'Age', '2026-01-31'), ('A61', 1, 'open', 'Age', '2026-01-30'),
  ('A90', 1, 'open', 'Age', '2026-01-01'), ('A91', 1, 'open', 'Age', '2025-12-31');
SELECT stage, deals, value, avg_age_days, age_0_30, age_31_60, age_61_90, age_over_90 FROM pipeline('2026-04-01') WHERE stage = 'Age';
DELETE FROM deals WHERE stage = 'Age';
-- [7] loss reasons: the lost deals by reason (NULL: none given), with their share
SELECT * FROM loss_reasons('2026-04-01');
-- [8] cost per SQL and per won deal, ROI: web cost 500, 2 SQLs, 2 won (300):
-- 250 per SQL, 250 per won deal, ROI (300 - 500) / 500 = -0.4; fair cost 0:
-- no ROI; mail cost NULL: nothing per SQL; lead 5 (May) not yet created
SELECT * FROM campaign_roi('2026-04-01');
-- [9] currencies are never added together: a EUR deal has its own row; a
-- campaign with won deals in two currencies has no revenue and no ROI
INSERT INTO deals(external_id, lead_id, amount, currency, status, stage, created_at, closed_at) VALUES
  ('E1', 2, 1000, 'EUR', 'won', 'Won', '2026-01-10', '2026-02-10'),
  ('E2', NULL, 400, 'EUR', 'open', 'Engaging', '2026-03-20', NULL);
SELECT currency, deals, open, pipeline_value, won, won_revenue, avg_deal_size, win_rate FROM deal_summary('2026-04-01');
SELECT currency, stage, deals, value FROM pipeline('2026-04-01');
SELECT campaign, won, currency, won_revenue, cost_per_won, roi FROM campaign_roi('2026-04-01') WHERE campaign = 'web';
DELETE FROM deals WHERE currency = 'EUR';
-- [10] a won deal without an amount counts as won, not in the average
INSERT INTO deals(external_id, status, created_at, closed_at) VALUES ('N1', 'won', '2026-01-10', '2026-02-10');
SELECT deals, won, won_revenue, avg_deal_size, win_rate, no_amount FROM deal_summary('2026-04-01');
DELETE FROM deals WHERE external_id = 'N1';
-- [11] the schema refuses a negative amount, a bad currency, status and dates
INSERT INTO deals(external_id, amount, status, created_at) VALUES ('X', -1, 'open', '2026-01-01');
INSERT INTO deals(external_id, currency, status, created_at) VALUES ('X', 'EURO', 'open', '2026-01-01');
INSERT INTO deals(external_id, status, created_at) VALUES ('X', 'maybe', '2026-01-01');
INSERT INTO deals(external_id, status, created_at) VALUES ('X', 'open', 'soon');
INSERT INTO deals(external_id, status, created_at, closed_at) VALUES ('X', 'won', '2026-01-01', '31/02/2026');
-- [12] bad arguments name the function and the value
SELECT * FROM deal_summary('2026-04-01', 'email');
SELECT * FROM deal_summary('2026-04-01', 3);
SELECT * FROM pipeline('next week');
SELECT * FROM loss_reasons(x'00');
SELECT * FROM campaign_roi('2026-13-45');
-- [13] values put in past the CHECKs stop the report, naming the deal
PRAGMA ignore_check_constraints = ON;
INSERT INTO deals(id, external_id, amount, status, created_at) VALUES (100, 'H1', 'a lot', 'open', '2026-01-01');
SELECT * FROM deal_summary();
UPDATE deals SET amount = 1e309 WHERE id = 100;
SELECT * FROM pipeline();
UPDATE deals SET amount = 1, status = 'maybe' WHERE id = 100;
SELECT * FROM loss_reasons();
UPDATE deals SET status = 'open', created_at = 'the day after' WHERE id = 100;
SELECT * FROM campaign_roi();
DELETE FROM deals WHERE id = 100;
PRAGMA ignore_check_constraints = OFF;
-- [14] without a deals table (a database from before issue 17), say what to do
DROP TABLE deals;
SELECT * FROM deal_summary();
SELECT * FROM campaign_roi();
