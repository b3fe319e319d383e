# fixture.sh — builds the small CRM of tests/fixtures in "$1" through the
# scripts themselves (init, import). Sourced by the script tests.
# shellcheck shell=sh
mq_fixture() {
    scripts/mqlite init "$1" --samples >/dev/null
    scripts/mqlite import "$1" campaigns tests/fixtures/campaigns.csv >/dev/null
    scripts/mqlite import "$1" leads tests/fixtures/leads.csv --date-format dmy --map external_id="Lead Id" >/dev/null
    scripts/mqlite import "$1" events tests/fixtures/events.csv >/dev/null
    scripts/mqlite import "$1" stages tests/fixtures/stages.csv >/dev/null
}
