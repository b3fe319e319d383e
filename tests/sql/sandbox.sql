-- sandbox.sql — hostile rules fail with a clear error and the connection goes on.
.read schema/mqlite.sql
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
SELECT 'no file written', readfile('/tmp/mqlite-pwned') IS NULL;
SELECT 'still usable', lead_score('victim', '{"a": "yes"}'), mqlite_debug() ->> '$.memory_used' < 8000000;
