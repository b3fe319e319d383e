# mqlite-charts.sh — the SQL that draws the report's funnel, MQL->SQL trend,
# campaign table and speed-to-lead bar as inline SVG and HTML, shared by
# mqlite report (which runs it in the sqlite3 shell) and the datasette plugin
# (make wheel writes its text into the package as charts.sql, which the plugin
# runs statement by statement with Python's sqlite3). One text, two hosts: the
# charts cannot drift apart. Sourced after mqlite-common.sh, or alone.
#   mq_chart_style    the CSS of the page (the classes the sections use)
#   mq_chart_tables   SQL making the temp tables the sections read: f, c, sp, camp
#   funnel_section, trend_section, campaign_section, speed_section
#                     SQL whose rows, one column each, are the section's HTML
#   attribution_section  SQL making its own temp tables (attr, attrp) and its HTML
#   pipeline_section  the same for the deals (only where a deals table has rows)
#   mq_chart_sections [DEALS]  all of these sections in the page's order
# The SQL binds :from, :to, :as_of, :touch and :sla (never pasted); every text
# from the database goes through H, so it reaches the page HTML-escaped. It
# uses nothing of the sqlite3 shell's own (no generate_series): Python runs it too.
# shellcheck shell=sh

# H EXPR: SQL for EXPR as HTML text (& < > " escaped).
H() {
    printf "replace(replace(replace(replace(CAST(%s AS TEXT), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '\"', '&quot;')" "$1"
}
# P EXPR: a fraction as "41.3 %", or an en dash when there is none.
P() {
    printf "iif((%s) IS NULL, '–', printf('%%.1f %%%%', 100.0 * (%s)))" "$1" "$1"
}

