-- accounts.sql — account matching in SQL (email_domain, is_free_email,
-- company_key, contact_role), account_scores() worked by hand, the rule's
-- account { } block and its bad values, and --by account (group_by 'account').
.read schema/mqlite.sql
-- [1] registrable domains: subdomains, multi-part suffixes, upper case, IDN as is, bad addresses
SELECT email_domain('ann@www.acme.com'), email_domain('ann@mail.acme.com'), email_domain('ann@a.b.acme.com'),
       email_domain('ANN@MAIL.SALES.ACME.CO.UK'), email_domain('x@shop.acme.com.au'), email_domain('x@acme.co.jp'),
       email_domain('x@xn--bcher-kva.de'), email_domain('"quoted@x"@acme.com');
SELECT quote(email_domain('@')), quote(email_domain('a@')), quote(email_domain('a@b')), quote(email_domain('a@co.uk')),
       quote(email_domain('a b@ac me.com')), quote(email_domain('')), quote(email_domain(NULL));
SELECT email_domain(42);
-- [2] free mail: whole domains and families under any suffix; a bare domain is read as one
SELECT is_free_email('a@gmail.com'), is_free_email('a@mail.yahoo.co.uk'), is_free_email('gmx.de'), is_free_email('a@hotmail.fr'),
       is_free_email('a@acme.com'), is_free_email('a@b'), quote(is_free_email(NULL));
-- [3] company-name variants are one key; legal words only at the end, "the" only in front
SELECT count(*), group_concat(DISTINCT company_key(column1)) FROM (VALUES ('Acme'), ('ACME Inc.'), ('Acme, Inc'),
       ('The Acme Corporation'), ('Acmé GmbH'), ('Acme S.A.'), ('acme ltd'), ('Acme Co. Ltd'), ('ACME plc'), ('Acme B.V.'));
SELECT company_key('Acme Widgets Inc'), company_key('Co'), company_key('Theatre Co'), company_key(3), quote(company_key(' .- ')),
       quote(company_key(NULL));
-- [4] hostile names: quotes, HTML, NUL bytes, 64 KB; a BLOB is refused
SELECT company_key('"Acme"; DROP TABLE leads; --'), company_key('<script>alert(1)</script> Acme'),
       company_key('Acme' || char(0) || ' Inc'), length(company_key(printf('%.*c', 65536, 'x'))),
       length(company_key(printf('%.*c', 65536, '.')) ) IS NULL;
SELECT company_key(x'41636d65');
-- [5] roles from titles; an explicit role wins; none is NULL
SELECT contact_role('CEO'), contact_role('VP Sales'), contact_role('Marketing Manager'), contact_role('Data Analyst'),
       quote(contact_role('Student')), contact_role('Student', 'Champion'), contact_role(NULL, 'decision_maker'),
       contact_role('CEO', 'nonsense');
-- [6] account_scores by hand. Three contacts of Acme, as of 2026-03-31, rule r:
-- lead 1 CEO: fit 20; demo 50 points 30 days ago, half-life 30 -> 25; engaged (30 <= 60 days)
-- lead 2 Engineer: fit 5; whitepaper 10 points 21 days ago -> 6.16 -> 6; engaged
-- lead 3 champion by attrs: webinar in 2025 -> 0 points, not engaged
-- an intent signal of 20, 30 days ago -> 10. fit = best contact's = 20;
-- engagement = 25 + 6 + 10 = 41; score 61; roles engaged: decision maker, user (2);
-- the champion (lead 3) has not engaged. mqa_at 60 with 2 roles: an MQA.
-- Globex has one contact and no events; Initech none.
INSERT INTO leads(id, created_at, email, company, title, attrs) VALUES
 (1, '2026-01-01', 'ann@acme.com', 'Acme', 'CEO', NULL),
 (2, '2026-01-01', 'bob@www.acme.com', 'ACME Inc.', 'Engineer', NULL),
 (3, '2026-01-01', 'cy@gmail.com', 'The Acme Corporation', 'Marketing Manager', '{"role":"champion"}'),
 (4, '2026-01-01', 'dee@globex.com', 'Globex', 'Analyst', NULL);
