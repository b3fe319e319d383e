-- limits.sql — mqlite_limit() reads and sets the sandbox limits of a connection.
-- [1] read and set the limits
SELECT mqlite_limit('memory'), mqlite_limit('instructions');
SELECT mqlite_limit('instructions', 5000);
SELECT mqlite_limit('memory', NULL);
SELECT mqlite_limit('memory', 1000);
SELECT mqlite_limit('instructions', 1e12);
SELECT mqlite_limit('instructions', 10);
SELECT mqlite_limit('time');
SELECT mqlite_limit(1);
-- [2] the new budget applies to the next call
CREATE TABLE mqlite_rules(name TEXT PRIMARY KEY, source TEXT);
INSERT INTO mqlite_rules VALUES ('spin', 'for i = 1, 100000 do end');
SELECT lead_score('spin', '{}');
SELECT mqlite_limit('instructions', 10000000);
SELECT lead_score('spin', '{}');
-- [3] a view cannot change the limits (mqlite_limit is SQLITE_DIRECTONLY)
CREATE VIEW lift AS SELECT mqlite_limit('memory', 4294967296) AS m;
SELECT * FROM lift;
