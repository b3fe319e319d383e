-- attribution.sql — attribution(): hand-made leads whose credits are known
-- under every model, the exact sums, revenue from deals, and hostile input.
-- Each case's milestone falls in a month of its own; start and stop pick it.
.read schema/mqlite.sql
.headers on
INSERT INTO campaigns(id, channel) VALUES ('c1', 'email'), ('c2', 'webinar'), ('c3', 'web'), ('c4', NULL);
-- [1] the issue's case: lead 1 made by c1 on Jan 1, then events of c2 (Jan 5) and c3 (Jan 9); MQL on Jan 10.
-- first: c1 1; last: c3 1; linear: 1/3 each (the millionth left over goes to the first row, c1);
-- U: 0.4/0.2/0.4; W: the creation touch is the first (c1), the opportunity touch the last (c3):
-- 0.45/0.1/0.45; time decay (7 days): 2^(-8/7), 2^(-4/7), 1 normalised: 0.2130304, 0.3165611, 0.4704085,
-- to the millionth 0.213030/0.316561/0.470408 and the millionth left over to the largest remainder, c3
INSERT INTO leads(id, created_at, campaign, source) VALUES (1, '2025-01-01', 'c1', 'web');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES
  (1, 'email_click', '2025-01-05', 'c2'), (1, 'webinar', '2025-01-09', 'c3'), (1, 'page_view', '2025-01-08', NULL);
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1, 'IQL', '2025-01-01'), (1, 'MQL', '2025-01-10');
SELECT model, campaign, channel, printf('%.6f', credit) AS credit, revenue, touched, milestones
FROM attribution('MQL', 'all', 'campaign', '2025-01-01', '2025-02-01');
-- [2] time decay with a half-life of 4 days: 2^(-2), 2^(-1), 1 normalised: 1/7, 2/7, 4/7
SELECT campaign, printf('%.6f', credit) FROM attribution('MQL', 'time_decay', NULL, '2025-01-01', '2025-02-01', 4);
-- [3] two touches: the ends share U and W equally; time decay 2 days apart
INSERT INTO leads(id, created_at, campaign) VALUES (2, '2025-02-01', 'c1');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES (2, 'email_click', '2025-02-03', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (2, 'MQL', '2025-02-05');
SELECT model, campaign, printf('%.6f', credit) FROM attribution('MQL', NULL, NULL, '2025-02-01', '2025-03-01');
-- [4] one touch, a source alone (no campaign): every model gives it all, campaign NULL, channel the source
INSERT INTO leads(id, created_at, source) VALUES (3, '2025-03-01', 'web');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (3, 'MQL', '2025-03-02');
SELECT model, campaign, channel, credit, touched FROM attribution('MQL', NULL, NULL, '2025-03-01', '2025-04-01');
-- [5] no touch at all: (none), so that the credits still add up
INSERT INTO leads(id, created_at) VALUES (4, '2025-04-01');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES (4, 'email_click', '2025-04-09', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (4, 'MQL', '2025-04-02');
SELECT model, campaign, channel, credit, touched FROM attribution('MQL', NULL, NULL, '2025-04-01', '2025-05-01');
-- [6] a touch after the milestone is ignored (c2 on May 10, after the MQL on May 5)
INSERT INTO leads(id, created_at, campaign) VALUES (5, '2025-05-01', 'c1');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES (5, 'email_click', '2025-05-10', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (5, 'MQL', '2025-05-05');
SELECT model, campaign, credit FROM attribution('MQL', NULL, NULL, '2025-05-01', '2025-06-01');
-- [7] the same campaign touched twice: its touches add up (linear c2 2/3; U 0.6; touched counts the lead once)
INSERT INTO leads(id, created_at, campaign) VALUES (6, '2025-06-01', 'c1');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES (6, 'a', '2025-06-02', 'c2'), (6, 'b', '2025-06-03', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (6, 'MQL', '2025-06-04');
SELECT model, campaign, printf('%.6f', credit), touched FROM attribution('MQL', NULL, NULL, '2025-06-01', '2025-07-01');
-- [8] ties in time: the lead's own touch first, then events by id; a touch at the milestone's second counts
INSERT INTO leads(id, created_at, campaign) VALUES (7, '2025-07-01 00:00', 'c1');
INSERT INTO events(id, lead_id, type, occurred_at, campaign) VALUES (70, 7, 'a', '2025-07-01 00:00:00', 'c3'),
                                                                 (71, 7, 'b', '2025-07-01T00:00', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (7, 'MQL', '2025-07-01 00:00');
SELECT model, campaign, printf('%.6f', credit) FROM attribution('MQL', NULL, NULL, '2025-07-01', '2025-08-01')
WHERE model IN ('first', 'last', 'u_shaped');
-- [9] 3, 7 and 11 touches (where 1/3, 1/7 and 1/11 do not add up in doubles): every credit a whole
-- number of millionths, and per model the credits add up to exactly the milestones, to the last digit
WITH RECURSIVE k(lead, n) AS (VALUES (8, 3), (9, 7), (10, 11))
INSERT INTO leads(id, created_at) SELECT lead, '2025-08-01' FROM k;
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 11)
INSERT INTO events(lead_id, type, occurred_at, campaign)
SELECT l.id, 'touch', printf('2025-08-%02d', 1 + x), 'c' || (1 + x % 4) FROM leads l, i
WHERE (l.id = 8 AND x <= 3) OR (l.id = 9 AND x <= 7) OR (l.id = 10 AND x <= 11);
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (8, 'MQL', '2025-08-20'), (9, 'MQL', '2025-08-20'), (10, 'MQL', '2025-08-20');
SELECT model, printf('%.6f', sum(credit)) AS total, sum(abs(credit * 1000000 - round(credit * 1000000)) > 1e-6) AS not_whole,
       max(milestones) AS milestones
FROM attribution('MQL', NULL, NULL, '2025-08-01', '2025-09-01') GROUP BY model ORDER BY model;
SELECT model, campaign, printf('%.6f', credit) FROM attribution('MQL', 'linear', NULL, '2025-08-01', '2025-09-01');
-- [10] everything together: 10 MQLs, every model's credits add up to 10.000000
SELECT model, printf('%.6f', sum(credit)) FROM attribution('MQL') GROUP BY model ORDER BY model;
-- [11] by channel: a source and a campaign channel of the same name share a row ('web': lead 3's source, c3);
-- a campaign without a channel (c4) is the row with no channel
SELECT model, campaign, channel, printf('%.6f', credit), touched FROM attribution('MQL', 'linear', 'channel');
-- [12] SQL milestones: lead 1 became an SQL on Jan 15 (lead 2 skips MQL: it reached MQL at its SQL)
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1, 'SQL', '2025-01-15'), (2, 'sales accepted', '2025-02-06');
SELECT model, campaign, printf('%.6f', credit), milestones FROM attribution('SQL', 'u_shaped');
-- [13] won without a deals table: the first 'won' entry, no revenue; W's opportunity touch is the last
-- before the SQL (c3, Jan 9), its creation touch c1: with a touch after the SQL (c2 on Jan 16), c2 shares the 0.1
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES (1, 'demo', '2025-01-16', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1, 'Closed Won', '2025-01-20');
SELECT model, campaign, printf('%.6f', credit), revenue FROM attribution('won', 'w_shaped');
-- [14] with deals (schema/mqlite.sql): each won deal at its closed_at with its amount. 100.01 split three
-- ways is 33.34/33.34/33.33 (the cents left over go to the first rows); a deal without a lead goes to (none);
-- lost and open deals are no milestones
INSERT INTO deals(id, lead_id, amount, status, created_at, closed_at) VALUES
  (1, 8, 100.01, 'won', '2025-08-19', '2025-08-21'),
  (2, NULL, 50, 'won', '2025-08-01', '2025-08-25'),
  (3, 9, 1000, 'lost', '2025-08-01', '2025-08-25'),
  (4, 10, 1000, 'open', '2025-08-01', NULL);
SELECT model, campaign, printf('%.6f', credit), printf('%.2f', revenue), milestones
FROM attribution('won', 'linear') ;
SELECT model, printf('%.6f', sum(credit)), printf('%.2f', sum(revenue)) FROM attribution('won') GROUP BY model ORDER BY model;
-- [15] revenue exact over many odd splits: 7 deals of 0.07 and 10 of 100.01 on the 11-touch lead
WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 17)
INSERT INTO deals(lead_id, amount, status, created_at, closed_at)
SELECT 10, iif(x <= 7, 0.07, 100.01), 'won', '2025-08-02', '2025-08-30' FROM i;
SELECT model, printf('%.2f', sum(revenue)) AS revenue, (SELECT printf('%.2f', sum(amount)) FROM deals WHERE status = 'won') AS deals,
       sum(abs(revenue * 100 - round(revenue * 100)) > 1e-6) AS not_whole_cents
FROM attribution('won') GROUP BY model ORDER BY model;
-- [16] nightly: the same data twice gives the same rows; a day of events after every milestone changes nothing;
-- a new MQL changes only the rows of its touches (and the milestones count)
CREATE TEMP TABLE before AS SELECT * FROM attribution('MQL');
SELECT count(*) AS changed FROM (SELECT * FROM attribution('MQL') EXCEPT SELECT * FROM temp.before);
INSERT INTO events(lead_id, type, occurred_at, campaign) SELECT id, 'late', '2025-12-31', 'c4' FROM leads;
SELECT count(*) AS changed FROM (SELECT * FROM attribution('MQL') EXCEPT SELECT * FROM temp.before);
INSERT INTO leads(id, created_at, campaign) VALUES (11, '2025-12-31', 'c2');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (11, 'MQL', '2025-12-31');
CREATE TEMP TABLE after AS SELECT * FROM attribution('MQL');
SELECT a.model, a.campaign, printf('%.6f', a.credit - b.credit) AS added, a.milestones FROM temp.after a JOIN temp.before b
  ON a.model = b.model AND a.campaign IS b.campaign AND a.channel IS b.channel WHERE a.credit <> b.credit OR a.touched <> b.touched;
SELECT count(*) AS rows_before, (SELECT count(*) FROM temp.after) AS rows_after FROM temp.before;
-- [17] hostile: a campaign id with quotes, HTML and 100,000 characters is only a value
INSERT INTO campaigns(id, channel) VALUES ('x''); DROP TABLE leads; --<script>alert(1)</script>', '<b>"ch"</b>'),
                                         (printf('%.100000c', 'z'), NULL);
INSERT INTO leads(id, created_at, campaign) VALUES (12, '2026-01-01', 'x''); DROP TABLE leads; --<script>alert(1)</script>');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES (12, 'a', '2026-01-02', printf('%.100000c', 'z'));
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (12, 'MQL', '2026-01-03');
SELECT model, substr(campaign, 1, 60), length(campaign), channel, credit FROM attribution('MQL', 'linear', NULL, '2026-01-01');
SELECT count(*) AS leads FROM leads;
-- [18] bad arguments: each error names the function and the value
SELECT * FROM attribution('XQL');
SELECT * FROM attribution('lost');
SELECT * FROM attribution(NULL);
SELECT * FROM attribution(3);
SELECT * FROM attribution();
SELECT * FROM attribution('MQL', 'quadratic');
SELECT * FROM attribution('MQL', 4);
SELECT * FROM attribution('MQL', 'all', 'owner');
SELECT * FROM attribution('MQL', 'all', 'campaign', 'yesterday');
SELECT * FROM attribution('MQL', 'all', 'campaign', NULL, 42.5e20);
SELECT * FROM attribution('MQL', 'time_decay', NULL, NULL, NULL, -1);
SELECT * FROM attribution('MQL', 'time_decay', NULL, NULL, NULL, 0);
SELECT * FROM attribution('MQL', 'time_decay', NULL, NULL, NULL, 'week');
-- [19] NULL for an optional argument is its default: all models, by campaign, no bounds, 7 days
SELECT count(*), count(DISTINCT model) FROM attribution('mql', NULL, NULL, NULL, NULL, NULL);
-- [20] won deals in two currencies cannot be added up
INSERT INTO deals(lead_id, amount, currency, status, created_at, closed_at) VALUES (9, 10, 'EUR', 'won', '2025-08-02', '2025-08-30');
SELECT * FROM attribution('won');
SELECT count(*) FROM attribution('MQL');
-- [21] by account (issue 17: attribution by account), January 2027. Acme: lead 21 (c1, then c2; MQL Jan 10)
-- and lead 22 (source web, then c3; MQL Jan 4); Beta: lead 23 (c2, then c1 and c3; MQL Jan 6) and lead 25
-- (no touch: (none)); lead 24 (c3) has no account: the NULL segment. Linear: Acme c1, c2, c3, web 0.5 each
-- (2 MQLs); Beta c1, c2, c3 1/3 each (the millionth left over to c1, first in order) and (none) 1 (2 MQLs);
-- NULL c3 1. U-shaped splits lead 23 0.4 (c2, first) / 0.2 (c1) / 0.4 (c3).
INSERT INTO accounts(id, name, domain) VALUES (1, 'Acme', 'acme.example'), (2, 'Beta', 'beta.example');
INSERT INTO leads(id, created_at, campaign, source, attrs) VALUES
  (21, '2027-01-01', 'c1', NULL, '{"Region": "EU"}'), (22, '2027-01-02', NULL, 'web', '{"Region": " eu "}'),
  (23, '2027-01-02', 'c2', NULL, '{"Region": "US"}'), (24, '2027-01-03', 'c3', NULL, NULL),
  (25, '2027-01-03', NULL, NULL, '{"Region": "us"}');
INSERT INTO lead_accounts(lead_id, account_id, reason, matched_at) VALUES
  (21, 1, 'domain', '2027-01-01'), (22, 1, 'domain', '2027-01-01'), (23, 2, 'domain', '2027-01-01'),
  (25, 2, 'manual', '2027-01-01');
INSERT INTO events(lead_id, type, occurred_at, campaign) VALUES
  (21, 'email_click', '2027-01-05', 'c2'), (22, 'web', '2027-01-03', 'c3'),
  (23, 'email_click', '2027-01-03', 'c1'), (23, 'web', '2027-01-04', 'c3');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES
  (21, 'MQL', '2027-01-10'), (22, 'MQL', '2027-01-04'), (23, 'MQL', '2027-01-06'), (24, 'MQL', '2027-01-07'),
  (25, 'MQL', '2027-01-08');
SELECT segment, model, campaign, channel, printf('%.6f', credit) AS credit, touched, milestones
FROM attribution('MQL', NULL, NULL, '2027-01-01', '2027-02-01', NULL, 'account') WHERE model IN ('first', 'linear', 'u_shaped');
-- [22] each segment's credits add up to its milestones under every model, and the segments to the whole
SELECT segment, model, printf('%.6f', sum(credit)) AS credit, max(milestones) AS milestones
FROM attribution('MQL', NULL, NULL, '2027-01-01', '2027-02-01', NULL, 'account') GROUP BY segment, model ORDER BY segment, model;
SELECT w.model, printf('%.6f', w.credit) AS whole, printf('%.6f', s.credit) AS segments
FROM (SELECT model, sum(credit) AS credit FROM attribution('MQL', NULL, NULL, '2027-01-01', '2027-02-01') GROUP BY model) w
JOIN (SELECT model, sum(credit) AS credit FROM attribution('MQL', NULL, NULL, '2027-01-01', '2027-02-01', NULL, 'account')
      GROUP BY model) s ON s.model = w.model;
-- [23] won deals by account: revenue per segment, in cents that add up. Acme: lead 21's 100.00 split c1/c2;
-- Beta: lead 23's 10.00 in thirds (3.34, 3.33, 3.33); NULL: lead 24's 1.00 (c3) and a deal without a lead,
-- 5.00 ((none)). Lead 22's lost deal is no milestone.
INSERT INTO deals(lead_id, amount, status, created_at, closed_at) VALUES
  (21, 100, 'won', '2027-01-08', '2027-01-20'), (23, 10, 'won', '2027-01-05', '2027-01-21'),
  (22, 70, 'lost', '2027-01-05', '2027-01-21'), (24, 1, 'won', '2027-01-07', '2027-01-22'),
  (NULL, 5, 'won', '2027-01-07', '2027-01-22');
SELECT segment, campaign, channel, printf('%.6f', credit) AS credit, printf('%.2f', revenue) AS revenue, milestones
FROM attribution('won', 'linear', NULL, '2027-01-01', '2027-02-01', NULL, 'account');
SELECT segment, model, printf('%.6f', sum(credit)) AS credit, printf('%.2f', sum(revenue)) AS revenue
FROM attribution('won', NULL, 'channel', '2027-01-01', '2027-02-01', NULL, 'account') GROUP BY segment, model
HAVING model IN ('w_shaped', 'time_decay') ORDER BY segment, model;
-- [24] any column of leads (case as SQL takes it) and any attrs key, fold 1 as lower(trim()): " eu " and "EU"
-- are one segment, "US" and "us" another; without fold they stay apart. NULL group_by: the whole.
SELECT segment, campaign, printf('%.6f', credit) AS credit, milestones
FROM attribution('MQL', 'first', NULL, '2027-01-01', '2027-02-01', NULL, 'SOURCE');
SELECT segment, campaign, channel, printf('%.6f', credit) AS credit, milestones
FROM attribution('MQL', 'linear', NULL, '2027-01-01', '2027-02-01', NULL, 'Region', 1);
SELECT count(DISTINCT segment), count(*) - count(segment) AS null_rows
FROM attribution('MQL', 'linear', NULL, '2027-01-01', '2027-02-01', NULL, 'Region');
SELECT count(*), count(segment) FROM attribution('MQL', 'linear', NULL, '2027-01-01', '2027-02-01', NULL, NULL, 1);
-- [25] hostile: an account name and an attrs key with quotes and HTML are values; the key is bound
UPDATE accounts SET name = 'x''); DROP TABLE leads; --<b>' WHERE id = 2;
UPDATE leads SET attrs = '{"k''); DROP TABLE leads; --": "v\"<i>"}' WHERE id = 24;
SELECT segment, campaign, credit FROM attribution('MQL', 'last', NULL, '2027-01-01', '2027-02-01', NULL, 'account');
SELECT segment, campaign, credit FROM attribution('MQL', 'last', NULL, '2027-01-01', '2027-02-01', NULL,
                                                  'k''); DROP TABLE leads; --');
SELECT count(*) AS leads FROM leads;
-- [26] bad group_by or fold: the groupby error, naming what there is
SELECT * FROM attribution('MQL', NULL, NULL, NULL, NULL, NULL, 'region');
SELECT * FROM attribution('MQL', NULL, NULL, NULL, NULL, NULL, 42);
SELECT * FROM attribution('MQL', NULL, NULL, NULL, NULL, NULL, 'account', 2);
SELECT * FROM attribution('MQL', NULL, NULL, NULL, NULL, NULL, 'account', 1, 'extra');
-- [27] more than 10,000 segments is the groupby error (a group by a lead's own id or e-mail is lead_groups()' job)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)
INSERT INTO leads(id, created_at, email) SELECT 100000 + i, '2028-01-01', 'u' || i || '@x.example' FROM n;
INSERT INTO stage_history(lead_id, stage, entered_at) SELECT id, 'MQL', '2028-01-02' FROM leads WHERE id > 100000;
SELECT count(*) FROM attribution('MQL', 'linear', NULL, '2028-01-01', NULL, NULL, 'email');
SELECT segment, campaign, credit, milestones FROM attribution('MQL', 'linear', NULL, '2028-01-01', NULL, NULL, 'source');
-- [28] a won deal without an amount brings no revenue and no currency: one
-- in EUR beside deals in USD is no "more than one currency" error
INSERT INTO leads(id, created_at, campaign) VALUES (300001, '2029-01-01', 'c1'), (300002, '2029-01-01', 'c2');
INSERT INTO deals(lead_id, amount, currency, status, created_at, closed_at) VALUES
    (300001, NULL, 'EUR', 'won', '2029-01-02', '2029-01-03'), (300002, 100, 'USD', 'won', '2029-01-02', '2029-01-03');
SELECT campaign, credit, revenue FROM attribution('won', 'first', NULL, '2029-01-01') WHERE credit > 0 OR revenue > 0;
-- [29] a won deal whose amount is text ('abc' passes the schema's CHECK: text sorts above every number) stops
-- attribution with deal_summary()'s own error, not a revenue of 0; a date outside the window does not hide it
INSERT INTO leads(id, created_at, campaign) VALUES (300003, '2030-01-01', 'c1');
INSERT INTO deals(id, lead_id, amount, status, created_at, closed_at) VALUES (900001, 300003, 'abc', 'won', '2030-01-02', '2030-01-03');
SELECT campaign, revenue FROM attribution('won', 'linear', NULL, '2030-01-01');
SELECT campaign, revenue FROM attribution('won', 'linear', NULL, '2020-01-01', '2021-01-01');
SELECT * FROM deal_summary();
DELETE FROM deals WHERE id = 900001;
SELECT count(*) AS rows_after_delete FROM attribution('won', 'linear', NULL, '2030-01-01');
