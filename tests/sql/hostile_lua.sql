-- hostile_lua.sql — issue 11, items 3, 8, 9, 10 and 18: a rule from a stranger
-- can only compute. Each case names its item; each must end with the exact
-- error (or result) shown in hostile_lua.expected, and quickly.
.read schema/mqlite.sql
-- [1] the rules of this file
INSERT INTO leads(id, created_at, email) VALUES (1, '2025-01-05', 'kim@northwind.io');
-- [2] item 3: xpcall's message handler runs where hooks are off
-- (scripts: `mqlite rule add` compiles with lead_score(:name, '{}'); `score`
-- runs score_leads; `report` reads scores: the three paths below.)
INSERT INTO mqlite_rules(name, source) VALUES
  ('x3body', 'xpcall(error, function() while true do end end)'),
  ('x3fn',   'fit("x", 1, function(l) return xpcall(error, function() while true do end end) end)'),
  ('x3loop', 'fit("x", 1, function(l) while true do xpcall(function() while true do end end, function() while true do end end) end end)'),
  ('x3err',  'xpcall(function() error("boom") end, function() while true do end end)'),
  ('x3ok',   'fit("handled", 5, function(l) local ok, m = xpcall(function() error("boom", 0) end, function(m) return "h:" .. m end) return not ok and m == "h:boom" end)');
SELECT '3.1', lead_score('x3body', '{}');
SELECT '3.2', lead_score('x3fn', '{}');
SELECT '3.3', score FROM score_leads('x3fn', '2025-03-01');
SELECT '3.4', lead_score('x3loop', '{}');
SELECT '3.5', lead_score('x3err', '{}');
SELECT '3.6', lead_score('x3ok', '{}');
-- [3] item 8: C loops a rule can cause are charged before they run
INSERT INTO mqlite_rules(name, source) VALUES
  ('c8concat', 'local t = setmetatable({}, { __index = table.concat }) for i = 1, 100 do table.concat(t, "", 1, 20000) end'),
  ('c8concat2', 'local t = setmetatable({}, { __index = table.concat }) return table.concat(t, "", 1, 1 << 40)'),
  ('c8unpack', 'local t = {} while true do table.unpack(t, 1, 900000) end'),
  ('c8upper',  'local s = string.rep("x", 1 << 20) while true do s:upper() end'),
  ('c8lower',  'fit("x", 1, function(l) local s = string.rep("X", 1 << 20) while true do s:lower() end end)'),
  ('c8utf8',   'local s = string.rep("x", 1 << 20) while true do utf8.len(s) end'),
  ('c8sort',   'local a, b = string.rep("x", 1000000) .. "a", string.rep("x", 1000000) .. "b" local t = {} for i = 1, 20000 do t[i] = i % 2 == 0 and a or b end table.sort(t)'),
  ('c8sortlen', 'local t = setmetatable({3, 2, 1}, { __len = function() return 3 end }) table.sort(t)'),
  ('c8load',   'local src = "return " .. string.rep("1 + ", 20000) .. "1" while true do load(src) end'),
  ('c8groups', 'for i = 1, 50000 do group("g" .. i) end'),
  ('c8insert', 'local n = 0 local t = setmetatable({}, { __len = function() n = n + 1 return n == 1 and 1 or 1 << 40 end }) table.insert(t, 1, "x") return #t'),
  ('c8tonum',  'local s = string.rep("1", 1 << 20) while true do local x = tonumber(s) end'),
  ('c8long',   'local s = string.rep("x", 1 << 20) .. "y"');
SELECT '8.1', lead_score('c8concat', '{}');
SELECT '8.2', lead_score('c8concat2', '{}');
SELECT '8.3', lead_score('c8unpack', '{}');
SELECT '8.4', lead_score('c8upper', '{}');
SELECT '8.5', lead_score('c8lower', '{}');
SELECT '8.6', lead_score('c8utf8', '{}');
SELECT '8.7', lead_score('c8sort', '{}');
SELECT '8.8', lead_score('c8sortlen', '{}');
SELECT '8.9', lead_score('c8load', '{}');
SELECT '8.10', lead_score('c8groups', '{}');
SELECT '8.11', lead_score('c8insert', '{}');
SELECT '8.12', lead_score('c8tonum', '{}');
SELECT '8.13', lead_score('c8long', '{}');
-- [4] a lead field longer than a rule may read
INSERT INTO mqlite_rules(name, source) VALUES ('c8field', 'fit("x", 1, function(l) return #l.notes > 0 end)');
SELECT '8.14', lead_score('c8field', json_object('notes', printf('%.*c', 1100000, 'n')));
-- [5] compiling: the source is bounded, and its parse is charged
INSERT INTO mqlite_rules(name, source) VALUES
  ('c8bigsrc', 'local x = 1 ' || replace(printf('%.*c', 95000, '.'), '.', 'if x then x = 2 end ')),
  ('c8elseif', 'local x = 1 if x == 0 then ' || replace(printf('%.*c', 12000, '.'), '.', 'elseif x == 2 then ') || 'end');
