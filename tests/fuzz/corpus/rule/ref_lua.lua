-- ref_lua.lua — ref.lua plus one criterion written as a Lua function, so that
-- Lua runs for every lead: what the instruction budget's hook is measured on.
thresholds { MQL = 40, SQL = 80 }
group("activity", { cap = 20 })
fit("revenue of $1M or more", 20, { annual_revenue = at_least(1000000) })
fit("50 to 5,000 employees", 10, { employees = between(50, 5000) })
fit("target industry", 10, { industry = one_of { "software", "saas", "fintech" } })
fit("decision-maker title", 15, { title = contains { "vp", "chief", "director", "head of" } })
fit("25,000+ monthly visits", 15, { web_visits = at_least(25000) }, { group = "activity" })
fit("3 or more downloads", 10, { downloads = at_least(3) }, { group = "activity" })
fit("asked for a demo", 30, { demo = true })
fit("free e-mail address", -20, { email = free_email() })
fit("target country", 5, { country = one_of { "US", "GB", "DE", "CA" } })
fit("a long, specific title", 5, function(l)
    local t = l.title or ""
    local words = 0
    for _ in t:gmatch("%a+") do words = words + 1 end
    return words >= 3
end)
