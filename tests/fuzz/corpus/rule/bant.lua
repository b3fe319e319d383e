-- bant.lua — qualification by BANT: Budget, Authority, Need, Timeline.
-- A lead that sales can work has money set aside, speaks to (or is) the person
-- who decides, has a problem we solve, and means to buy soon. Each letter is
-- worth up to 25 points; meeting all four adds a bonus worked out in plain Lua.
--
-- The four facts live in the lead's attrs: budget (dollars), authority
-- ("decision_maker" | "influencer" | "user"), need ("high" | "medium" | "low" |
-- "none") and timeline_days (days until the purchase).

thresholds { MQL = 40, SQL = { score = 75, grade = "B" } }
grades { "A", "B", "C", "D", "F", start = "D" }

group("budget", { cap = 25 })
fit("Budget: $50,000 or more set aside",   25, { budget = at_least(50000) },        { group = "budget" })
fit("Budget: $10,000 to $49,999",          10, { budget = between(10000, 49999) },  { group = "budget", grade = 0 })

fit("Authority: the decision maker",       25, { authority = "decision_maker" })
fit("Authority: influences the decision",  10, { authority = "influencer" },        { grade = 0 })

fit("Need: a pressing need",               25, { need = "high" })
fit("Need: a moderate need",               10, { need = "medium" },                 { grade = 0 })
fit("Need: says there is none",           -20, { need = "none" })

fit("Timeline: buying within 90 days",     25, { timeline_days = at_most(90) })
fit("Timeline: buying within 6 months",    10, { timeline_days = between(91, 180) }, { grade = 0 })

-- Plain Lua for what a table of conditions cannot say.
fit("all four BANT criteria met", 10, function(l)
    return (l.budget or 0) >= 10000
       and l.authority == "decision_maker"
       and (l.need == "high" or l.need == "medium")
       and (l.timeline_days or math.huge) <= 180
end, { grade = 1 })

-- Talking to sales is the strongest sign of a live need.
decay { half_life_days = 60 }
event("demo_request", 20, { reason = "requested a demo", once = true })
event("sales_contact", 5, { reason = "talked to sales", cap = 15 })
