-- sandbox.sql — hostile rules fail with a clear error and the connection goes on.
.read schema/mqlite.sql
-- [1] the sandbox's libraries
SELECT mqlite_limit('memory', 16 * 1024 * 1024);
INSERT INTO mqlite_rules(name, source) VALUES
  ('io',        'io.open("/etc/passwd")'),
  ('execute',   'os.execute("touch /tmp/mqlite-pwned")'),
  ('exit',      'os.exit(1)'),
  ('getenv',    'return os.getenv("HOME")'),
  ('require',   'require("io")'),
  ('loadlib',   'package.loadlib("libc.so.6", "system")'),
  ('debug',     'debug.sethook()'),
  ('bytecode',  'load("\27Lua\84\0", "x", "b")'),
  ('dump',      'string.dump(function() end)'),
  ('dofile',    'dofile("/etc/passwd")'),
  ('strmeta',   'getmetatable("").__index.rep = nil'),
  ('loop',      'while true do end'),
  ('pcallloop', 'while true do pcall(function() while true do end end) end'),
  ('recursion', 'local function f(n) return f(n + 1) + 1 end f(1)'),
  ('rep',       'local s = string.rep("x", 1 << 40)'),
  ('rep2',      'local s = string.rep("x", 100000000)'),
  ('concat',    'local t = {} for i = 1, 64 do t[i] = string.rep("y", 1 << 20) end local s = table.concat(t)'),
  ('tables',    'local t = {} local i = 0 while true do i = i + 1 t[i] = {i} end'),
  ('gcstop',    'collectgarbage("stop")'),
  ('errtable',  'error(setmetatable({}, { __tostring = function() while true do end end }))'),
  ('errnil',    'error()'),
  ('coroutine', 'coroutine.wrap(function() end)()'),
  ('print',     'print("hello")'),
  ('setfenv',   'setfenv(1, {})'),
  ('infun',     'fit("x", 1, function(l) while true do end end)'),
  ('memfun',    'fit("x", 1, function(l) return #string.rep("z", 1 << 30) > 0 end)'),
  ('dslfun',    'fit("x", 1, function(l) fit("y", 1, {a = 1}) return true end)'),
  ('clobber',   'string.lower = nil tostring = nil fit = nil'),
  ('victim',    'fit("lower", 1, function(l) return string.lower(tostring(l.a)) == "yes" end)');
SELECT name, lead_score(name, '{}') FROM mqlite_rules WHERE name = 'io';
SELECT lead_score('execute', '{}');
SELECT lead_score('exit', '{}');
SELECT lead_score('getenv', '{}');
SELECT lead_score('require', '{}');
SELECT lead_score('loadlib', '{}');
SELECT lead_score('debug', '{}');
SELECT lead_score('bytecode', '{}');
SELECT lead_score('dump', '{}');
SELECT lead_score('dofile', '{}');
SELECT lead_score('strmeta', '{}');
SELECT lead_score('loop', '{}');
SELECT lead_score('pcallloop', '{}');
SELECT lead_score('recursion', '{}');
SELECT lead_score('rep', '{}');
SELECT lead_score('rep2', '{}');
SELECT lead_score('concat', '{}');
SELECT lead_score('tables', '{}');
SELECT lead_score('gcstop', '{}');
SELECT lead_score('errtable', '{}');
SELECT lead_score('errnil', '{}');
SELECT lead_score('coroutine', '{}');
SELECT lead_score('print', '{}');
SELECT lead_score('setfenv', '{}');
SELECT lead_score('infun', '{}');
SELECT lead_score('memfun', '{}');
SELECT lead_score('dslfun', '{}');
SELECT 'clobber', lead_score('clobber', '{}');
SELECT 'victim', lead_score('victim', '{"a": "YES"}');
-- [2] Library calls that loop in C, where the count hook never fires: refused
-- up front by the guards (ext/luaguard.c), charged to the budget otherwise.
INSERT INTO mqlite_rules(name, source) VALUES
  ('patbomb',   'local s = string.rep("a", 40) return s:find(string.rep("a?", 40) .. string.rep("a", 40))'),
  ('patlazy',   'fit("x", 1, function(l) return string.match(string.rep("a", 1000000), ".-b") ~= nil end)'),
  ('patgsub',   'local s = string.gsub(string.rep("ab", 5000), "(.-)(.-)(.-)x", "%1")'),
  ('patgmatch', 'for w in string.gmatch(string.rep("a", 100000), "a*a*a*b") do end'),
  ('patbal',    'return string.find(string.rep("(", 100000), "%b()%b()%b()")'),
  ('patmethod', 'local s = ("a"):rep(30) return s:match(("a?"):rep(30) .. ("a"):rep(30))'),
  ('repempty',  'local s = string.rep("", 1 << 62) return #s'),
  ('move',      'table.move({}, 1, 1 << 62, 2)'),
  ('fakelen',   'local t = setmetatable({}, { __len = function() return 1 << 62 end }) table.insert(t, 1, "x")'),
  ('fakelen2',  'local t = setmetatable({}, { __len = function() return 1 << 62 end }) table.remove(t, 1)'),
  ('finalizer', 'setmetatable({}, { __gc = function() while true do end end })'),
  ('pcalldeep', 'local function f() pcall(f) end f() fit("after", 1, {})'),
  ('loadfn',    'load(function() return "x = 1" end)'),
  ('loadenv',   'local f = load("return io or os.execute or debug") return f()'),
  ('proxymeta', 'fit("x", 1, function(l) getmetatable(l).__index = nil return true end)'),
  ('proxyset',  'fit("x", 1, function(l) l.score = 1000 return true end)'),
  ('sortbad',   'local t = {} for i = 1, 200 do t[i] = i end table.sort(t, function(a, b) return true end)'),
  ('osdate',    'return os.date("%Ez")'),
  ('ostime',    'return os.time { year = 1 << 40, month = 1, day = 1 }'),
  ('format',    'return string.format("%099999d", 1)'),
  ('pack',      'return string.pack("s1", string.rep("x", 300))');
