-- threshold.sql — lead_threshold(rule, stage [, grade]): the lowest score at
-- which the rule's thresholds give the stage or one beyond it (stage_rank),
-- checked against lead_stage at and just below each answer; NULL when no
-- threshold reaches it, -Inf when every score does; and its errors.
.read schema/mqlite.sql
INSERT INTO mqlite_rules(name, source) VALUES
  ('plain', 'thresholds { MQL = 30, SQL = 60.5 }'),
  ('graded', 'thresholds { MQL = 30, SQL = { score = 60, grade = "B" } }'),
  ('high', 'thresholds { MQL = 40, below = "MQL" }'),
  ('odd', 'thresholds { SQL = 20, nurture = 50 }'),
  ('alien', 'thresholds { MQL = 10, champion = 90 }'),
  ('none', 'fit("x", 1, { employees = at_least(1) })');
-- [1.1] the thresholds of a plain rule, by stage (aliases and case as stage_rank takes them)
SELECT lead_threshold('plain', 'MQL'), lead_threshold('plain', 'marketing qualified lead'),
       lead_threshold('plain', 'sql'), lead_threshold('plain', 'PQL');
-- [1.2] at the answer the rule gives the stage, just below it an earlier one
SELECT lead_stage('plain', 30), lead_stage('plain', 29.99), lead_stage('plain', 60.5), lead_stage('plain', 60.49);
-- [1.3] beyond every threshold: NULL; at or below the stage under all thresholds (IQL): -Inf
SELECT lead_threshold('plain', 'won') IS NULL, lead_threshold('plain', 'meeting') IS NULL,
       lead_threshold('plain', 'IQL'), lead_threshold('plain', 'target');
-- [1.4] a rank reached by a detour counts (disqualified has the rank of SQL, 4)
SELECT lead_threshold('plain', 'disqualified');
-- [2.1] a grade picks the thresholds it passes
SELECT lead_threshold('graded', 'MQL', 'A'), lead_threshold('graded', 'SQL', 'A+'),
       lead_threshold('graded', 'SQL', 'b'), lead_threshold('graded', 'SQL', 'C') IS NULL;
-- [2.2] a grade is needed where a threshold that names one is reached, as in lead_stage
SELECT lead_threshold('graded', 'MQL'), lead_threshold('graded', 'MQL', NULL), lead_stage('graded', 30);
SELECT lead_threshold('graded', 'SQL');
SELECT lead_stage('graded', 60);
-- [2.3] a grade outside the scale of the rule
SELECT lead_threshold('graded', 'MQL', 'Z');
-- [3.1] below = MQL: every score is an MQL
SELECT lead_threshold('high', 'MQL'), lead_threshold('high', 'IQL'), lead_threshold('high', 'SQL') IS NULL;
-- [3.2] thresholds out of rank order: the lowest score that reaches the rank
SELECT lead_threshold('odd', 'SQL'), lead_threshold('odd', 'MQL'), lead_threshold('odd', 'nurture'),
       lead_stage('odd', 50), lead_stage('odd', 20);
-- [3.3] a rule without thresholds: IQL below everything
SELECT lead_threshold('none', 'IQL'), lead_threshold('none', 'MQL') IS NULL;
-- [3.4] a threshold stage the model does not know
SELECT lead_threshold('alien', 'MQL');
SELECT lead_threshold('alien', 'won');
-- [3.5] the stage model of the database: a changed rank moves the answer
UPDATE mqlite_stages SET rank = 5 WHERE name = 'MQL';
SELECT lead_threshold('plain', 'SQL'), lead_threshold('plain', 'meeting'), lead_threshold('plain', 'proposal') IS NULL;
UPDATE mqlite_stages SET rank = 3 WHERE name = 'MQL';
-- [4.1] NULL in, NULL out
SELECT lead_threshold(NULL, 'MQL') IS NULL, lead_threshold('plain', NULL) IS NULL, lead_threshold('plain', 'MQL', NULL);
-- [4.2] wrong types and unknown names
SELECT lead_threshold('plain', 3);
SELECT lead_threshold('plain', 'MQL', 1);
SELECT lead_threshold('plain', 'funnel top');
SELECT lead_threshold('nope', 'MQL');
SELECT lead_threshold(7, 'MQL');
SELECT lead_threshold('plain');
-- [4.3] a view or trigger of the database cannot call it (it compiles a rule)
CREATE VIEW v AS SELECT lead_threshold('plain', 'MQL') AS t;
SELECT t FROM v;
-- [5.1] the MQL line of the report, as the 1,201 lead_stage calls found it
SELECT lead_threshold(name, 'MQL', 'A+') IS (SELECT min(value) FROM generate_series(-200, 1000)
                                             WHERE stage_rank(lead_stage(name, value, 'A+')) >= stage_rank('MQL'))
FROM mqlite_rules WHERE name IN ('plain', 'graded', 'odd', 'none') ORDER BY name;
