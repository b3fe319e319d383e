-- b2b.lua — lead scoring for a B2B web agency, after the criteria in the domain
-- notes: the customers who buy have $1M+ revenue, 25,000+ monthly web visitors
-- and a modern CMS; a decision-maker's title and a mid-sized company help; a
-- free e-mail address says "not a company". Behaviour adds points that fade
-- with a 90-day half-life; an audit request or a competitor comparison means
-- the lead is deciding now, so it goes straight to SQL.
--
-- Load it:  scripts/mqlite rule crm.db add b2b samples/rules/b2b.lua   (or mqlite init --samples)
-- Use it:   SELECT * FROM score_leads('b2b') ORDER BY score DESC LIMIT 10;

-- MQL at 50 points; SQL at 100 points, but only for a lead whose fit grade is B or better.
thresholds { MQL = 50, SQL = { score = 100, grade = "B" } }

-- Fit: who the lead is. Each criterion also moves the grade one step (A+ … F).
grades { "A+", "A", "B", "C", "D", "F", start = "D" }
group("firmographics", { cap = 60 })

fit("annual revenue of $1M or more", 20,
    { annual_revenue = at_least(1000000) }, { group = "firmographics" })
fit("25,000+ monthly web visitors", 15,
    { web_visits = at_least(25000) }, { group = "firmographics" })
fit("runs a modern CMS", 10,
    { cms = one_of { "wordpress", "drupal", "contentful", "webflow" } }, { group = "firmographics" })
fit("company of 50 to 5,000 employees", 10,
    { employees = between(50, 5000) }, { group = "firmographics" })
fit("decision-maker title", 15,
    { title = contains { "chief", "ceo", "cto", "cmo", "founder", "vp", "vice president", "director", "head of" } })
fit("student or intern", -10,
    { title = contains { "student", "intern" } })
fit("free e-mail address", -30,
    { email = free_email() }, { grade = -2 })

-- Behaviour: what the lead did. Points fade by half every 90 days.
decay { half_life_days = 90 }

event("whitepaper_download", 10, { reason = "downloaded a whitepaper", cap = 30 })
event("webinar_attended",    15, { reason = "attended a webinar", cap = 30 })
event("pricing_page_visit",  25, { reason = "visited the pricing page", once = true })
event("page_view",           25, { reason = "viewed the pricing page", once = true,
                                   where = { url = contains "/pricing" } })
event("page_view",            1, { reason = "viewed a page", cap = 10 })
event("demo_request",        50, { reason = "requested a demo", once = true })
event("unsubscribe",        -50, { reason = "unsubscribed from e-mail", once = true, decay = false })

-- Decision-stage signals go straight to SQL whatever the score.
signal("audit_request", "asked for a website audit")
signal("competitor_comparison", "compared us with a competitor")
