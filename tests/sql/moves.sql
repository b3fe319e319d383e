-- moves.sql — rule_moves: the stage entries a rule makes, dated when they happened.
.read schema/mqlite.sql
INSERT INTO mqlite_rules(name, source) VALUES ('r', 'thresholds { MQL = 50, SQL = 100 }
event("demo_request", 50, { once = true })
event("whitepaper_download", 30)
event("page_view", 1)
signal("audit_request", "asked for an audit")
decay { half_life_days = 90 }');
-- [h1] a stranger's arguments: no rule, a rule that is not text, an unknown rule, a bad as_of
SELECT * FROM rule_moves;
SELECT * FROM rule_moves(42);
SELECT * FROM rule_moves('nope');
SELECT * FROM rule_moves('r', 'yesterday');
SELECT * FROM rule_moves('r', x'00');
SELECT 'NULL lead_id: no row', count(*) FROM rule_moves('r', NULL) WHERE lead_id = NULL;
SELECT 'text lead_id: no row', count(*) FROM rule_moves('r', '2026-01-01') WHERE lead_id = 'one';
-- [h2] a stage entry the stage model does not know is named, not skipped
INSERT INTO leads(id, created_at) VALUES (90, '2025-01-01 00:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (90, 'Hot Prospect', '2025-01-02', 'crm');
SELECT * FROM rule_moves('r', '2026-01-01');
DELETE FROM stage_history WHERE lead_id = 90;
-- [h3] a rule whose thresholds name a stage the model does not know
INSERT INTO mqlite_rules(name, source) VALUES ('odd', 'thresholds { Hot = 10 }
fit("any", 20, { email = missing() })');
SELECT * FROM rule_moves('odd', '2026-01-01');
-- [h4] a condition that never ends stops at the lead's budget, naming the rule
INSERT INTO mqlite_rules(name, source) VALUES ('loop', 'thresholds { MQL = 10 }
event("page_view", 20, { where = function(e) while true do end end })');
INSERT INTO events(lead_id, type, occurred_at) VALUES (90, 'page_view', '2025-01-03');
SELECT * FROM rule_moves('loop', '2026-01-01');
DELETE FROM events WHERE lead_id = 90;
DELETE FROM leads WHERE id = 90;
-- [h5] recycle() checks what it is given
INSERT INTO mqlite_rules(name, source) VALUES ('rc1', 'recycle { stale_to = "nurture" }');
SELECT lead_score('rc1', '{}');
INSERT INTO mqlite_rules(name, source) VALUES ('rc2', 'recycle { stale_after_days = -1 }');
SELECT lead_score('rc2', '{}');
INSERT INTO mqlite_rules(name, source) VALUES ('rc3', 'recycle { after = 3 }');
SELECT lead_score('rc3', '{}');
INSERT INTO mqlite_rules(name, source) VALUES ('rc4', 'recycle {} recycle {}');
SELECT lead_score('rc4', '{}');
INSERT INTO mqlite_rules(name, source) VALUES ('rc5', 'recycle { stale_after_days = 30, stale_to = "limbo" }');
SELECT * FROM rule_moves('rc5', '2026-01-01');
INSERT INTO mqlite_rules(name, source) VALUES ('rc6', 'recycle { requalify_after_days = 0/0 }');
SELECT lead_score('rc6', '{}');
-- [h6] rule_setting: its arguments
SELECT rule_setting('r', 'stale_after_days') IS NULL, rule_setting('r', NULL) IS NULL, rule_setting(NULL, 'stale_to') IS NULL;
SELECT rule_setting('r', 'stale');
SELECT rule_setting('r', 3);
SELECT rule_setting('nope', 'stale_to');
SELECT rule_setting('rc5', 'stale_after_days'), rule_setting('rc5', 'stale_to');

-- [1] the MQL moment: a demo request at 10:00, a sales call at 15:00, the run at 02:00 the next day
INSERT INTO leads(id, created_at, owner) VALUES (1, '2025-03-01 09:00:00', 'ana');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (1, 'IQL', '2025-03-01 09:00:00', 'import');
INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'demo_request', '2025-03-03 10:00:00'),
                                                      (1, 'sales_contact', '2025-03-03 15:00:00');
SELECT lead_id, from_stage, stage, entered_at, kind, score, reason FROM rule_moves('r', '2025-03-04 02:00:00');
-- [2] decay is measured to the moment: 30 points on day 0, 30 more on day 90 (15 + 30 = 45: no MQL); on day 91, 45 + 30
INSERT INTO leads(id, created_at) VALUES (2, '2025-01-01 00:00:00');
INSERT INTO events(lead_id, type, occurred_at) VALUES (2, 'whitepaper_download', '2025-01-01 00:00:00'),
                                                      (2, 'whitepaper_download', '2025-04-01 00:00:00');
SELECT 'day 90', count(*) FROM rule_moves('r', '2025-06-01') WHERE lead_id = 2 AND stage = 'MQL';
INSERT INTO events(lead_id, type, occurred_at) VALUES (2, 'whitepaper_download', '2025-04-02 00:00:00');
SELECT lead_id, from_stage, stage, entered_at, kind, score FROM rule_moves('r', '2025-06-01') WHERE lead_id = 2;
-- [3] a signal is dated by its event, even when the score was already MQL
INSERT INTO leads(id, created_at) VALUES (3, '2025-01-01 00:00:00');
INSERT INTO events(lead_id, type, occurred_at) VALUES (3, 'demo_request', '2025-02-01 08:00:00'),
                                                      (3, 'audit_request', '2025-02-05 12:30:00');
SELECT lead_id, from_stage, stage, entered_at, kind, score, reason FROM rule_moves('r', '2025-06-01') WHERE lead_id = 3;
-- [4] as of a date: later events, entries and leads are not seen
SELECT 'as of Feb 3', stage, entered_at FROM rule_moves('r', '2025-02-03') WHERE lead_id = 3;
SELECT 'before lead 3 was created', count(*) FROM rule_moves('r', '2024-12-31') WHERE lead_id = 3;
-- [5] written once: once the moves are stored, the replay finds none
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
SELECT lead_id, stage, entered_at, 'rule:r@1', reason FROM rule_moves('r', '2025-06-01');
SELECT 'again', count(*) FROM rule_moves('r', '2025-06-01');
SELECT 'again, later', count(*) FROM rule_moves('r', '2026-06-01');
-- [5b] speed to lead is measured for the lead the rule made MQL: the call came 5 hours after it
SELECT mqls, contacted, within_sla, contacted_before_mql, median_hours
FROM speed_to_lead('sales_contact', 24, NULL, '2025-03-03', '2025-03-04', 0, '2025-04-01');
-- [6] sent back to nurture by sales: no move without new activity; old points do not count after it
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason) VALUES (1, 'nurture', '2025-03-10', 'manual', 'timing - call in Q3');
INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'page_view', '2025-03-12 09:00:00');
SELECT 'a page view after nurture', count(*) FROM rule_moves('r', '2025-04-01') WHERE lead_id = 1;
INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'whitepaper_download', '2025-03-20 09:00:00'),
                                                      (1, 'whitepaper_download', '2025-03-21 09:00:00');
