-- views.sql — mqlite's views, as TEMP views of the connection that reads this
-- file after loading mqlite:
--
--   sqlite3 crm.db ".load build/mqlite" ".read schema/views.sql"
--
-- They are not stored in the database: a stored view that calls an
-- extension's function fails in every tool that has not loaded it, and makes
-- tools that list or count views (`sqlite-utils views --counts`, visidata)
-- fail on the whole file; and a stored view over leads, even lead_current_stage
-- (plain SQL), makes tools that rebuild the table (sqlite-utils transform, DB
-- Browser) fail. A TEMP view lives and dies with its connection, so a database
-- mqlite made stays readable and alterable by anything that reads SQLite.
--
-- Idempotent (IF NOT EXISTS): the scripts, a host's setup and a datasette
-- plugin may all run it on the same connection. It only creates views: reading
-- them needs the tables of schema/mqlite.sql. Every function they call is
-- SQLITE_INNOCUOUS, so they answer with PRAGMA trusted_schema=OFF.

-- Each lead's stage now (its latest entry) with its latest score and reasons.
CREATE TEMP VIEW IF NOT EXISTS lead_current_stage AS
SELECT l.id AS lead_id, l.email, l.company, l.source, l.campaign, l.owner,
       h.stage, h.entered_at,
       s.rule, s.score, s.grade, s.explanation, s.scored_at
FROM leads l
LEFT JOIN stage_history h ON h.id = (SELECT id FROM stage_history WHERE lead_id = l.id
                                     ORDER BY entered_at DESC, id DESC LIMIT 1)
LEFT JOIN scores s ON s.id = (SELECT id FROM scores WHERE lead_id = l.id
                              ORDER BY scored_at DESC, id DESC LIMIT 1);

-- MQL->SQL by month of MQL entry: lag-aware (SQL within 90 days) beside naive.
CREATE TEMP VIEW IF NOT EXISTS mql_to_sql_by_month AS
SELECT cohort AS month, entered AS mqls, converted AS sql_within_90_days, rate AS lag_aware_rate,
       lower, upper, median_days, naive_converted AS sql_entries_in_month, naive_rate, status
FROM cohort_conversion('MQL', 'SQL', 'month', 90);

-- The whole funnel, one per lead source.
CREATE TEMP VIEW IF NOT EXISTS funnel_by_source AS
SELECT segment AS source, stage, rank, reached, from_previous, from_top, lower, upper, median_days
FROM funnel(NULL, NULL, NULL, 'source');

-- Speed to lead by owner: MQL to first sales_contact, 24-hour SLA.
CREATE TEMP VIEW IF NOT EXISTS speed_to_lead_by_owner AS
SELECT segment AS owner, mqls, contacted, within_sla, never_contacted, contacted_before_mql,
       share_contacted, share_within_sla, share_never, median_hours, p90_hours
FROM speed_to_lead('sales_contact', 24, 'owner');

-- Campaigns: e-mail rates against the published ranges, and what they brought.
CREATE TEMP VIEW IF NOT EXISTS campaign_report AS
WITH reach AS (
    SELECT h.lead_id, max(s.rank) AS top_rank
    FROM stage_history h JOIN mqlite_stages s ON s.name = stage_name(h.stage) AND s.on_path = 1
    GROUP BY h.lead_id
), per AS (
    SELECT l.campaign, count(*) AS leads,
           sum(r.top_rank >= stage_rank('MQL')) AS mqls,
           sum(r.top_rank >= stage_rank('SQL')) AS sqls,
           sum(r.top_rank >= stage_rank('won')) AS won
    FROM leads l LEFT JOIN reach r ON r.lead_id = l.id
    WHERE l.campaign IS NOT NULL
    GROUP BY l.campaign
)
SELECT c.id AS campaign, c.name, c.channel, c.cost, c.sent, c.delivered, c.opens, c.clicks,
       open_rate(c.opens, c.delivered) AS open_rate,
       email_benchmark('open_rate', open_rate(c.opens, c.delivered)) AS open_verdict,
       click_rate(c.clicks, c.delivered) AS click_rate,
       email_benchmark('click_rate', click_rate(c.clicks, c.delivered)) AS click_verdict,
       click_to_open_rate(c.clicks, c.opens) AS click_to_open_rate,
       response_rate(c.clicks, c.sent) AS response_rate,
       coalesce(p.leads, 0) AS leads, coalesce(p.mqls, 0) AS mqls, coalesce(p.sqls, 0) AS sqls,
       coalesce(p.won, 0) AS won,
       conversion_rate(p.sqls, p.mqls) AS mql_to_sql,
       cost_per_mql(c.cost, p.mqls) AS cost_per_mql
FROM campaigns c LEFT JOIN per p ON p.campaign = c.id;