INSERT INTO events(lead_id, type, occurred_at) VALUES (1, 'demo_request', '2026-03-01'), (2, 'whitepaper_download', '2026-03-10'),
 (3, 'webinar_attended', '2025-01-01'), (1, 'demo_request', '2026-04-01');
INSERT INTO mqlite_rules(name, source) VALUES ('r', 'fit("ceo", 20, { title = "CEO" }) fit("eng", 5, { title = "Engineer" })
event("demo_request", 50, { once = true }) event("whitepaper_download", 10) event("webinar_attended", 15)
decay { half_life_days = 30 }
account { mqa_at = 60, roles = 2, engaged_within_days = 60 }');
INSERT INTO accounts(id, name, domain, name_key) VALUES (1, 'Acme', 'acme.com', 'acme'), (2, 'Globex', 'globex.com', 'globex'), (3, 'Initech', NULL, 'initech');
INSERT INTO lead_accounts VALUES (1, 1, 'domain', '2026-03-15'), (2, 1, 'domain', '2026-03-15'), (3, 1, 'company name', '2026-03-15'),
 (4, 2, 'domain', '2026-03-15');
INSERT INTO account_signals(account_id, type, strength, occurred_at, source) VALUES (1, 'g2_research', 20, '2026-03-01', 'g2'),
 (2, 'bombora_surge', 30, '2026-04-15', 'bombora');
SELECT * FROM account_scores('r', '2026-03-31');
-- [7] the threshold: one point more, or three roles, and Acme is not an MQA; no mqa_at: NULL
UPDATE mqlite_rules SET source = replace(source, 'mqa_at = 60', 'mqa_at = 62') WHERE name = 'r';
SELECT account_id, score, mqa FROM account_scores('r', '2026-03-31') WHERE account_id = 1;
UPDATE mqlite_rules SET source = replace(replace(source, 'mqa_at = 62', 'mqa_at = 60'), 'roles = 2', 'roles = 3') WHERE name = 'r';
SELECT account_id, score, roles_engaged, mqa FROM account_scores('r', '2026-03-31') WHERE account_id = 1;
INSERT INTO mqlite_rules(name, source) VALUES ('plain', 'event("demo_request", 50) account { cap = 30, signal_half_life_days = 15 }');
SELECT account_id, fit, engagement, signals, score, quote(mqa) FROM account_scores('plain', '2026-03-31');
-- [8] bad account blocks: each names what is wrong
INSERT INTO mqlite_rules(name, source) VALUES ('b1', 'account { roles = 5, mqa_at = 1 }'), ('b2', 'account { roles = 1.5, mqa_at = 1 }'),
 ('b3', 'account { mqa_at = "high" }'), ('b4', 'account { cap = 0 }'), ('b5', 'account { engaged_within_days = -1 }'),
 ('b6', 'account {} account {}'), ('b7', 'account { mqa = 100 }'), ('b8', 'account()'), ('b9', 'account { roles = 2 }'),
 ('b10', 'account { mqa_at = 0/0 }'), ('b11', 'account "x"');
SELECT * FROM account_scores('b1');
SELECT * FROM account_scores('b2');
SELECT * FROM account_scores('b3');
SELECT * FROM account_scores('b4');
SELECT * FROM account_scores('b5');
SELECT * FROM account_scores('b6');
SELECT * FROM account_scores('b7');
SELECT * FROM account_scores('b8');
SELECT * FROM account_scores('b9');
SELECT * FROM account_scores('b10');
SELECT * FROM account_scores('b11');
-- [9] an account block that never ends is stopped by the instruction budget
INSERT INTO mqlite_rules(name, source) VALUES ('loop1', 'account(setmetatable({}, { __index = function() while true do end end }))'),
 ('loop2', 'account { mqa_at = (function() while true do end end)() }');
SELECT * FROM account_scores('loop1');
SELECT * FROM account_scores('loop2');
-- [10] bad arguments; a missing rule; direct use only (not from a view)
SELECT * FROM account_scores(NULL);
SELECT * FROM account_scores(1);
SELECT * FROM account_scores('nope');
SELECT * FROM account_scores('r', 'yesterday');
SELECT * FROM account_scores;
CREATE VIEW v AS SELECT * FROM account_scores('r');
SELECT * FROM v;
-- [11] group_by 'account': the lead's account's name, through lead_accounts
SELECT lead_group_kind('account'), lead_group_kind('Account');
SELECT lead_id, quote(value) FROM lead_groups('account');
INSERT INTO stage_history(lead_id, stage, entered_at) VALUES (1, 'MQL', '2026-03-02'), (2, 'MQL', '2026-03-11'), (4, 'IQL', '2026-03-01');
SELECT quote(segment), stage, reached FROM funnel(NULL, NULL, NULL, 'account') WHERE stage IN ('IQL', 'MQL/PQL');
-- [12] the champion without an explicit role: the most engaged of two or more
-- engaged contacts. Globex's analyst (lead 4) asks for a demo 6 days before
-- as_of (50 -> 44): alone, a user and no champion; with a second analyst
-- (lead 5, a whitepaper 11 days before: 10 -> 8), user and champion (lead 4).
INSERT INTO events(lead_id, type, occurred_at) VALUES (4, 'demo_request', '2026-03-25');
SELECT account_id, engagement, roles_engaged, roles, quote(champion) FROM account_scores('r', '2026-03-31') WHERE account_id = 2;
INSERT INTO leads(id, created_at, email, company, title) VALUES (5, '2026-01-01', 'eve@globex.com', 'Globex', 'Data Analyst');
INSERT INTO lead_accounts VALUES (5, 2, 'domain', '2026-03-15');
INSERT INTO events(lead_id, type, occurred_at) VALUES (5, 'whitepaper_download', '2026-03-20');
SELECT account_id, engagement, roles_engaged, roles, quote(champion) FROM account_scores('r', '2026-03-31') WHERE account_id = 2;
-- [13] a champion among engaged contacts whose engagement is 0 (an event
-- worth 0 points): the first of them, as on any tie (none was chosen, the
-- most engaged having to beat 0)
INSERT INTO mqlite_rules(name, source) VALUES ('z', 'event("ping", 0) account { engaged_within_days = 60 }');
INSERT INTO accounts(id, name, domain, name_key) VALUES (9, 'Zero', 'zero.com', 'zero');
INSERT INTO leads(id, created_at, email, title) VALUES (91, '2026-01-01', 'a@zero.com', 'Analyst'), (92, '2026-01-01', 'b@zero.com', 'Engineer');
INSERT INTO lead_accounts VALUES (91, 9, 'domain', '2026-03-15'), (92, 9, 'domain', '2026-03-15');
INSERT INTO events(lead_id, type, occurred_at) VALUES (91, 'ping', '2026-03-20'), (92, 'ping', '2026-03-21');
SELECT account_id, engagement, roles_engaged, roles, quote(champion) FROM account_scores('z', '2026-03-31') WHERE account_id = 9;
-- [14] an event time given as a number is unix seconds, as score_leads reads
-- it ('2461000.5': 1970-01-29), not a Julian day (2025-11-21, which SQLite's
-- julianday() reads): not engaged lately, in both
INSERT INTO accounts(id, name, domain, name_key) VALUES (10, 'Numeric', 'num.com', 'numeric');
INSERT INTO leads(id, created_at, email, title) VALUES (93, '1970-01-01', 'a@num.com', 'CEO');
INSERT INTO lead_accounts VALUES (93, 10, 'domain', '2026-03-15');
INSERT INTO events(lead_id, type, occurred_at) VALUES (93, 'ping', '2461000.5');
SELECT account_id, roles_engaged, quote(roles), (SELECT engagement FROM score_leads('z', '2025-11-25') WHERE lead_id = 93)
FROM account_scores('z', '2025-11-25') WHERE account_id = 10;
-- [15] text that is not UTF-8 makes no domain and no key (they would be
-- stored as an account's, broken); valid UTF-8 is kept
SELECT quote(email_domain(CAST(x'6140ff2e636f6d' AS TEXT))), quote(company_key(CAST(x'41ff6d65' AS TEXT))),
       company_key('Acmé GmbH'), email_domain('a@bücher.de');
