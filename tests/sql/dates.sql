-- dates.sql — mqlite_date(): a text already written as it writes dates is
-- given back as it is (the importer's quick way relies on it); anything else
-- goes through the parser, whose verdict the quick answer never overrides.
-- [1] canonical text comes back unchanged, as text
SELECT mqlite_date('2025-11-04 21:21:33'), typeof(mqlite_date('2025-11-04 21:21:33'));
SELECT mqlite_date('0000-01-01 00:00:00'), mqlite_date('9999-12-31 23:59:59');
SELECT mqlite_date('2024-02-29 00:00:00'), mqlite_date('2025-11-04 21:21:33', 'iso');
-- [2] the canonical shape is not enough: the parser still says no
SELECT quote(mqlite_date('2025-02-29 00:00:00')), quote(mqlite_date('2025-13-01 00:00:00')),
       quote(mqlite_date('2025-04-31 00:00:00')), quote(mqlite_date('2025-01-01 24:00:00')),
       quote(mqlite_date('2025-01-01 23:60:00'));
-- [3] a leap second is written as the next minute, not given back
SELECT mqlite_date('2025-12-31 23:59:60');
-- [4] other forms and other formats are formatted as before
SELECT mqlite_date('2025-11-04T21:21:33'), mqlite_date(' 2025-11-04 21:21:33'), mqlite_date('2025-11-04 21:21');
SELECT mqlite_date('2025-11-04 21:21:33', 'ymd'), quote(mqlite_date('2025-11-04 21:21:33', 'dmy')), quote(mqlite_date('2025-11-04 21:21:33', 'mdy'));
SELECT mqlite_date('2025-11-04 21:21:33+01:00'), mqlite_date('2025-11-04 21:21:33.9');
-- [5] mqlite_rows_plain(time [, json]): the import's quick test is 1 exactly
-- when mqlite_date(time) gives time back and json is empty or an object
SELECT mqlite_rows_plain('2025-11-04 21:21:33'), mqlite_rows_plain('2025-02-29 00:00:00'),
       mqlite_rows_plain('2025-11-04T21:21:33'), mqlite_rows_plain(''), mqlite_rows_plain(' 2025-11-04 21:21:33');
SELECT mqlite_rows_plain('2025-11-04 21:21:33', ''), mqlite_rows_plain('2025-11-04 21:21:33', '{"a":[1,{}]}'),
       mqlite_rows_plain('2025-11-04 21:21:33', '[1]'), mqlite_rows_plain('2025-11-04 21:21:33', '{"a":01}'),
       mqlite_rows_plain('2025-02-29 00:00:00', '{}');
-- [6] anything but text is not plain: 0, not NULL (the quick way is for the
-- rows it is sure of); a wrong count of arguments is SQLite's error
SELECT mqlite_rows_plain(NULL), mqlite_rows_plain('2025-11-04 21:21:33', NULL), mqlite_rows_plain(20251104),
       mqlite_rows_plain(x'323032352d31312d30342032313a32313a3333'), mqlite_rows_plain('2025-11-04 21:21:33', 7);
SELECT mqlite_rows_plain();
