-- conversion.sql — rates, Wilson bounds, percentiles, durations and campaign metrics.
-- [1] rates and bounds, percentiles, durations, campaign metrics
SELECT 'worked example', conversion_rate(200, 500);
SELECT 'zero total', conversion_rate(0, 0) IS NULL, conversion_rate(NULL, 5) IS NULL, conversion_rate(5, NULL) IS NULL;
SELECT 'naive above 1', conversion_rate(12, 10);
SELECT 'text numbers', conversion_rate('3', '4');
SELECT conversion_rate(-1, 10);
SELECT conversion_rate('many', 10);
SELECT 'wilson 40/100', round(wilson_lower(40, 100), 4), round(wilson_upper(40, 100), 4);
SELECT 'wilson 200/500', round(wilson_lower(200, 500), 4), round(wilson_upper(200, 500), 4);
SELECT 'wilson 0/10', wilson_lower(0, 10), round(wilson_upper(0, 10), 4);
SELECT 'wilson 10/10', round(wilson_lower(10, 10), 4), wilson_upper(10, 10);
SELECT 'wilson 90/99 %', round(wilson_lower(40, 100, 0.90), 4), round(wilson_upper(40, 100, 0.99), 4);
SELECT 'wilson none', wilson_lower(0, 0) IS NULL, wilson_upper(NULL, 3) IS NULL;
SELECT wilson_lower(11, 10);
SELECT wilson_upper(1, 10, 1.5);
SELECT wilson_upper(1, 10, 'high');
WITH x(v) AS (VALUES (4), (1), (3), (2)) SELECT 'median even', median(v), percentile(v, 0), percentile(v, 25), percentile(v, 100) FROM x;
WITH x(v) AS (VALUES (3), (NULL), (1), (2)) SELECT 'median odd, NULL ignored', median(v), percentile(v, 90) FROM x;
WITH x(v) AS (VALUES (NULL), (NULL)) SELECT 'all NULL', median(v) IS NULL FROM x;
SELECT 'no rows', median(1) IS NULL FROM (SELECT 1 WHERE 0);
WITH x(v) AS (VALUES (1), ('two')) SELECT median(v) FROM x;
WITH x(v, p) AS (VALUES (1, 50), (2, 60)) SELECT percentile(v, p) FROM x;
SELECT percentile(1, 101);
SELECT 'days', days_between('2025-01-01', '2025-01-31'), days_between('2025-01-01 00:00', '2025-01-01 12:00'),
       days_between(1735689600, '2025-01-02'), days_between('2025-01-10', '2025-01-01');
SELECT 'days null', days_between(NULL, '2025-01-01') IS NULL;
SELECT days_between('2025-13-01', '2025-01-01');
SELECT days_between('2025-01-01', x'00');
SELECT 'campaign', open_rate(250, 1000), click_rate(30, 1000), click_to_open_rate(30, 250), response_rate(100, 1000),
       cost_per_mql(5000, 40), open_rate(0, 0) IS NULL;
SELECT open_rate(1001, 1000);
SELECT click_to_open_rate(12, 10);
SELECT 'benchmark', email_benchmark('open_rate', 0.15), email_benchmark('open', 0.1610), email_benchmark('opens', 0.3615),
       email_benchmark('open_rate', 0.37), email_benchmark('click_rate', 0.0186), email_benchmark('ctr', 0.05),
       email_benchmark('click_through', 0.0647), email_benchmark('click', NULL) IS NULL;
SELECT email_benchmark('open_rate', 25);
SELECT email_benchmark('bounce_rate', 0.1);
SELECT email_benchmark('click_to_open_rate', 0.1);
SELECT email_benchmark(1, 0.1);