# The page's style sheet, so the report and the plugin's page look the same.
# Plain CSS with no single quote: the report puts it inside an SQL literal.
mq_chart_style() {
    cat <<'CSS'
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2933; background: #f5f7fa; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 4px; }
.sub { color: #52606d; margin: 0 0 20px; }
section { background: #fff; border: 1px solid #d9e2ec; border-radius: 8px; padding: 18px 22px; margin: 0 0 18px;
          break-inside: avoid; }
.note { color: #52606d; font-size: 13px; margin: 4px 0 10px; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0 12px; }
.tile { flex: 1 1 150px; border: 1px solid #d9e2ec; border-radius: 6px; padding: 8px 12px; }
.tile b { display: block; font-size: 22px; }
.tile span { color: #52606d; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 6px; border-bottom: 1px solid #e4e7eb; text-align: right; white-space: nowrap; }
th { white-space: normal; vertical-align: bottom; }
th { background: #f0f4f8; color: #334e68; font-weight: 600; }
th:first-child, td:first-child, td.t { text-align: left; }
.below { color: #a61b1b; font-weight: 600; } .above { color: #1d7a3a; font-weight: 600; } .typical { color: #52606d; }
.empty { color: #7b8794; font-style: italic; }
.warn { color: #8a4b00; background: #fff4e0; border-left: 3px solid #e6a23c; padding: 6px 10px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; }
@media print { body { background: #fff; } section { border-color: #bbb; } main { padding: 0; } }
CSS
}

# The tables the sections below read (temp, so a read-only database will do).
mq_chart_tables() {
    cat <<'SQL'
CREATE TEMP TABLE f AS SELECT * FROM funnel(:from, :to) WHERE segment IS NULL;
CREATE TEMP TABLE c AS SELECT * FROM cohort_conversion('MQL', 'SQL', 'month', 90, :as_of);
CREATE TEMP TABLE sp AS SELECT * FROM speed_to_lead(:touch, :sla, NULL, NULL, NULL, 0, :as_of);
CREATE TEMP TABLE camp AS SELECT * FROM temp.campaign_report ORDER BY coalesce(mqls, 0) DESC, campaign;
SQL
}

# The funnel: one bar per stage, centred, its width the share of the top.
funnel_section() {
    cat <<SQL
SELECT '<section id="funnel"><h2>Funnel</h2>
<p class="note">Leads that reached each stage' ||
    iif(:from IS NULL AND :to IS NULL, '', ', for leads entering between ' || coalesce($(H :from), 'the start') || ' and ' || coalesce($(H :to), 'now')) ||
    '; the rate on each bar is the conversion from the stage before, with its 95 % interval to the right.</p>';
SELECT CASE WHEN coalesce((SELECT max(reached) FROM temp.f), 0) = 0
    THEN '<p class="empty">No stage history yet: import stages or score leads to see the funnel.</p>'
    ELSE printf('<svg id="funnel-chart" viewBox="0 0 920 %d" role="img" aria-label="Funnel chart">', 16 + 44 * (SELECT count(*) FROM temp.f))
END;
WITH rows AS (
    SELECT row_number() OVER (ORDER BY rank) - 1 AS i, stage, reached, from_previous, lower, upper,
           reached * 1.0 / (SELECT max(reached) FROM temp.f) AS share
    FROM temp.f WHERE (SELECT max(reached) FROM temp.f) > 0
)
SELECT printf('<text x="118" y="%d" text-anchor="end" font-size="15" font-weight="600" fill="#243b53">%s</text>', 8 + 44 * i + 25, $(H stage))
    || printf('<rect x="%.1f" y="%d" width="%.1f" height="36" rx="4" fill="%s"/>',
              130 + (540 - max(share * 540, 3)) / 2, 8 + 44 * i, max(share * 540, 3),
              CASE WHEN i = 0 THEN '#2f6eb5' ELSE printf('#%02x%02x%02x', 47 + i * 18, 110 + i * 12, 181 + i * 6) END)
    -- the label sits on a wide bar, and just right of a narrow one
    || printf('<text x="%.1f" y="%d" text-anchor="%s" font-size="14" font-weight="700" fill="%s">%s</text>',
              iif(share > 0.3, 400, 400 + max(share * 540, 3) / 2 + 8), 8 + 44 * i + 23,
              iif(share > 0.3, 'middle', 'start'), iif(share > 0.3, '#ffffff', '#102a43'),
              printf('%,d', reached) || iif(from_previous IS NULL, '', ' · ' || $(P from_previous)))
    || printf('<text x="690" y="%d" font-size="13" fill="#52606d">%s</text>', 8 + 44 * i + 23,
              iif(lower IS NULL, iif(i = 0, 'top of the funnel', ''), '95 %: ' || $(P lower) || '–' || $(P upper)))
FROM rows ORDER BY i;
SELECT iif(coalesce((SELECT max(reached) FROM temp.f), 0) = 0, '', '</svg>') || '</section>';
SQL
}

# MQL->SQL by month of MQL entry: lag-aware (closed cohorts) and naive, as lines.
trend_section() {
    cat <<SQL
SELECT '<section id="trend"><h2>MQL → SQL by month</h2>
<p class="note">Lag-aware: of the MQLs of a month, the share that became SQL within 90 days (shown once the
90 days have passed). Naive: SQLs of the month over MQLs of the month, which a long sales cycle distorts; it
can pass 100 % when SQLs come from earlier months'' MQLs (the chart stops at 100 %).</p>';
CREATE TEMP TABLE cp AS SELECT row_number() OVER (ORDER BY cohort_start) - 1 AS i, * FROM temp.c;
SELECT CASE WHEN (SELECT count(*) FROM temp.cp) = 0
    THEN '<p class="empty">No MQLs yet.</p>'
    ELSE '<svg id="trend-chart" viewBox="0 0 920 266" role="img" aria-label="MQL to SQL rate by month">'
      || (SELECT group_concat(printf('<line x1="60" x2="900" y1="%d" y2="%d" stroke="#e4e7eb"/><text x="52" y="%d" text-anchor="end" font-size="12" fill="#7b8794">%d %%</text>',
                                     214 - v * 2, 214 - v * 2, 218 - v * 2, v), '')
          FROM (SELECT column1 AS v FROM (VALUES (0), (25), (50), (75), (100))))
END;
CREATE TEMP TABLE cx AS SELECT i, cohort, status, rate, naive_rate,
    80 + i * 800.0 / max((SELECT count(*) FROM temp.cp) - 1, 1) AS x FROM temp.cp;
SELECT '<polyline fill="none" stroke="#bcccdc" stroke-width="2.5" stroke-dasharray="6 4" points="'
       || group_concat(printf('%.1f,%.1f', x, 214 - 200 * min(naive_rate, 1)), ' ') || '"/>'
FROM (SELECT * FROM temp.cx WHERE naive_rate IS NOT NULL ORDER BY i) HAVING count(*) > 0;
SELECT '<polyline fill="none" stroke="#2f6eb5" stroke-width="3" points="'
       || group_concat(printf('%.1f,%.1f', x, 214 - 200 * rate), ' ') || '"/>'
FROM (SELECT * FROM temp.cx WHERE rate IS NOT NULL ORDER BY i) HAVING count(*) > 0;
SELECT group_concat(
    iif(rate IS NOT NULL, printf('<circle cx="%.1f" cy="%.1f" r="4" fill="#2f6eb5"><title>%s: %s lag-aware</title></circle>', x, 214 - 200 * rate, cohort, $(P rate)), '')
    || iif(status = 'open', printf('<text x="%.1f" y="206" text-anchor="middle" font-size="11" fill="#7b8794">open</text>', x), '')
    || iif(i % max(1, ((SELECT count(*) FROM temp.cx) + 11) / 12) = 0,
           printf('<text x="%.1f" y="236" text-anchor="middle" font-size="12" fill="#52606d">%s</text>', x, cohort), ''), '')
FROM temp.cx;
SELECT iif((SELECT count(*) FROM temp.cp) = 0, '',
    '<line x1="80" x2="112" y1="256" y2="256" stroke="#2f6eb5" stroke-width="3"/><text x="118" y="260" font-size="13">lag-aware, SQL within 90 days</text>'
    || '<line x1="360" x2="392" y1="256" y2="256" stroke="#bcccdc" stroke-width="2.5" stroke-dasharray="6 4"/><text x="398" y="260" font-size="13">naive, same month</text></svg>'
    || '<table id="trend-table"><tr><th>month</th><th>MQLs</th><th>SQL within 90 days</th><th>lag-aware</th><th>95 % interval</th><th>naive</th><th>status</th></tr>'
    || (SELECT group_concat(printf('<tr><td>%s</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
              cohort, entered, converted, iif(status = 'open', 'open', $(P rate)),
              iif(lower IS NULL, '–', $(P lower) || '–' || $(P upper)), $(P naive_rate), status), '')
        FROM (SELECT * FROM temp.cp ORDER BY i DESC LIMIT 12))
    || '</table><p class="note">The table shows the latest 12 months.</p>') || '</section>';
SQL
}

# Campaigns: e-mail rates against the published ranges, and what they brought.
campaign_section() {
    cat <<SQL
SELECT '<section id="campaigns"><h2>Campaigns</h2>
<p class="note">Open and click rates of delivered e-mail against the published ranges
(open 16.10–36.15 %, click 1.87–6.46 %): <span class="below">below</span>, <span class="typical">typical</span>
or <span class="above">above</span>.</p>'
    || CASE WHEN (SELECT count(*) FROM temp.camp) = 0 THEN '<p class="empty">No campaigns yet.</p>'
       ELSE '<table id="campaign-table"><tr><th>campaign</th><th>channel</th><th>sent</th><th>open rate</th><th>click rate</th>'
            || '<th>click-to-open</th><th>leads</th><th>MQLs</th><th>SQLs</th><th>MQL → SQL</th><th>cost / MQL</th></tr>'
            || (SELECT group_concat(printf('<tr><td>%s</td><td class="t">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>',
                    $(H "coalesce(name, campaign)"), $(H "coalesce(channel, '')"), iif(coalesce(sent, 0) = 0, '–', printf('%,d', sent)),
                    iif(open_rate IS NULL, '–', $(P open_rate) || printf(' <span class="%s">%s</span>', open_verdict, open_verdict)),
                    iif(click_rate IS NULL, '–', $(P click_rate) || printf(' <span class="%s">%s</span>', click_verdict, click_verdict)),
                    $(P click_to_open_rate), leads, mqls, sqls, $(P mql_to_sql),
                    coalesce(printf('%,.0f', cost_per_mql), '–')), '') FROM temp.camp)
            || '</table>' END || '</section>';
SQL
}

# Speed to lead: how soon sales touched each MQL, as tiles and one stacked bar.
speed_section() {
    cat <<SQL
SELECT '<section id="speed"><h2>Speed to lead</h2>
<p class="note">Time from MQL to the first ' || $(H :touch) || ' event; SLA ' || :sla || ' hours.</p>'
    || CASE WHEN coalesce(mqls, 0) = 0 THEN '<p class="empty">No MQLs yet.</p>'
       ELSE '<div class="tiles">'
         || printf('<div class="tile"><b>%,d</b><span>MQLs</span></div>', mqls)
         || printf('<div class="tile"><b>%s</b><span>contacted within %s h</span></div>', $(P share_within_sla), :sla)
         || printf('<div class="tile"><b>%s</b><span>never contacted</span></div>', $(P share_never))
         || printf('<div class="tile"><b>%s</b><span>median hours to first touch (90th percentile %s)</span></div>',
                   coalesce(printf('%.1f', median_hours), '–'), coalesce(printf('%.0f', p90_hours), '–'))
         || '</div><svg id="speed-chart" viewBox="0 0 920 70" role="img" aria-label="Speed to lead">'
         || printf('<rect x="0" y="4" width="%.1f" height="30" fill="#3f9142"/>', 900.0 * within_sla / mqls)
         || printf('<rect x="%.1f" y="4" width="%.1f" height="30" fill="#e8a33d"/>', 900.0 * within_sla / mqls,
                   900.0 * (contacted - within_sla) / mqls)
         || printf('<rect x="%.1f" y="4" width="%.1f" height="30" fill="#c94a4a"/>', 900.0 * contacted / mqls,
                   900.0 * never_contacted / mqls)
         || printf('<rect x="%.1f" y="4" width="%.1f" height="30" fill="#9fb3c8"/>', 900.0 * (contacted + never_contacted) / mqls,
                   900.0 * contacted_before_mql / mqls)
         || printf('<rect x="0" y="48" width="12" height="12" fill="#3f9142"/><text x="18" y="58" font-size="13">within SLA: %,d</text>', within_sla)
         || printf('<rect x="200" y="48" width="12" height="12" fill="#e8a33d"/><text x="218" y="58" font-size="13">later: %,d</text>', contacted - within_sla)
         || printf('<rect x="360" y="48" width="12" height="12" fill="#c94a4a"/><text x="378" y="58" font-size="13">never: %,d</text>', never_contacted)
         || printf('<rect x="520" y="48" width="12" height="12" fill="#9fb3c8"/><text x="538" y="58" font-size="13">touched before MQL: %,d</text>', contacted_before_mql)
         || '</svg>'
         || printf('<p class="note">Of %,d MQLs, %,d were touched within the SLA, %,d later, %,d never, and %,d by sales before they became MQL%s.</p>',
                   mqls, within_sla, contacted - within_sla, never_contacted, contacted_before_mql,
                   iif(pending > 0, printf('; %,d are pending (not contacted yet, their SLA still running)', pending), ''))
       END || '</section>'
FROM (SELECT * FROM temp.sp UNION ALL SELECT NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 WHERE NOT EXISTS (SELECT 1 FROM temp.sp)) LIMIT 1;
SQL
}

# Attribution (issue 17): each MQL's credit shared out among the campaigns
# that touched the lead before it, the six models of attribution() side by
# side, the 15 campaigns with the most linear credit. A table, not a chart:
# six numbers a row read better as columns. Its own temp table, made here, so
# that the sections above and mq_chart_tables stay as they were.
attribution_section() {
    cat <<SQL
CREATE TEMP TABLE attr AS SELECT rowid AS n, * FROM attribution('MQL', 'all', 'campaign', :from, :to);
CREATE TEMP TABLE attrp AS SELECT min(n) AS n, campaign, channel, max(touched) AS touched, max(milestones) AS milestones,
    sum(credit) FILTER (WHERE model = 'first') AS first, sum(credit) FILTER (WHERE model = 'last') AS last,
    sum(credit) FILTER (WHERE model = 'linear') AS linear, sum(credit) FILTER (WHERE model = 'u_shaped') AS u_shaped,
    sum(credit) FILTER (WHERE model = 'w_shaped') AS w_shaped, sum(credit) FILTER (WHERE model = 'time_decay') AS time_decay
FROM temp.attr GROUP BY campaign, channel;
SELECT '<section id="attribution"><h2>Attribution of MQLs</h2>
<p class="note">Each MQL' || iif(:from IS NULL AND :to IS NULL, '', ' between ' || coalesce($(H :from), 'the start') || ' and ' || coalesce($(H :to), 'now'))
    || ' shared out among the campaigns that touched the lead up to it: the campaign it came from (or its source),
and its events that name a campaign. First and last touch give one touch all of it; linear shares it equally;
U-shaped gives 40 % each to the first and last touch and 20 % to those between; W-shaped 30 % each to the first,
the lead-creation and the latest touch, 10 % to the rest; time decay halves a touch''s weight every 7 days
before the latest. Each column adds up to the MQLs; MQLs without a touch are (none).</p>'
    || CASE WHEN (SELECT count(*) FROM temp.attrp) = 0 THEN '<p class="empty">No MQLs yet.</p>'
       ELSE '<table id="attribution-table"><tr><th>campaign</th><th>channel</th><th>MQLs touched</th><th>first touch</th>'
            || '<th>last touch</th><th>linear</th><th>U-shaped</th><th>W-shaped</th><th>time decay</th></tr>'
            || (SELECT group_concat(printf('<tr><td>%s</td><td class="t">%s</td><td>%,d</td><td>%,.2f</td><td>%,.2f</td><td>%,.2f</td><td>%,.2f</td><td>%,.2f</td><td>%,.2f</td></tr>',
                    $(H "coalesce(campaign, '(source)')"), $(H "coalesce(channel, '')"), touched,
                    first, last, linear, u_shaped, w_shaped, time_decay), '')
                FROM (SELECT * FROM temp.attrp ORDER BY linear DESC, n LIMIT 15))
            || '</table><p class="note">' || printf('%,d MQLs', (SELECT max(milestones) FROM temp.attrp))
            || iif((SELECT count(*) FROM temp.attrp) > 15, printf('; the 15 campaigns with the most linear credit of %,d',
                   (SELECT count(*) FROM temp.attrp)), '')
            || '. Credits rounded to two decimals here; mqlite attribution gives them exactly.</p>' END || '</section>';
SQL
}

# Pipeline (issue 17): the deals, as of :as_of, for a database that has them
# (mqlite report calls this only then: a report without deals is as before).
# Per currency, tiles: the open pipeline, won revenue, average deal size and
# the win rate over closed deals beside the rate with the open deals; then
# the open value per stage as bars (each currency scaled to its own largest
# stage: amounts of two currencies are never put on one scale), and the
# stages' ageing. Reads deal_summary() and pipeline(). Each currency's largest
# stage is a window over the one scan of pipeline(), not a subquery per row:
# that subquery reran the table function for every row (20 times slower at
# 200,000 deals).
pipeline_section() {
    cat <<SQL
CREATE TEMP TABLE ds AS SELECT * FROM deal_summary(:as_of);
CREATE TEMP TABLE pl AS SELECT row_number() OVER (ORDER BY currency, value DESC, stage) - 1 AS i, *,
    value / max(max(value) OVER (PARTITION BY currency), 1e-9) AS share
    FROM pipeline(:as_of);
SELECT '<section id="pipeline"><h2>Pipeline and revenue</h2>
<p class="note">Deals as of ' || coalesce($(H :as_of), 'now') || '. The win rate is over closed deals, won / (won + lost),
with its 95 % interval; beside it the rate with the open deals counted. Each currency on its own: amounts in
different currencies are never added.</p>';
SELECT '<div class="tiles">'
    || printf('<div class="tile"><b>%s %,d</b><span>open pipeline, %,d %s%s</span></div>', $(H currency), CAST(round(pipeline_value) AS INTEGER), open,
              iif(open = 1, 'deal', 'deals'), coalesce((SELECT printf(' (%,d without an amount)', sum(no_amount)) FROM temp.pl
                                                        WHERE pl.currency = ds.currency HAVING sum(no_amount) > 0), ''))
    || printf('<div class="tile"><b>%s %,d</b><span>won revenue, %,d deals</span></div>', $(H currency), CAST(round(won_revenue) AS INTEGER), won)
    || printf('<div class="tile"><b>%s</b><span>average deal size</span></div>',
              coalesce($(H currency) || ' ' || printf('%,d', CAST(round(avg_deal_size) AS INTEGER)), '–'))
    || printf('<div class="tile"><b>%s</b><span>win rate over %,d closed deals (95 %%: %s); %s with open deals</span></div>',
              $(P win_rate), won + lost, iif(win_rate IS NULL, '–', $(P win_rate_low) || '–' || $(P win_rate_high)), $(P win_rate_with_open))
    || '</div>'
FROM temp.ds ORDER BY currency;
SELECT CASE WHEN (SELECT count(*) FROM temp.pl) = 0 THEN '<p class="empty">No open deals.</p>'
    ELSE printf('<svg id="pipeline-chart" viewBox="0 0 920 %d" role="img" aria-label="Open pipeline by stage">', 8 + 34 * (SELECT count(*) FROM temp.pl))
      || (SELECT group_concat(
             printf('<text x="168" y="%d" text-anchor="end" font-size="14" fill="#243b53">%s</text>', 8 + 34 * i + 19,
                    $(H "currency || ' · ' || coalesce(stage, '(none)')"))
          || printf('<rect x="180" y="%d" width="%.1f" height="26" rx="3" fill="#2f6eb5"/>', 8 + 34 * i, max(share * 400, 2))
          || printf('<text x="%.1f" y="%d" font-size="13" fill="#102a43">%s %,d · %,d %s · %.0f days old on average</text>',
                    188 + max(share * 400, 2), 8 + 34 * i + 18, $(H currency), CAST(round(value) AS INTEGER), deals, iif(deals = 1, 'deal', 'deals'), avg_age_days), '')
          FROM (SELECT * FROM temp.pl ORDER BY i))
      || '</svg><table id="pipeline-table"><tr><th>currency</th><th>stage</th><th>deals</th><th>value</th><th>average age (days)</th>'
      || '<th>0–30 days</th><th>31–60</th><th>61–90</th><th>over 90</th></tr>'
      || (SELECT group_concat(printf('<tr><td>%s</td><td class="t">%s</td><td>%,d</td><td>%,d</td><td>%.0f</td><td>%,d</td><td>%,d</td><td>%,d</td><td>%,d</td></tr>',
              $(H currency), $(H "coalesce(stage, '(none)')"), deals, CAST(round(value) AS INTEGER), avg_age_days, age_0_30, age_31_60, age_61_90, age_over_90), '')
          FROM (SELECT * FROM temp.pl ORDER BY i))
      || '</table>' END || '</section>';
SQL
}

# mq_chart_sections [DEALS]: the sections above in the page's order, the pipeline
# only when DEALS is 1 (a database whose deals table has rows). The one list of
# them: mqlite report writes it, and so does make wheel for the plugin's
# charts.sql (no deals there), so a new section reaches both pages. Chained
# with && so that a failure is its status even where set -e is not in force
# (an sh -c line, or a caller in an && list).
mq_chart_sections() {
    funnel_section && trend_section && campaign_section &&
        { [ "${1:-0}" = 0 ] || pipeline_section; } &&
        attribution_section && speed_section
}
