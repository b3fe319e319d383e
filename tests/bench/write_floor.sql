-- write_floor.sql — what an incremental nightly run cannot help writing,
-- done by plain sqlite3 (no mqlite) on the bench's database after 1 % of the
-- leads changed (id % 100 = 7): for each of those 10,000 leads, a history
-- row appended to scores and its current row rewritten in score_current, in
-- one transaction, as durable as sqlite3 makes it by default (a rollback
-- journal, synchronous FULL). What the incremental run costs beyond this
-- row of make bench is mqlite's own.
BEGIN IMMEDIATE;
CREATE TEMP TABLE changed AS
WITH RECURSIVE ids(id) AS (SELECT 7 UNION ALL SELECT id + 100 FROM ids WHERE id + 100 <= 1000000)
SELECT id FROM ids;
INSERT INTO scores(lead_id, rule, scored_at, score, fit, engagement, grade, stage, explanation, version)
SELECT lead_id, rule, '2026-04-02 00:00:01', score + 1, fit, engagement + 1, grade, stage, explanation, version
FROM score_current WHERE rule = 'b2b' AND lead_id IN (SELECT id FROM temp.changed);
UPDATE score_current SET score = score + 1, engagement = engagement + 1, scored_at = '2026-04-02 00:00:01'
WHERE rule = 'b2b' AND lead_id IN (SELECT id FROM temp.changed);
COMMIT;
SELECT count(*) FROM scores WHERE scored_at = '2026-04-02 00:00:01';