SELECT lead_score('patbomb', '{}');
SELECT lead_score('patlazy', '{}');
SELECT lead_score('patgsub', '{}');
SELECT lead_score('patgmatch', '{}');
SELECT lead_score('patbal', '{}');
SELECT lead_score('patmethod', '{}');
SELECT 'repempty', lead_score('repempty', '{}');
SELECT lead_score('move', '{}');
SELECT lead_score('fakelen', '{}');
SELECT lead_score('fakelen2', '{}');
SELECT lead_score('finalizer', '{}');
SELECT lead_score('pcalldeep', '{}');
SELECT lead_score('loadfn', '{}');
SELECT lead_score('loadenv', '{}');
SELECT lead_score('proxymeta', '{}');
SELECT lead_score('proxyset', '{}');
SELECT lead_score('sortbad', '{}');
SELECT lead_score('osdate', '{}');
SELECT lead_score('ostime', '{}');
SELECT lead_score('format', '{}');
SELECT lead_score('pack', '{}');
-- [3] Ordinary patterns on ordinary fields stay well inside the budget.
INSERT INTO mqlite_rules(name, source) VALUES
  ('words',     'fit("three words", 1, function(l) local n = 0 for _ in (l.title or ""):gmatch("%a+") do n = n + 1 end return n >= 3 end)'),
  ('trim',      'fit("trimmed", 1, function(l) return (l.title or ""):match("^%s*(.-)%s*$") == "VP Sales" end)'),
  ('notes',     'fit("size in the notes", 1, function(l) return (l.notes or ""):match("(%d+)%s*employees") == "250" end)');
SELECT 'words', lead_score('words', '{"title": "VP of Sales"}'), lead_score('words', '{"title": "CEO"}');
SELECT 'trim', lead_score('trim', '{"title": "  VP Sales  "}');
-- [4] 2,000 bytes of notes: %d+, %s* and "e" never match the same character
SELECT 'notes', lead_score('notes', json_object('notes', printf('%.*c', 1980, 'x') || ' 250 employees'));
SELECT 'hostile rules', count(*) FROM mqlite_rules WHERE name NOT IN ('victim', 'words', 'trim', 'notes');
SELECT 'no file written', readfile('/tmp/mqlite-pwned') IS NULL;
SELECT 'still usable', lead_score('victim', '{"a": "yes"}'), mqlite_debug() ->> '$.memory_used' < 8000000;
