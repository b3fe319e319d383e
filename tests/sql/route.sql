-- route.sql — routing: route { } in the rule language, route_plan (who gets
-- each lead the rule qualified), and speed_to_lead's clock at assignment.
-- The score script writes route_plan's rows; here the cases write them the
-- same way (INSERT INTO lead_assignments SELECT * FROM route_plan(...)).
.read schema/mqlite.sql
INSERT INTO mqlite_rules(name, source) VALUES ('hr', 'thresholds { MQL = 50 }
event("demo_request", 50)
route { by = "country", keep_owner = true,
        teams = { DE = "emea", FR = "emea", US = "amer" },
        members = { emea = { "anna", "ben" }, amer = { "cara", "dan" } },
        capacity = { anna = 1 } }');
INSERT INTO leads(id, created_at, country, owner) VALUES
  (1, '2026-01-01', 'DE', NULL), (2, '2026-01-01', ' de ', NULL), (3, '2026-01-01', 'FR', NULL),
  (4, '2026-01-01', 'US', 'zed'), (5, '2026-01-01', 'BR', NULL), (6, '2026-01-01', 'US', ''),
  (7, '2026-01-01', 'DE', NULL), (8, '2026-01-01', 'DE', NULL), (9, '2026-01-01', 'US', NULL);
INSERT INTO events(lead_id, type, occurred_at) VALUES
  (1, 'demo_request', '2026-01-02 10:00:00'), (2, 'demo_request', '2026-01-02 11:00:00'),
  (3, 'demo_request', '2026-01-02 12:00:00'), (4, 'demo_request', '2026-01-03 09:00:00'),
  (5, 'demo_request', '2026-01-03 10:00:00'), (6, 'demo_request', '2026-01-03 12:00:00');
-- (the moves the score script writes)
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
SELECT lead_id, stage, entered_at, 'rule:hr@1', reason FROM rule_moves('hr', '2026-01-04');
-- [a1] the route as the rule keeps it: territory keys in lower case
SELECT rule_route('hr');
SELECT 'no route: NULL', rule_route(NULL) IS NULL;
-- [a2] the first night: DE, de and FR go round emea (anna holds her 1 open lead, so FR skips her); zed keeps lead 4; BR has no team; '' is no owner
SELECT lead_id, owner, team, assigned_at, rule, version, reason FROM route_plan('hr', '2026-01-04');
INSERT INTO lead_assignments SELECT lead_id, owner, team, assigned_at, rule, version, reason FROM route_plan('hr', '2026-01-04');
-- [a3] written once: the same night again plans nothing
SELECT count(*) FROM route_plan('hr', '2026-01-04');
-- [a4] the next night: lead 1 was lost on the 4th (anna is free again); the rotation continues after ben: 7 to anna, 8 to ben, 9 after cara to dan
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (1, 'lost', '2026-01-04 09:00:00', 'crm');
INSERT INTO events(lead_id, type, occurred_at) VALUES
  (7, 'demo_request', '2026-01-05 10:00:00'), (8, 'demo_request', '2026-01-05 11:00:00'), (9, 'demo_request', '2026-01-05 12:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
SELECT lead_id, stage, entered_at, 'rule:hr@1', reason FROM rule_moves('hr', '2026-01-06') WHERE lead_id >= 7;
SELECT lead_id, owner, team, assigned_at, reason FROM route_plan('hr', '2026-01-06');
-- [a5] as of before the moves: nothing is due yet
SELECT count(*) FROM route_plan('hr', '2026-01-05 10:59:59') WHERE lead_id > 7;
-- [a6] a team all at capacity: overflow with the team; a capacity of 0 takes no lead
INSERT INTO mqlite_rules(name, source) VALUES ('full', 'thresholds { MQL = 50 }
event("demo_request", 50)
route { by = "country", teams = { ["*"] = "emea" }, members = { emea = { "anna", "ben" } }, capacity = { anna = 0, ben = 0 } }');
INSERT INTO leads(id, created_at, country) VALUES (20, '2026-01-01', 'DE');
INSERT INTO events(lead_id, type, occurred_at) VALUES (20, 'demo_request', '2026-01-02 10:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (20, 'MQL', '2026-01-02 10:00:00', 'rule:full@2');
SELECT lead_id, owner, team, assigned_at, version, reason FROM route_plan('full', '2026-01-04');
-- [a7] an attrs key as the territory; when = "SQL": leads are assigned at SQL, not before; a member named like an injection is just a name
INSERT INTO mqlite_rules(name, source) VALUES ('attr', 'thresholds { MQL = 50, SQL = 100 }
event("demo_request", 50)
route { when = "SQL", by = "region", teams = { North = "n", ["*"] = "x" },
        members = { n = { "''; DROP TABLE leads; --" }, x = { "Robert\"); --" } } }');
INSERT INTO leads(id, created_at, attrs) VALUES (30, '2026-01-01', '{"region": "north"}'), (31, '2026-01-01', '{"region": 7}'),
  (32, '2026-01-01', '{"region": 7}');
INSERT INTO events(lead_id, type, occurred_at) VALUES
  (30, 'demo_request', '2026-01-02 10:00:00'), (30, 'demo_request', '2026-01-02 14:00:00'), (31, 'demo_request', '2026-01-02 10:00:00'),
  (32, 'demo_request', '2026-01-02 10:00:00'), (32, 'demo_request', '2026-01-02 15:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
SELECT lead_id, stage, entered_at, 'rule:attr@1', reason FROM rule_moves('attr', '2026-01-04') WHERE lead_id >= 30;
SELECT lead_id, owner, team, assigned_at, reason FROM route_plan('attr', '2026-01-04');
INSERT INTO lead_assignments SELECT lead_id, owner, team, assigned_at, rule, version, reason FROM route_plan('attr', '2026-01-04');
SELECT count(*) AS leads_still_there FROM leads;
-- [a8] the SLA clock starts at assignment: lead 30 became MQL at 10:00, was assigned at SQL at 14:00, contacted at 16:30: 2.5 hours, not 6.5; lead 31 (MQL 10:00, never assigned) contacted at 13:00: 3 hours
INSERT INTO events(lead_id, type, occurred_at) VALUES (30, 'sales_contact', '2026-01-02 16:30:00'), (31, 'sales_contact', '2026-01-02 13:00:00');
SELECT segment, mqls, contacted, contacted_before_mql, median_hours FROM speed_to_lead('sales_contact', 24, 'id', '2026-01-02', '2026-01-03', 0, '2026-01-04') WHERE segment IN ('30', '31');
-- [a9] ... and a touch between MQL and assignment is before the clock: contacted_before_mql
INSERT INTO events(lead_id, type, occurred_at) VALUES (30, 'sales_contact', '2026-01-02 12:00:00');
DELETE FROM events WHERE lead_id = 30 AND occurred_at = '2026-01-02 16:30:00';
SELECT segment, mqls, contacted, contacted_before_mql FROM speed_to_lead('sales_contact', 24, 'id', '2026-01-02', '2026-01-03', 0, '2026-01-04') WHERE segment = '30';
-- [a10] a stage the model does not know as `when`
INSERT INTO mqlite_rules(name, source) VALUES ('hot', 'route { when = "Hot", by = "country", teams = { ["*"] = "t" }, members = { t = { "a" } } }');
SELECT * FROM route_plan('hot');
-- [a11] route_plan's arguments
SELECT * FROM route_plan;
SELECT * FROM route_plan(42);
SELECT * FROM route_plan('nope');
SELECT * FROM route_plan('hr', 'yesterday');
SELECT 'NULL rule: no rows', count(*) FROM route_plan(NULL);
INSERT INTO mqlite_rules(name, source) VALUES ('plain', 'thresholds { MQL = 50 }');
SELECT 'a rule with no route: no rows', count(*), rule_route('plain') IS NULL FROM route_plan('plain');
-- [h1] a route that is not data: each error names the rule and the key
INSERT INTO mqlite_rules(name, source) VALUES
  ('e1', 'route "emea"'),
  ('e2', 'route { by = "country" }'),
  ('e3', 'route { by = "country", teems = {} }'),
  ('e4', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { function() end } } }'),
  ('e5', 'local t = {} t.x = t route { by = "country", teams = t, members = { t = { "a" } } }'),
  ('e6', 'route { by = "country", teams = { DE = "emea" }, members = { amer = { "a" } } }'),
  ('e7', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a", "a" } } }'),
  ('e8', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a" } }, capacity = { b = 3 } }'),
  ('e9', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a" } }, capacity = { a = 1.5 } }'),
  ('e10', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a" } }, capacity = { a = -1 } }'),
  ('e11', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a" } }, keep_owner = "yes" }'),
  ('e12', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a" } } } route { by = "x", teams = { ["*"] = "t" }, members = { t = { "a" } } }'),
  ('e13', 'route { by = "country", teams = { [1] = "t" }, members = { t = { "a" } } }'),
  ('e14', 'route { by = "country", teams = setmetatable({}, { __index = function() error("ran") end }), members = { t = { "a" } } }'),
  ('e15', 'route { by = "", teams = { ["*"] = "t" }, members = { t = { "a" } } }'),
  ('e16', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a", x = "b" } } }'),
  ('e17', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a", nil, "b" } } }'),
  ('e18', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { string.rep("x", 201) } } }'),
  ('e19', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a\255" } } }'),
  ('e20', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = {} } }'),
  ('e21', 'route { by = "country", teams = {}, members = { t = { "a" } } }'),
  ('e22', 'route { by = "country", teams = { DE = "t", de = "t" }, members = { t = { "a" } } }');
SELECT 'e1', rule_route('e1');
SELECT 'e2', rule_route('e2');
SELECT 'e3', rule_route('e3');
SELECT 'e4', rule_route('e4');
SELECT 'e5', rule_route('e5');
SELECT 'e6', rule_route('e6');
SELECT 'e7', rule_route('e7');
SELECT 'e8', rule_route('e8');
SELECT 'e9', rule_route('e9');
SELECT 'e10', rule_route('e10');
SELECT 'e11', rule_route('e11');
SELECT 'e12', rule_route('e12');
SELECT 'e13', rule_route('e13');
SELECT 'e14', rule_route('e14');
SELECT 'e15', rule_route('e15');
SELECT 'e16', rule_route('e16');
SELECT 'e17', rule_route('e17');
SELECT 'e18', rule_route('e18');
SELECT 'e19', rule_route('e19');
SELECT 'e20', rule_route('e20');
SELECT 'e21', rule_route('e21');
SELECT 'e22', rule_route('e22');
-- [h2] huge tables: more than 10,000 territories; 1,001 members in a team; a route too big for the compile's budget
INSERT INTO mqlite_rules(name, source) VALUES
  ('big1', 'local t = {} for i = 1, 10001 do t["c" .. i] = "t" end route { by = "country", teams = t, members = { t = { "a" } } }'),
  ('big2', 'local l = {} for i = 1, 1001 do l[i] = "m" .. i end route { by = "country", teams = { ["*"] = "t" }, members = { t = l } }'),
  ('big3', 'local m = {} for t = 1, 1000 do local l = {} for i = 1, 1000 do l[i] = "m" .. i end m["t" .. t] = l end route { by = "country", teams = { ["*"] = "t1" }, members = m }'),
  ('big4', 'local t = {} for i = 1, 10000 do t["c" .. i] = "t" end route { by = "country", teams = t, members = { t = { "a" } } }');
SELECT 'big1', rule_route('big1');
SELECT 'big2', rule_route('big2');
SELECT 'big3', rule_route('big3');
-- [h3] one list of 1,000 members shared by 1,000 teams: cheap for Lua to build, a million names for route to read: its own charge stops it
INSERT INTO mqlite_rules(name, source) VALUES
  ('big5', 'local l = {} for i = 1, 1000 do l[i] = "m" .. i end local m = {} for t = 1, 1000 do m["t" .. t] = l end route { by = "country", teams = { ["*"] = "t1" }, members = m }');
SELECT 'big5', rule_route('big5');
SELECT 'the largest allowed fits the budget', length(rule_route('big4')) FROM mqlite_rules WHERE name = 'big4';
-- [a12] from: leads qualified before it are not routed (a rule that has run for a year, given a route)
INSERT INTO mqlite_rules(name, source) VALUES ('late', 'thresholds { MQL = 50 }
event("demo_request", 50)
route { by = "country", from = "2026-01-02T10:30", teams = { ["*"] = "t" }, members = { t = { "a" } } }');
INSERT INTO leads(id, created_at, country) VALUES (40, '2026-01-01', 'DE'), (41, '2026-01-01', 'DE');
INSERT INTO events(lead_id, type, occurred_at) VALUES (40, 'demo_request', '2026-01-02 10:00:00'), (41, 'demo_request', '2026-01-02 11:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
SELECT lead_id, stage, entered_at, 'rule:late@1', reason FROM rule_moves('late', '2026-01-04') WHERE lead_id >= 40;
SELECT rule_route('late') ->> '$.from';
SELECT lead_id, owner, assigned_at FROM route_plan('late', '2026-01-04');
INSERT INTO mqlite_rules(name, source) VALUES ('late2', 'route { by = "country", from = "soon", teams = { ["*"] = "t" }, members = { t = { "a" } } }');
SELECT rule_route('late2');
-- [a13] a dry run's moves, not in stage_history, given as the third argument: lead 50 is due after 7, 8 and 9 (planned in [a4], not written): anna's turn, but she holds lead 7, so ben; lead 1 is assigned already; lead 51's move after as_of is not seen
INSERT INTO leads(id, created_at, country) VALUES (50, '2026-01-01', 'FR'), (51, '2026-01-01', 'FR');
SELECT lead_id, owner, team, assigned_at, version, reason FROM route_plan('hr', '2026-01-10',
  '[[50, "MQL", "2026-01-09 10:00:00", 3], [1, "SQL", "2026-01-09 11:00:00", 3], [51, "MQL", "2026-01-11 09:00:00", null]]');
SELECT 'no moves', count(*) FROM route_plan('hr', '2026-01-10', '[]');
-- [a14] each lead's earliest qualifying entry, however the moves come: 52's at 08:00 (given after 09:00; its IQL at 07:00 is below MQL);
-- 53's move ties its stage_history entry, which is kept (version 2); 54's two moves tie, the first given is kept (version 1)
INSERT INTO leads(id, created_at, country) VALUES (52, '2026-01-01', 'US'), (53, '2026-01-01', 'US'), (54, '2026-01-01', 'US');
INSERT INTO stage_history(lead_id, stage, entered_at, source) VALUES (53, 'MQL', '2026-01-09 08:30:00', 'rule:hr@2');
SELECT lead_id, owner, assigned_at, version FROM route_plan('hr', '2026-01-10',
  '[[54, "MQL", "2026-01-09 09:30:00", 1], [52, "MQL", "2026-01-09 09:00:00", 4], [53, "MQL", "2026-01-09 08:30:00", 7],
    [52, "MQL", "2026-01-09 08:00:00", 5], [52, "IQL", "2026-01-09 07:00:00", 6], [54, "MQL", "2026-01-09 09:30:00", 2]]')
WHERE lead_id >= 52;
DELETE FROM stage_history WHERE lead_id = 53;
-- [h4] moves that are not such an array
SELECT * FROM route_plan('hr', '2026-01-10', 'not json');
SELECT * FROM route_plan('hr', '2026-01-10', '[[50, "MQL"]]');
SELECT * FROM route_plan('hr', '2026-01-10', '{"a": 1}');
SELECT * FROM route_plan('hr', '2026-01-10', 42);
-- [n] a name with a NUL byte is refused when the rule is read (it was written
-- into the route's JSON, which jansson then refused: "out of memory" every night)
INSERT INTO mqlite_rules(name, source) VALUES ('nul', 'route { by = "country", teams = { ["*"] = "t" }, members = { t = { "a\0b" } } }');
SELECT rule_route('nul');
-- [o] a kept owner is kept whole (it was cut to 255 bytes, mid-character),
-- and a territory longer than any team's key matches none (it was cut to 255
-- bytes, which a key of that prefix could have matched)
INSERT INTO mqlite_rules(name, source) VALUES ('long', 'thresholds { MQL = 50 }
event("demo_request", 50)
route { by = "country", keep_owner = true, teams = { DE = "emea" }, members = { emea = { "anna" } } }');
INSERT INTO leads(id, created_at, country, owner) VALUES
  (801, '2027-01-01', 'DE', printf('%.300c', 'x') || 'é'), (802, '2027-01-01', 'DE' || printf('%.300c', ' ') || 'x', NULL);
INSERT INTO events(lead_id, type, occurred_at) VALUES (801, 'demo_request', '2027-01-02 10:00:00'), (802, 'demo_request', '2027-01-02 11:00:00');
INSERT INTO stage_history(lead_id, stage, entered_at, source, reason)
SELECT lead_id, stage, entered_at, 'rule:long@1', reason FROM rule_moves('long', '2027-01-04') WHERE lead_id > 800;
SELECT lead_id, length(owner), substr(owner, -2), quote(team), length(reason), substr(reason, 1, 30) FROM route_plan('long', '2027-01-04') ORDER BY lead_id;
