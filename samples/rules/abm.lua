-- abm.lua — account-based scoring (issue 17): a lead's fit is its company's
-- firmographics, its engagement what it did; account_scores() and
-- `mqlite accounts DB score abm` roll the leads of each account up: the best
-- contact's fit, the engagement of all contacts (and the account's intent
-- signals), and which buying-group roles have engaged. An account is
-- marketing qualified (MQA) at 80 points with two roles engaged in the last
-- 90 days; its engagement counts up to 150 points, so one busy account cannot
-- dwarf the rest.
thresholds { MQL = 50, SQL = { score = 100, grade = "B" } }

fit("annual revenue of $1M or more", 20, { annual_revenue = at_least(1000000) })
fit("company of 50 to 5,000 employees", 15, { employees = between(50, 5000) })
fit("runs a modern CMS", 10, { cms = one_of { "wordpress", "drupal", "contentful", "webflow" } })
fit("25,000+ monthly web visitors", 15, { web_visits = at_least(25000) })

decay { half_life_days = 60 }
event("demo_request",        40, { reason = "requested a demo", once = true })
event("pricing_page_visit",  20, { reason = "visited the pricing page", once = true })
event("webinar_attended",    10, { reason = "attended a webinar", cap = 20 })
event("whitepaper_download",  5, { reason = "downloaded a whitepaper", cap = 15 })
event("email_click",          1, { reason = "clicked an e-mail", cap = 5 })
event("unsubscribe",        -20, { reason = "unsubscribed", once = true, decay = false })

account { mqa_at = 80, roles = 2, engaged_within_days = 90, cap = 150 }
