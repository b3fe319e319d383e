-- eng.lua — the engagement benchmark's rule: eight event types, a 90-day
-- half-life, no caps: the same sum as the plain SQL it is timed against.
decay { half_life_days = 90 }
event("page_view", 1)
event("email_open", 2)
event("email_click", 3)
event("whitepaper_download", 10)
event("webinar_registered", 5)
event("webinar_attended", 15)
event("pricing_page_visit", 25)
event("demo_request", 50)
