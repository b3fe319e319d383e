-- deals-demo.sql — deals for the generated demo database (build/mqgen), so
-- that the deal reports (mqlite deals, the report's pipeline section,
-- campaign_roi) have something to show. mqgen writes no deals; this derives
-- them from its stage history, deterministically (no random()):
--   a lead that reached SQL (an entry at SQL, meeting, proposal, won or lost)
--   has one deal, created at its first such entry; won or lost at its won or
--   lost entry (the later one, when it has both), else open, at the CRM stage
--   of its latest entry; its amount grows with the lead's company size (0.1 %
--   of its annual revenue, from 1,000 to 60,000, in whole hundreds; none when
--   the revenue is unknown); leads in Germany and France buy in EUR; a lost
--   deal's reason is one of four, by lead id.
-- Run after mqgen, on a database made by this tree's schema:
--   build/mqgen --leads 2000 --seed 42 --db demo.db
--   sqlite3 demo.db ".read samples/deals-demo.sql"
--   scripts/mqlite deals demo.db --as-of 2026-06-01
-- Running it again changes nothing (INSERT OR IGNORE by external_id).
INSERT OR IGNORE INTO deals(external_id, lead_id, account, name, amount, currency, status, stage,
                            created_at, closed_at, loss_reason, owner)
WITH h AS (
    SELECT lead_id,
           min(entered_at) FILTER (WHERE stage IN ('SQL', 'meeting', 'proposal', 'won', 'lost')) AS opened,
           max(entered_at) FILTER (WHERE stage = 'won') AS won_at,
           max(entered_at) FILTER (WHERE stage = 'lost') AS lost_at,
           max(entered_at) FILTER (WHERE stage IN ('SQL', 'meeting', 'proposal')) AS last_open
    FROM stage_history GROUP BY lead_id
), d AS (
    SELECT h.*, l.external_id AS ext, l.company, l.owner, l.country, l.annual_revenue,
           CASE WHEN won_at IS NOT NULL AND (lost_at IS NULL OR won_at >= lost_at) THEN 'won'
                WHEN lost_at IS NOT NULL THEN 'lost' ELSE 'open' END AS status
    FROM h JOIN leads l ON l.id = h.lead_id WHERE h.opened IS NOT NULL
)
SELECT 'deal-' || coalesce(ext, lead_id), lead_id, company, company || ' deal',
       CAST(min(max(annual_revenue * 0.001, 1000), 60000) / 100 AS INTEGER) * 100,
       iif(country IN ('DE', 'FR'), 'EUR', 'USD'), status,
       CASE status WHEN 'won' THEN 'Closed Won' WHEN 'lost' THEN 'Closed Lost'
            ELSE (SELECT CASE stage WHEN 'SQL' THEN 'Qualification' WHEN 'meeting' THEN 'Demo' ELSE 'Proposal' END
                  FROM stage_history s WHERE s.lead_id = d.lead_id AND s.entered_at = d.last_open
                    AND s.stage IN ('SQL', 'meeting', 'proposal') ORDER BY s.id DESC LIMIT 1) END,
       opened, CASE status WHEN 'won' THEN won_at WHEN 'lost' THEN lost_at END,
       iif(status = 'lost', CASE lead_id % 4 WHEN 0 THEN 'price' WHEN 1 THEN 'competitor' WHEN 2 THEN 'no budget' ELSE 'timing' END, NULL),
       owner
FROM d ORDER BY lead_id;
