-- learn.sql — scorecard_fit, the regularised logistic regression under mqlite learn: a fit with a closed form, and a stranger's rows.
-- [1] one feature: 100 leads with it (80 converted), 100 without (20): the weights are the log odds (tiny penalty)
CREATE TABLE t AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT i AS lead_id, iif(i <= 100, 1, NULL) AS feature, iif(i <= 100, i % 5 <> 0, i % 5 = 0) AS outcome FROM n;
SELECT round(m ->> 'intercept', 6), round(m ->> '$.weights[0]', 6), m ->> 'leads', m ->> 'positives', m ->> 'converged'
FROM (SELECT scorecard_fit(lead_id, feature, outcome, 1, 1e-9) AS m FROM (SELECT * FROM t ORDER BY lead_id));
SELECT round(ln(0.2 / 0.8), 6), round(ln(0.8 / 0.2) - ln(0.2 / 0.8), 6);
-- [2] the default penalty (1) pulls the weight in a little; a feature number no lead has gets 0; value 2 halves the weight (tiny penalty)
SELECT round(m ->> '$.weights[0]', 4), m ->> '$.weights[1]', m ->> '$.weights[2]', json_array_length(m ->> 'weights')
FROM (SELECT scorecard_fit(lead_id, feature, outcome) AS m FROM (
    SELECT lead_id, feature, outcome FROM t UNION ALL SELECT 2, 3, 1 ORDER BY lead_id));
SELECT round(m ->> '$.weights[0]', 6) FROM (SELECT scorecard_fit(lead_id, feature, outcome, 2, 1e-9) AS m FROM (SELECT * FROM t ORDER BY lead_id));
-- [h1] a stranger's rows: out of order, a lead with two outcomes, feature numbers out of range or not whole, NULLs, a bad penalty or value, a feature twice
SELECT scorecard_fit(lead_id, feature, outcome) FROM (SELECT * FROM t ORDER BY lead_id DESC);
SELECT scorecard_fit(column1, column2, column3) FROM (VALUES (1, 1, 1), (1, 2, 0));
SELECT scorecard_fit(1, 0, 1);
SELECT scorecard_fit(1, 4001, 1);
SELECT scorecard_fit(1, 1.5, 1);
SELECT scorecard_fit(1, 'a', 1);
SELECT scorecard_fit(NULL, 1, 1);
SELECT scorecard_fit(1, 1, NULL);
SELECT scorecard_fit(1, 1, 2);
SELECT scorecard_fit(1, 1, 1, 1, 0);
SELECT scorecard_fit(1, 1, 1, 1, 'high');
SELECT scorecard_fit(1, 1, 1, 'many');
SELECT scorecard_fit(1, 1, 1, 1e300);
SELECT scorecard_fit(column1, 1, 1, 1, column2) FROM (VALUES (1, 1.0), (2, 2.0));
SELECT scorecard_fit(column1, column2, 1) FROM (VALUES (1, 1), (1, 1));
SELECT scorecard_fit(lead_id, feature, outcome) IS NULL AS no_rows FROM t WHERE 0;
