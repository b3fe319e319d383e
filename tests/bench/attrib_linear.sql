-- attrib_linear.sql — make bench's baseline for attribution(): linear
-- attribution of MQLs in plain SQL (window functions), no extension: each
-- lead's first entry at MQL's rank or beyond, its touches at or before it
-- (its own campaign or source at created_at, its events with a campaign),
-- 1/n to each. One model, where attribution() computes six.
WITH m AS (
    SELECT h.lead_id, min(h.entered_at) AS at
    FROM stage_history h JOIN mqlite_stages s ON s.name = h.stage AND s.on_path = 1
    WHERE s.rank >= (SELECT rank FROM mqlite_stages WHERE name = 'MQL')
    GROUP BY h.lead_id
), t AS (
    SELECT id AS lead_id, created_at AS at, coalesce(campaign, source) AS k FROM leads
    WHERE coalesce(campaign, source) IS NOT NULL
    UNION ALL
    SELECT lead_id, occurred_at, campaign FROM events WHERE campaign IS NOT NULL
), w AS (
    SELECT t.k, 1.0 / count(*) OVER (PARTITION BY t.lead_id) AS credit
    FROM t JOIN m ON m.lead_id = t.lead_id AND t.at <= m.at
)
SELECT k, printf('%.6f', sum(credit)) FROM w GROUP BY k ORDER BY k;
