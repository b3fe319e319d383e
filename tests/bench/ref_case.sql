-- ref_case.sql — ref.lua as a plain SQL CASE expression: per stage, the leads
-- and the sum of their scores (the same three rows score_leads('ref') gives).
WITH s AS (
  SELECT (CASE WHEN annual_revenue >= 1000000 THEN 20 ELSE 0 END)
       + (CASE WHEN employees BETWEEN 50 AND 5000 THEN 10 ELSE 0 END)
       + (CASE WHEN lower(industry) IN ('software', 'saas', 'fintech') THEN 10 ELSE 0 END)
       + (CASE WHEN title LIKE '%vp%' OR title LIKE '%chief%' OR title LIKE '%director%'
                 OR title LIKE '%head of%' THEN 15 ELSE 0 END)
       + min(20, (CASE WHEN attrs ->> 'web_visits' >= 25000 THEN 15 ELSE 0 END)
               + (CASE WHEN attrs ->> 'downloads' >= 3 THEN 10 ELSE 0 END))
       + (CASE WHEN attrs ->> 'demo' = 1 THEN 30 ELSE 0 END)
       + (CASE WHEN instr(email, '@') > 0 AND lower(substr(email, instr(email, '@') + 1)) IN (
             '126.com', '163.com', 'aol.com', 'att.net', 'btinternet.com', 'comcast.net', 'fastmail.com',
             'free.fr', 'gmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'googlemail.com', 'hey.com',
             'hotmail.co.uk', 'hotmail.com', 'hotmail.de', 'hotmail.fr', 'icloud.com', 'inbox.com',
             'laposte.net', 'libero.it', 'live.com', 'mac.com', 'mail.com', 'mail.ru', 'me.com', 'msn.com',
             'naver.com', 'orange.fr', 'outlook.com', 'proton.me', 'protonmail.com', 'qq.com',
             'rediffmail.com', 'rocketmail.com', 'seznam.cz', 't-online.de', 'tutanota.com', 'verizon.net',
             'web.de', 'wp.pl', 'yahoo.co.uk', 'yahoo.com', 'yahoo.fr', 'yandex.com', 'yandex.ru',
             'ymail.com', 'zoho.com') THEN -20 ELSE 0 END)
       + (CASE WHEN upper(country) IN ('US', 'GB', 'DE', 'CA') THEN 5 ELSE 0 END)
       + (CASE WHEN attrs ->> 'phone' = 1 THEN 5 ELSE 0 END) AS score
  FROM leads)
SELECT CASE WHEN score >= 80 THEN 'SQL' WHEN score >= 40 THEN 'MQL' ELSE 'IQL' END AS stage,
       count(*), sum(score)
FROM s GROUP BY stage ORDER BY stage;