SELECT '8.15', lead_score('c8bigsrc', '{}');
SELECT '8.16', lead_score('c8elseif', '{}');
-- [6] (long strings compared in a loop, ==, are in tests/python/test_hostile_interrupt.py:
-- that case is about time, and this file also runs under valgrind)
-- ---- item 9: the rule builder's memory is inside the cap, and freed on error -----------
SELECT mqlite_limit('memory', 16 * 1024 * 1024), mqlite_limit('instructions', 10000000000);
INSERT INTO mqlite_rules(name, source) VALUES
  ('m9oneof', 'local big = {} for i = 1, 10000 do big[i] = "item" .. i end for i = 1, 100000 do fit("x", 1, { a = one_of(big) }) end');
SELECT '9.1', lead_score('m9oneof', '{}');
SELECT '9.2 freed', mqlite_debug() ->> '$.memory_used' < 2000000;
SELECT mqlite_limit('memory', 64 * 1024 * 1024), mqlite_limit('instructions', 1000000);
INSERT INTO mqlite_rules(name, source) VALUES
  ('m9time', 'local big = {} for i = 1, 10000 do big[i] = "item" .. i end for i = 1, 100000 do fit("x", 1, { a = one_of(big) }) end');
SELECT '9.3', lead_score('m9time', '{}');
-- [7] item 10: the budget is per lead, not per call
INSERT INTO mqlite_rules(name, source) VALUES
  ('b10many', 'for i = 1, 2000 do fit("f" .. i, 1, function(l) for k = 1, 600 do end return true end) end'),
  ('b10few',  'for i = 1, 200 do fit("f" .. i, 1, function(l) for k = 1, 600 do end return true end) end');
SELECT '10.1', lead_score('b10many', '{}');
SELECT '10.2', score FROM score_leads('b10many', '2025-03-01');
SELECT '10.3', lead_score('b10few', '{}'), lead_score('b10few', '{}');
SELECT '10.4', score FROM score_leads('b10few', '2025-03-01');
-- [8] item 18: NaN and infinities are refused when the rule is compiled
INSERT INTO mqlite_rules(name, source) VALUES
  ('n18cap',   'caps { total = 0/0 }'),
  ('n18capinf', 'caps {' || char(10) || ' fit = math.huge }'),
  ('n18th',    'thresholds { MQL = 0/0 }'),
  ('n18thinf', 'thresholds { SQL = { score = -math.huge } }'),
  ('n18ev',    'event("x", 1, { cap = 0/0 })'),
  ('n18half',  'event("x", 1, { half_life_days = 1/0 })'),
  ('n18decay', 'decay { half_life_days = 0/0 }'),
  ('n18group', 'group("g", { cap = 0/0 })'),
  ('n18pts',   'fit("x", 0/0, { a = 1 })'),
  ('n18test',  'fit("x", 1, { a = at_least(0/0) })'),
  ('n18btw',   'fit("x", 1, { a = between(0, 1/0) })'),
  ('n18eq',    'fit("x", 1, { a = 0/0 })'),
  ('n18grade', 'fit("x", 1, { a = 1 }, { grade = 0/0 })'),
  ('n18fn',    'fit("x", 1, function(l) return 0/0 end)');
SELECT '18.1', lead_score('n18cap', '{}');
SELECT '18.2', lead_score('n18capinf', '{}');
SELECT '18.3', lead_score('n18th', '{}');
SELECT '18.4', lead_score('n18thinf', '{}');
SELECT '18.5', lead_score('n18ev', '{}');
SELECT '18.6', lead_score('n18half', '{}');
SELECT '18.7', lead_score('n18decay', '{}');
SELECT '18.8', lead_score('n18group', '{}');
SELECT '18.9', lead_score('n18pts', '{}');
SELECT '18.10', lead_score('n18test', '{}');
SELECT '18.11', lead_score('n18btw', '{}');
SELECT '18.12', lead_score('n18eq', '{}');
SELECT '18.13', lead_score('n18grade', '{}');
SELECT '18.14', lead_score('n18fn', '{}');
SELECT 'still usable', lead_score('x3ok', '{}'), mqlite_debug() ->> '$.memory_used' < 8000000;
