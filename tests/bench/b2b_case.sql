-- b2b_case.sql — samples/rules/b2b.lua written by hand as plain SQL (CASE
-- expressions, pow() for decay, min() for caps). It is the baseline that
-- score_leads('b2b') is timed against, and, since it must give the very same
-- scores, an independent check of the engine's arithmetic.
-- Set :as_of first, quoted as SQL text: .parameter set :as_of "'2026-01-01'"
WITH w AS (
    SELECT lead_id, lower(type) AS type, props ->> 'url' AS url,
           pow(0.5, (julianday(:as_of) - julianday(occurred_at)) / 90.0) AS w
    FROM events WHERE julianday(occurred_at) <= julianday(:as_of)
), eng AS (
    SELECT lead_id,
           min(30, round(10 * total(CASE WHEN type = 'whitepaper_download' THEN w END)))
         + min(30, round(15 * total(CASE WHEN type = 'webinar_attended' THEN w END)))
         + round(25 * coalesce(max(CASE WHEN type = 'pricing_page_visit' THEN w END), 0))
         + round(25 * coalesce(max(CASE WHEN type = 'page_view' AND url LIKE '%/pricing%' THEN w END), 0))
         + min(10, round(total(CASE WHEN type = 'page_view' AND (url IS NULL OR url NOT LIKE '%/pricing%') THEN w END)))
         + round(50 * coalesce(max(CASE WHEN type = 'demo_request' THEN w END), 0))
         + (CASE WHEN max(type = 'unsubscribe') THEN -50 ELSE 0 END) AS engagement,
           max(type IN ('audit_request', 'competitor_comparison')) AS signal
    FROM w GROUP BY lead_id
), fit AS (
    SELECT id,
           min(60, (CASE WHEN annual_revenue >= 1000000 THEN 20 ELSE 0 END)
                 + (CASE WHEN attrs ->> 'web_visits' >= 25000 THEN 15 ELSE 0 END)
                 + (CASE WHEN lower(attrs ->> 'cms') IN ('wordpress', 'drupal', 'contentful', 'webflow') THEN 10 ELSE 0 END)
                 + (CASE WHEN employees BETWEEN 50 AND 5000 THEN 10 ELSE 0 END))
         + (CASE WHEN title LIKE '%chief%' OR title LIKE '%ceo%' OR title LIKE '%cto%' OR title LIKE '%cmo%'
                   OR title LIKE '%founder%' OR title LIKE '%vp%' OR title LIKE '%vice president%'
                   OR title LIKE '%director%' OR title LIKE '%head of%' THEN 15 ELSE 0 END)
         + (CASE WHEN title LIKE '%student%' OR title LIKE '%intern%' THEN -10 ELSE 0 END)
         + (CASE WHEN lower(substr(email, instr(email, '@') + 1)) IN (
               '126.com', '163.com', 'aol.com', 'att.net', 'btinternet.com', 'comcast.net', 'fastmail.com',
               'free.fr', 'gmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com', 'hey.com',
               'hotmail.co.uk', 'hotmail.com', 'hotmail.de', 'hotmail.fr', 'icloud.com', 'inbox.com',
               'laposte.net', 'libero.it', 'live.com', 'mac.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com',
               'naver.com', 'orange.fr', 'outlook.com', 'proton.me', 'protonmail.com', 'qq.com',
               'rediffmail.com', 'rocketmail.com', 'seznam.cz', 't-online.de', 'tutanota.com', 'verizon.net',
               'web.de', 'wp.pl', 'yahoo.co.uk', 'yahoo.com', 'yahoo.fr', 'yandex.com', 'yandex.ru',
               'ymail.com', 'zoho.com') AND instr(email, '@') > 0 THEN -30 ELSE 0 END) AS fit
    FROM leads
)
SELECT fit.id AS lead_id, fit.fit + coalesce(eng.engagement, 0) AS score, fit.fit AS fit,
       coalesce(eng.engagement, 0) AS engagement, coalesce(eng.signal, 0) AS signal
FROM fit LEFT JOIN eng ON eng.lead_id = fit.id;