SELECT lead_id, from_stage, stage, entered_at, score, reason FROM rule_moves('r', '2025-04-01') WHERE lead_id = 1;
-- [7] sent back to a lower stage (SQL to MQL by the CRM): the old points do not make it SQL again
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (3, 'MQL', '2025-02-10', 'crm');
INSERT INTO events(lead_id, type, occurred_at) VALUES (3, 'page_view', '2025-02-11');
SELECT 'SQL again', count(*) FROM rule_moves('r', '2025-06-01') WHERE lead_id = 3;
INSERT INTO events(lead_id, type, occurred_at) VALUES (3, 'audit_request', '2025-02-20');
SELECT lead_id, stage, entered_at, kind FROM rule_moves('r', '2025-06-01') WHERE lead_id = 3;
-- [8] recycle { requalify_after_days }: after 30 days on the detour the whole score counts again
INSERT INTO mqlite_rules(name, source) SELECT 'rq', source || '
recycle { requalify_after_days = 30 }' FROM mqlite_rules WHERE name = 'r';
INSERT INTO leads(id, created_at) VALUES (8, '2025-01-01 00:00:00');
INSERT INTO events(lead_id, type, occurred_at) VALUES (8, 'demo_request', '2025-01-02 00:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (8, 'nurture', '2025-01-05', 'manual');
INSERT INTO events(lead_id, type, occurred_at) VALUES (8, 'page_view', '2025-01-20'), (8, 'whitepaper_download', '2025-02-10');
SELECT 'r', stage, entered_at FROM rule_moves('r', '2025-03-01') WHERE lead_id = 8;
SELECT 'rq', stage, entered_at FROM rule_moves('rq', '2025-03-01') WHERE lead_id = 8;
-- [9] recycle { stale_after_days }: an MQL with no activity for 30 days goes to nurture, dated then; activity brings it back
INSERT INTO mqlite_rules(name, source) SELECT 'st', source || '
recycle { stale_after_days = 30 }' FROM mqlite_rules WHERE name = 'r';
INSERT INTO leads(id, created_at) VALUES (9, '2025-01-01 00:00:00');
INSERT INTO events(lead_id, type, occurred_at) VALUES (9, 'demo_request', '2025-01-02 00:00:00');
SELECT lead_id, from_stage, stage, entered_at, kind, score, reason FROM rule_moves('st', '2025-03-01') WHERE lead_id = 9;
INSERT INTO events(lead_id, type, occurred_at) VALUES (9, 'demo_request', '2025-02-15 00:00:00');
SELECT lead_id, from_stage, stage, entered_at, kind FROM rule_moves('st', '2025-03-01') WHERE lead_id = 9;
SELECT 'stale before it is due', count(*) FROM rule_moves('st', '2025-01-20') WHERE lead_id = 9 AND kind = 'stale';
-- [10] a lead with no events: its fit at its creation
INSERT INTO mqlite_rules(name, source) VALUES ('fit', 'thresholds { MQL = 10 }
fit("has a title", 20, { title = present() })');
INSERT INTO leads(id, created_at, title) VALUES (10, '2025-05-05 05:05:05', 'CEO');
SELECT lead_id, from_stage, stage, entered_at, kind, score, reason FROM rule_moves('fit', '2025-06-01') WHERE lead_id = 10;
-- [11] lead_id ranges, as score_leads takes them, for chunked runs
SELECT 'range', group_concat(DISTINCT lead_id) FROM rule_moves('r', '2025-06-01') WHERE lead_id BETWEEN 2 AND 8;
SELECT 'above', group_concat(DISTINCT lead_id) FROM rule_moves('r', '2025-06-01') WHERE lead_id > 3;
-- [12] with 1, each lead's current score comes first, equal to score_leads' in every column
SELECT 'current = score_leads', count(*) FROM rule_moves('st', '2025-03-01', 1) m JOIN score_leads('st', '2025-03-01') s USING (lead_id)
WHERE m.kind = 'current' AND m.score = s.score AND m.fit = s.fit AND m.engagement = s.engagement
  AND m.grade = s.grade AND m.stage = s.stage AND m.explanation = s.explanation;
SELECT 'leads', count(*) FROM leads;
SELECT kind, count(*) FROM rule_moves('st', '2025-03-01', 1) GROUP BY kind ORDER BY kind;
SELECT lead_id, kind, stage, score, grade FROM rule_moves('st', '2025-03-01', 1) WHERE lead_id = 9;
SELECT count(*) FROM rule_moves('st', '2025-03-01', 2);
SELECT count(*) FROM rule_moves('st', '2025-03-01', 'yes');
SELECT 'NULL: moves only', count(*) FROM rule_moves('st', '2025-03-01', NULL) WHERE kind = 'current';
