-- mqlite.sql — the mqlite schema: leads, their events, campaigns, stage history,
-- scoring rules and the score history.
--
-- Idempotent: every statement is IF NOT EXISTS, so `sqlite3 crm.db < schema/mqlite.sql`
-- may be run again on an existing database. Times are ISO-8601 text in UTC
-- ('2026-03-01 14:05:00'); the CHECKs keep text that is not a date out, because
-- a bad date found later in a report is much harder to trace than one refused here.
-- Foreign keys are enforced only on connections that say PRAGMA foreign_keys=ON
-- (the scripts do).
--
-- Everything in this schema (CHECKs, triggers, views) uses only functions that
-- are SQLITE_INNOCUOUS, so it works with PRAGMA trusted_schema=OFF, which the
-- scripts set: a database from someone else then cannot make them call a
-- function with side effects. That is why the JSON columns are checked by
-- shape (an object's braces) and not with json_valid(), which SQLite 3.40 does
-- not mark innocuous; the importer checks the JSON itself.

CREATE TABLE IF NOT EXISTS campaigns (
    id          TEXT PRIMARY KEY NOT NULL,          -- the key leads.campaign refers to
    name        TEXT,
    channel     TEXT,                               -- email, paid_search, webinar, ...
    started_at  TEXT CHECK (started_at IS NULL OR datetime(started_at) IS NOT NULL),
    cost        REAL CHECK (cost IS NULL OR cost >= 0),
    sent        INTEGER CHECK (sent IS NULL OR sent >= 0),
    delivered   INTEGER CHECK (delivered IS NULL OR delivered >= 0),
    opens       INTEGER CHECK (opens IS NULL OR opens >= 0),
    clicks      INTEGER CHECK (clicks IS NULL OR clicks >= 0)
);

CREATE TABLE IF NOT EXISTS leads (
    id              INTEGER PRIMARY KEY,
    external_id     TEXT UNIQUE,                    -- the CRM's id, kept for joins back
    created_at      TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    email           TEXT,
    company         TEXT,
    industry        TEXT,
    employees       INTEGER CHECK (employees IS NULL OR employees >= 0),
    annual_revenue  REAL CHECK (annual_revenue IS NULL OR annual_revenue >= 0),
    country         TEXT,
    title           TEXT,
    source          TEXT,
    campaign        TEXT REFERENCES campaigns(id) ON UPDATE CASCADE ON DELETE SET NULL,
    owner           TEXT,
    attrs           TEXT CHECK (attrs IS NULL OR attrs GLOB '{*}')  -- anything else, as a JSON object
);
CREATE INDEX IF NOT EXISTS leads_created ON leads(created_at);

CREATE TABLE IF NOT EXISTS events (
    id           INTEGER PRIMARY KEY,
    lead_id      INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (length(type) > 0),   -- whitepaper_download, demo_request, ...
    occurred_at  TEXT NOT NULL CHECK (datetime(occurred_at) IS NOT NULL),
    campaign     TEXT REFERENCES campaigns(id) ON UPDATE CASCADE ON DELETE SET NULL,
    props        TEXT CHECK (props IS NULL OR props GLOB '{*}'),
    external_id  TEXT                                -- the CRM's event id, when an import maps one
);
-- score_leads() and engagement_score() read a lead's events in this order.
CREATE INDEX IF NOT EXISTS events_lead ON events(lead_id, occurred_at);
-- speed_to_lead() and campaign reports read one event type in lead order.
CREATE INDEX IF NOT EXISTS events_type ON events(type, lead_id, occurred_at);
-- An event id names one event: an import that meets it again skips the row.
-- (Older databases get the column from mqlite init, before this index.)
CREATE UNIQUE INDEX IF NOT EXISTS events_external ON events(external_id) WHERE external_id IS NOT NULL;

-- A lead's stage is its latest entry here; earlier entries are its history,
-- moves backwards (SQL recycled to nurture) included.
CREATE TABLE IF NOT EXISTS stage_history (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    stage       TEXT NOT NULL CHECK (length(stage) > 0),
    entered_at  TEXT NOT NULL CHECK (datetime(entered_at) IS NOT NULL),
    source      TEXT,                               -- 'import', 'rule:b2b', 'manual'
    reason      TEXT
);
CREATE INDEX IF NOT EXISTS stage_history_lead ON stage_history(lead_id, entered_at);

-- Routing (route { } in a rule; ext/route.c): who got each lead when it
-- qualified. One row per lead, written once, ever, by `mqlite score`:
-- assigned_at is the moment of the rule's move that qualified it (never the
-- run's time), owner NULL is the overflow queue (no team for its territory,
-- or its whole team at capacity), reason says which. leads.owner is set to
-- owner too (unless the route keeps an owner the lead had: 'kept owner').
-- Speed to lead starts its clock at assigned_at when a lead has a row here.
CREATE TABLE IF NOT EXISTS lead_assignments (
    lead_id      INTEGER PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE,
    owner        TEXT,
    team         TEXT,
    assigned_at  TEXT NOT NULL CHECK (datetime(assigned_at) IS NOT NULL),
    rule         TEXT NOT NULL,
    version      INTEGER,
    reason       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lead_assignments_owner ON lead_assignments(owner, assigned_at);

-- Scoring rules in Lua 5.4, looked up by name by lead_score() and friends.
CREATE TABLE IF NOT EXISTS mqlite_rules (
    name        TEXT PRIMARY KEY NOT NULL
                CHECK (length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^A-Za-z0-9_.-]*'),
    source      TEXT NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
);
CREATE TRIGGER IF NOT EXISTS mqlite_rules_touch
AFTER UPDATE OF source ON mqlite_rules
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE mqlite_rules SET updated_at = strftime('%Y-%m-%d %H:%M:%S', 'now')
    WHERE name = NEW.name;
END;

-- Every source a rule has had, numbered from 1: saving a rule (the scripts,
-- or any INSERT or UPDATE of mqlite_rules) adds a version when the source
-- differs from the latest. A stage entry a rule makes names its version
-- (source 'rule:b2b@3'), so who changed the MQL definition, and when, can
-- always be told. `mqlite rule DB history|diff|revert` read it.
CREATE TABLE IF NOT EXISTS mqlite_rule_versions (
    rule      TEXT NOT NULL,
    version   INTEGER NOT NULL CHECK (version >= 1),
    source    TEXT NOT NULL,
    saved_at  TEXT NOT NULL CHECK (datetime(saved_at) IS NOT NULL),
    saved_by  TEXT,                                 -- who, when a script knew it
    PRIMARY KEY (rule, version)
);
CREATE TRIGGER IF NOT EXISTS mqlite_rules_version_insert
AFTER INSERT ON mqlite_rules
WHEN NEW.source IS NOT (SELECT source FROM mqlite_rule_versions WHERE rule = NEW.name ORDER BY version DESC LIMIT 1)
BEGIN
    INSERT INTO mqlite_rule_versions(rule, version, source, saved_at)
    VALUES (NEW.name, coalesce((SELECT max(version) FROM mqlite_rule_versions WHERE rule = NEW.name), 0) + 1,
            NEW.source, strftime('%Y-%m-%d %H:%M:%S', 'now'));
END;
CREATE TRIGGER IF NOT EXISTS mqlite_rules_version_update
AFTER UPDATE OF source ON mqlite_rules
WHEN NEW.source IS NOT (SELECT source FROM mqlite_rule_versions WHERE rule = NEW.name ORDER BY version DESC LIMIT 1)
BEGIN
    INSERT INTO mqlite_rule_versions(rule, version, source, saved_at)
    VALUES (NEW.name, coalesce((SELECT max(version) FROM mqlite_rule_versions WHERE rule = NEW.name), 0) + 1,
            NEW.source, strftime('%Y-%m-%d %H:%M:%S', 'now'));
END;
-- (rules saved before versions were kept become their version 1)
INSERT OR IGNORE INTO mqlite_rule_versions(rule, version, source, saved_at)
SELECT name, 1, source, updated_at FROM mqlite_rules r
WHERE NOT EXISTS (SELECT 1 FROM mqlite_rule_versions v WHERE v.rule = r.name);

-- Score history: a row when a lead's score, grade or stage under a rule
-- changes, stamped with the run's as-of time and the rule's version (older
-- databases get `version` from mqlite init). The rule is kept by name
-- without a foreign key so that history outlives a deleted rule.
CREATE TABLE IF NOT EXISTS scores (
    id           INTEGER PRIMARY KEY,
    lead_id      INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    rule         TEXT NOT NULL,
    scored_at    TEXT NOT NULL CHECK (datetime(scored_at) IS NOT NULL),
    score        REAL NOT NULL,
    fit          REAL NOT NULL,
    engagement   REAL NOT NULL,
    grade        TEXT,
    stage        TEXT,
    explanation  TEXT CHECK (explanation IS NULL OR explanation GLOB '[[]*]'),
    version      INTEGER
);
CREATE INDEX IF NOT EXISTS scores_lead ON scores(lead_id, rule, scored_at);

-- Each lead's current score under each rule, in one place: the latest run's
-- answer (as of the latest as-of time a run used).
CREATE TABLE IF NOT EXISTS score_current (
    rule         TEXT NOT NULL,
    lead_id      INTEGER NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    version      INTEGER,
    scored_at    TEXT NOT NULL CHECK (datetime(scored_at) IS NOT NULL),
    score        REAL NOT NULL,
    fit          REAL NOT NULL,
    engagement   REAL NOT NULL,
    grade        TEXT,
    stage        TEXT,
    explanation  TEXT CHECK (explanation IS NULL OR explanation GLOB '[[]*]'),
    PRIMARY KEY (lead_id, rule)        -- (lead first: a deleted lead's rows are found by it)
) WITHOUT ROWID;

-- Where each rule's last full or incremental run stopped: the highest ids of
-- leads, events, stage entries and lead changes it had read, so the next run
-- rescans only the leads that rows above them name (mqlite score; --all
-- ignores it). A run stands for everything only when the data it read ended
-- by its as-of time (data_max <= as_of); else the next run is a full one.
CREATE TABLE IF NOT EXISTS mqlite_score_runs (
    rule        TEXT PRIMARY KEY NOT NULL,
    version     INTEGER,
    as_of       TEXT NOT NULL,
    leads_max   INTEGER NOT NULL,
    events_max  INTEGER NOT NULL,
    stages_max  INTEGER NOT NULL,
    changes_max INTEGER NOT NULL,
    data_max    TEXT NOT NULL                       -- the latest time in the data it had read
);

-- A lead whose fields change (an import's sync, a hand edit) is noted here,
-- so that an incremental score run rescans it; a deleted lead, event or stage
-- entry is noted too (deleted = 1), and makes the next run a full one, since
-- a deleted row's id can be given again to a new row. Inserts need no note:
-- a new row's id is above the last run's. AUTOINCREMENT: ids here never go
-- back, even when old notes are cleared.
CREATE TABLE IF NOT EXISTS mqlite_lead_changes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    lead_id  INTEGER NOT NULL,
    deleted  INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS leads_changed AFTER UPDATE ON leads
BEGIN
    INSERT INTO mqlite_lead_changes(lead_id) VALUES (NEW.id);
END;
CREATE TRIGGER IF NOT EXISTS leads_deleted AFTER DELETE ON leads
BEGIN
    INSERT INTO mqlite_lead_changes(lead_id, deleted) VALUES (OLD.id, 1);
END;
CREATE TRIGGER IF NOT EXISTS events_changed AFTER UPDATE ON events
BEGIN
    INSERT INTO mqlite_lead_changes(lead_id) VALUES (NEW.lead_id);
END;
CREATE TRIGGER IF NOT EXISTS events_deleted AFTER DELETE ON events
BEGIN
    INSERT INTO mqlite_lead_changes(lead_id, deleted) VALUES (OLD.lead_id, 1);
END;
CREATE TRIGGER IF NOT EXISTS stage_history_changed AFTER UPDATE ON stage_history
BEGIN
    INSERT INTO mqlite_lead_changes(lead_id) VALUES (NEW.lead_id);
END;
CREATE TRIGGER IF NOT EXISTS stage_history_deleted AFTER DELETE ON stage_history
BEGIN
    INSERT INTO mqlite_lead_changes(lead_id, deleted) VALUES (OLD.lead_id, 1);
END;

-- The stage model. Stages on the main path (on_path = 1) have ranks 1..7 in the
-- order a lead moves through them; PQL shares MQL's rank (a product-qualified
-- route to the same place). Detours (on_path = 0) sit at the rank they take a
-- lead back or out to: nurture is back in marketing, lost and disqualified are
-- exits. "Reached stage X" means an entry at a main-path stage of X's rank or
-- beyond. Change it to fit your pipeline; the stage functions read it.
CREATE TABLE IF NOT EXISTS mqlite_stages (
    name      TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    rank      INTEGER NOT NULL CHECK (rank >= 0),
    kind      TEXT NOT NULL CHECK (kind IN ('marketing', 'sales', 'closed')),
    terminal  INTEGER NOT NULL DEFAULT 0 CHECK (terminal IN (0, 1)),
    on_path   INTEGER NOT NULL DEFAULT 1 CHECK (on_path IN (0, 1))
);
INSERT OR IGNORE INTO mqlite_stages(name, rank, kind, terminal, on_path) VALUES
    ('target',       1, 'marketing', 0, 1),
    ('IQL',          2, 'marketing', 0, 1),
    ('MQL',          3, 'marketing', 0, 1),
    ('PQL',          3, 'marketing', 0, 1),
    ('SQL',          4, 'sales',     0, 1),
    ('meeting',      5, 'sales',     0, 1),
    ('proposal',     6, 'sales',     0, 1),
    ('won',          7, 'closed',    1, 1),
    ('lost',         7, 'closed',    1, 0),
    ('nurture',      2, 'marketing', 0, 0),
    ('disqualified', 4, 'closed',    1, 0);

-- Other names for the stages, as CRMs and people write them. Matching ignores
-- case, and treats '-', '_' and repeated spaces as one space.
CREATE TABLE IF NOT EXISTS mqlite_stage_aliases (
    alias  TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
    stage  TEXT NOT NULL REFERENCES mqlite_stages(name) ON UPDATE CASCADE ON DELETE CASCADE
);
INSERT OR IGNORE INTO mqlite_stage_aliases(alias, stage) VALUES
    ('marketing target', 'target'), ('prospect', 'target'),
    ('information qualified lead', 'IQL'), ('information qualified', 'IQL'), ('lead', 'IQL'), ('new', 'IQL'),
    ('marketing qualified lead', 'MQL'), ('marketing qualified', 'MQL'),
    ('product qualified lead', 'PQL'), ('product qualified', 'PQL'),
    ('sales qualified lead', 'SQL'), ('sales qualified', 'SQL'), ('sales accepted lead', 'SQL'),
    ('sales accepted', 'SQL'), ('SAL', 'SQL'), ('opportunity', 'SQL'),
    ('sales meeting', 'meeting'), ('demo', 'meeting'), ('meeting or demo', 'meeting'),
    ('sales proposal', 'proposal'), ('quote', 'proposal'), ('negotiation', 'proposal'),
    ('closed won', 'won'), ('close won', 'won'), ('customer', 'won'),
    ('closed lost', 'lost'), ('close lost', 'lost'),
    ('recycled', 'nurture'), ('nurturing', 'nurture'), ('recycle', 'nurture'),
    ('unqualified', 'disqualified'), ('dq', 'disqualified'), ('rejected', 'disqualified');

-- ---- Deals (issue 17) ------------------------------------------------------
-- The opportunity a lead becomes: its value, and whether it was won or lost.
-- A deal's status is mqlite's own three (open, won, lost); stage is the CRM's
-- deal stage as given. amount is in currency (ISO 4217, three letters):
-- mqlite never adds amounts of two currencies together (the reports give a
-- row per currency). `mqlite import DB deals FILE` syncs it by external_id;
-- `mqlite init` on an older database adds it (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS deals (
    id           INTEGER PRIMARY KEY,
    external_id  TEXT UNIQUE,                       -- the CRM's opportunity id
    lead_id      INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    account      TEXT,                              -- the CRM's account name as given
    name         TEXT,
    amount       REAL CHECK (amount IS NULL OR amount >= 0),
    currency     TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    status       TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    stage        TEXT,                              -- the CRM's deal stage (Prospecting, Engaging, ...)
    created_at   TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    closed_at    TEXT CHECK (closed_at IS NULL OR datetime(closed_at) IS NOT NULL),
    loss_reason  TEXT,
    owner        TEXT,
    product      TEXT
);
CREATE INDEX IF NOT EXISTS deals_lead ON deals(lead_id);

-- ---- No stored views ---------------------------------------------------------
-- The views are TEMP views in schema/views.sql, made by a connection that
-- reads it (`.read schema/views.sql` after `.load`). A stored view that calls
-- mqlite's functions says "no such function" in every tool without mqlite
-- (visidata, an unloaded shell, `sqlite-utils views --counts`); and any stored
-- view over leads, even plain SQL, makes tools that rebuild a table (sqlite-
-- utils transform before 3.36, DB Browser's column edits) fail with "error in
-- view ...: no such table: main.leads". Nothing stored here calls an mqlite
-- function: the CHECKs, DEFAULTs and triggers use SQLite's core alone.

-- ---- Accounts (issue 17) -------------------------------------------------------
-- The company a lead belongs to. `mqlite accounts DB match` makes them from the
-- leads: by the e-mail's registrable domain (free mail excluded), else by the
-- company name's key (company_key()); lead_accounts keeps why, and a 'manual'
-- row (`mqlite accounts DB assign`) is never replaced by the matcher.
CREATE TABLE IF NOT EXISTS accounts (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    domain      TEXT UNIQUE,                        -- lower case, no 'www.'; NULL when unknown
    name_key    TEXT,                               -- the normalised company name matches use
    attrs       TEXT CHECK (attrs IS NULL OR attrs GLOB '{*}'),   -- firmographics, a JSON object
    created_at  TEXT CHECK (created_at IS NULL OR datetime(created_at) IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS accounts_name_key ON accounts(name_key);
-- Which account a lead belongs to, and why ('domain', 'company name', 'manual').
CREATE TABLE IF NOT EXISTS lead_accounts (
    lead_id     INTEGER PRIMARY KEY REFERENCES leads(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    matched_at  TEXT NOT NULL CHECK (datetime(matched_at) IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS lead_accounts_account ON lead_accounts(account_id);
-- Intent signals about an account as a whole (third-party research surges,
-- anonymous visits resolved to the company, a review-site comparison): points
-- (strength) that account_scores() adds to the account's engagement, decayed
-- from occurred_at like event points. Bounded so that one row cannot swamp
-- every score.
CREATE TABLE IF NOT EXISTS account_signals (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (length(type) > 0),
    strength     REAL NOT NULL CHECK (strength BETWEEN -1000 AND 1000),
    occurred_at  TEXT NOT NULL CHECK (datetime(occurred_at) IS NOT NULL),
    source       TEXT
);
CREATE INDEX IF NOT EXISTS account_signals_account ON account_signals(account_id, occurred_at);
