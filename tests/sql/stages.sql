-- stages.sql — the stage functions, the default model, aliases and a changed model.
-- [1] without the schema: the built-in default pipeline
SELECT 'default', stage_rank('target'), stage_rank('IQL'), stage_rank('mql'), stage_rank('PQL'), stage_rank('SQL'),
       stage_rank('meeting'), stage_rank('proposal'), stage_rank('won'), stage_rank('lost'), stage_rank('nurture');
.read schema/mqlite.sql
SELECT 'aliases', stage_name('Marketing Qualified Lead'), stage_name('sales-qualified'), stage_name('  Closed  Won '),
       stage_name('closed_lost'), stage_name('RECYCLED'), stage_name('meeting or demo');
SELECT 'next', stage_next('target'), stage_next('MQL'), stage_next('PQL'), stage_next('proposal'), stage_next('won') IS NULL,
       stage_next('nurture'), stage_next('lost') IS NULL;
SELECT 'forward', stage_is_forward('MQL', 'SQL'), stage_is_forward('SQL', 'MQL'), stage_is_forward('SQL', 'nurture'),
       stage_is_forward('MQL', 'PQL'), stage_is_forward('proposal', 'lost'), stage_is_forward('nurture', 'MQL');
SELECT 'lookup', stage_lookup('Closed Won'), stage_lookup('sales ready') IS NULL, stage_lookup(NULL) IS NULL, stage_lookup(5) IS NULL;
SELECT 'null', stage_rank(NULL) IS NULL, stage_next(NULL) IS NULL, stage_is_forward(NULL, 'SQL') IS NULL;
WITH h(lead, stage) AS (VALUES (1, 'IQL'), (1, 'MQL'), (1, 'SQL'), (1, 'nurture'), (1, 'MQL'),
                               (2, 'IQL'), (2, 'SQL'), (2, 'lost'), (3, 'nurture'), (4, 'PQL'), (4, 'MQL'))
SELECT 'max', lead, stage_max(stage) FROM h GROUP BY lead;
SELECT 'max of none', stage_max(stage) IS NULL FROM (SELECT NULL AS stage WHERE 0);
-- [2] errors
SELECT stage_rank('sales ready');
SELECT stage_rank(3);
SELECT stage_is_forward('MQL', 'closed');
WITH h(stage) AS (VALUES ('MQL'), ('bogus')) SELECT stage_max(stage) FROM h;
-- [3] the model is the user's: a new stage and an alias are seen at once
INSERT INTO mqlite_stages(name, rank, kind) VALUES ('trial', 3, 'marketing');
INSERT INTO mqlite_stage_aliases(alias, stage) VALUES ('sales ready', 'SQL');
SELECT 'changed', stage_rank('trial'), stage_name('Sales Ready'), stage_next('trial');
UPDATE mqlite_stages SET rank = 8 WHERE name = 'lost';
SELECT 'rank moved', stage_rank('lost');
DELETE FROM mqlite_stages;
SELECT stage_rank('MQL');
-- [4] a change rolled back is forgotten: the model read inside the transaction is read again after it
.read schema/mqlite.sql
SELECT 'before', stage_rank('MQL');
BEGIN;
UPDATE mqlite_stages SET rank = 5 WHERE name = 'MQL';
SELECT 'inside', stage_rank('MQL');
ROLLBACK;
SELECT 'after rollback', stage_rank('MQL');
