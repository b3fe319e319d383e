# mqlite-common.sh — what every mqlite subcommand shares: finding the
# extension, binding user values as parameters, output formats, errors, and
# the one place that runs the sqlite3 shell (mq_run: its preamble, the busy
# wait, the time limit, signals, and checked output).
# Sourced (not run) by scripts/mqlite-*; POSIX sh.
# shellcheck shell=sh

: "${mq_prog:=mqlite}"
# Where this mqlite's files are. The scripts sit together in one directory,
# found from $0 with symlinks resolved (so a link to mqlite in ~/bin works).
# make install writes mqlite-paths.sh beside them, which names the installed
# extension and the directory of schema/ and samples/ (MQ_EXT_DEFAULT,
# MQ_ROOT, MQ_VERSION); in the source tree there is no such file, and they
# are build/mqlite.so, schema/ and samples/ one level up (the version, which
# only mqlite --version needs, it reads from ext/mqlite.c itself).
MQ_DIR=$(dirname -- "$(readlink -f -- "$0" 2>/dev/null || printf '%s' "$0")")
MQ_DIR=$(cd "$MQ_DIR" && pwd)
if [ -f "$MQ_DIR/mqlite-paths.sh" ]; then
    # shellcheck source=/dev/null # written by make install (docs/install.sh)
    . "$MQ_DIR/mqlite-paths.sh"
    MQ_INSTALLED=1
else
    MQ_ROOT=$(cd "$MQ_DIR/.." && pwd)
    MQ_EXT_DEFAULT=$MQ_ROOT/build/mqlite.so
    MQ_INSTALLED=0
fi
MQ_SQLITE=${SQLITE3:-sqlite3}
# shellcheck disable=SC2034 # used by the subcommands that source this file
MQ_SCHEMA="$MQ_ROOT/schema/mqlite.sql"
# The report views that call mqlite's functions: TEMP views, made by the
# scripts that read them (mq_views), never stored in the user's file.
MQ_VIEWS="$MQ_ROOT/schema/views.sql"
MQ_PARAMS=""
MQ_FORMAT=table
MQ_NL='
'
MQ_CR=$(printf '\r')
MQ_TAB=$(printf '\t')

# Errors: a message on stderr and exit 1 (2 for a wrong command line).
mq_die() {
    # (MQ_DIE_FIRST: a check that would have refused the input first; its
    # own message, when it fails, is the one given)
    if [ -n "${MQ_DIE_FIRST:-}" ]; then mq_df=$MQ_DIE_FIRST; MQ_DIE_FIRST=""; "$mq_df"; fi
    printf '%s: %s\n' "$mq_prog" "$*" >&2
    exit 1
}
mq_usage_error() {
    printf '%s: %s\n(see %s --help)\n' "$mq_prog" "$*" "$mq_prog" >&2
    exit 2
}

# ---- the command line -------------------------------------------------------
# mq_parse SPEC "$@": reads a subcommand's command line. SPEC lists only the
# subcommand's own options, separated by blanks:
#   --NAME=VAR     takes a value, kept in $VAR: --NAME VALUE or --NAME=VALUE
#                  (the next argument is the value whatever it starts with, so
#                  --campaign -x is the campaign "-x")
#   --NAME=VAR=1   a flag: sets VAR to 1; --NAME=VALUE is refused
#   --format       the output format (mq_set_format)
# Every subcommand also takes -h/--help (its usage), --wait and --timeout
# (MQ_WAIT, MQ_TIMEOUT: mq_run checks them), and -- (the end of the options:
# what follows is an argument, even '-x'). Anything else that starts with '-'
# is an unknown option. Each argument is handed to mq_arg; the database
# argument is the default (a subcommand that takes more defines its own
# mq_arg, and mq_args_done, which checks them once the line is read).
db=""
mq_arg() {
    [ -z "$db" ] || mq_usage_error "one database only"
    db=$1
}
mq_args_done() {
    [ -n "$db" ] || mq_usage_error "which database?"
}
mq_parse() {
    MQ_SPEC="$1 --wait=MQ_WAIT --timeout=MQ_TIMEOUT"
    shift
    while [ $# -gt 0 ]; do
        case $1 in
            -h | --help) usage; exit 0 ;;
            --) shift; break ;;
            --*=*) mq_o=${1%%=*} mq_v=${1#*=} mq_given=1 ;;
            -*) mq_o=$1 mq_v="" mq_given=0 ;;
            *) mq_arg "$1"; shift; continue ;;
        esac
        shift
        mq_option "$mq_o" || mq_usage_error "unknown option $mq_o"
        case $mq_act in
            *=*) [ "$mq_given" = 0 ] || mq_usage_error "$mq_o takes no value"
                 eval "$mq_act" ;;
            *) if [ "$mq_given" = 0 ]; then
                   [ $# -gt 0 ] || mq_usage_error "$mq_o needs a value"
                   mq_v=$1
                   shift
               fi
               if [ -z "$mq_act" ]; then mq_set_format "$mq_v"; else eval "$mq_act=\$mq_v"; fi ;;
        esac
    done
    for mq_v in "$@"; do mq_arg "$mq_v"; done
    mq_args_done
}
# mq_option --NAME: whether SPEC has --NAME; what it does in mq_act (VAR,
# VAR=1, or empty for --format).
mq_option() {
    # shellcheck disable=SC2086 # SPEC is split into its words (no globs in it)
    for mq_w in $MQ_SPEC; do
        case $mq_w in
            "$1") mq_act=""; return 0 ;;
            "$1"=*) mq_act=${mq_w#*=}; return 0 ;;
        esac
    done
    return 1
}
# mq_usage_common: the --help lines of the options every subcommand takes,
# for the subcommand's usage to print after its own (descriptions start at
# column 22).
mq_usage_common() {
    case " $MQ_SPEC " in
        *" --format "*) echo '  --format F         table (default), csv, json, markdown or html' ;;
    esac
    if [ "$mq_timeout_default" = 0 ]; then mq_t="0: none"; else mq_t="$mq_timeout_default; 0: none"; fi
    cat <<USAGE
  --wait SECONDS     wait this long for a lock another run holds (default 10)
  --timeout SECONDS  stop after this long, exit 124 (default $mq_t)
                     MQLITE_WAIT and MQLITE_TIMEOUT, when set, change these defaults
  --OPTION=VALUE     the same as --OPTION VALUE; -- ends the options
  -h, --help         this text
USAGE
}

# The extension: $MQLITE_EXT, else the installed one (mqlite-paths.sh), else
# build/mqlite.so of the source tree these scripts are in. A missing one is
# named, with what puts it there.
mq_ext() {
    if [ -n "${MQLITE_EXT:-}" ]; then
        [ -f "$MQLITE_EXT" ] || mq_die "cannot find the mqlite extension at $MQLITE_EXT, which MQLITE_EXT names; set MQLITE_EXT to the path of mqlite.so, or unset it"
        ext=$MQLITE_EXT
    else
        ext=$MQ_EXT_DEFAULT
        if [ ! -f "$ext" ]; then
            [ "$MQ_INSTALLED" = 1 ] &&
                mq_die "cannot find the mqlite extension at $ext, where make install put it; install mqlite again (or set MQLITE_EXT to the path of mqlite.so)"
            mq_die "cannot find the mqlite extension at $ext; build it with make in $MQ_ROOT (or set MQLITE_EXT to the path of mqlite.so)"
        fi
    fi
    printf '%s' "${ext%.so}"
}

mq_need_db() {
    [ -f "$1" ] || mq_die "no database $1 (create one with: mqlite init $1)"
}

# A dot-command argument: double-quoted, with \ and " escaped, and line
# breaks written \n and \r (the shell reads them back), so a name cannot end
# the dot-command and start another.
mq_dot_arg() {
    case $1 in
        *[\\\"]* | *"$MQ_NL"* | *"$MQ_CR"*) ;;
        *) printf '"%s"' "$1"; return 0 ;;
    esac
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' |
        awk 'BEGIN { ORS = "" } { gsub(/\r/, "\\r"); if (NR > 1) print "\\n"; print }')"
}

# mq_path FILE: FILE as the sqlite3 shell takes it for a plain file name. A
# relative name that starts with anything but a letter, digit, '_' or '.', or
# that holds a ':', gets ./ in front, so '|cmd' is not a pipe (.import,
# .output, .once, .read), '-x' is not an option, and 'file:x' is not a URI (a
# database argument, ATTACH); other names are left as they are, so messages
# name them as the user wrote them. Every path a user gives goes through it
# (or mq_dot_path).
mq_path() {
    case $1 in
        '') mq_die "a file name is empty" ;;
        /*) printf '%s' "$1" ;;
        [!A-Za-z0-9_.]* | *:*) printf './%s' "$1" ;;
        *) printf '%s' "$1" ;;
    esac
}
# mq_dot_path FILE: FILE as the argument of a dot-command (.import, .read,
# .load, .output, .once): mq_path, then quoted.
mq_dot_path() {
    mq_dot_arg "$(mq_path "$1")"
}

# mq_views: the line that makes schema/views.sql's TEMP views in the
# connection of the SQL it is part of (its path is ours, quoted, never a user's).
mq_views() {
    printf '.read %s\n' "$(mq_dot_path "$MQ_VIEWS")"
}

# An SQL string literal: single-quoted, with ' doubled.
mq_sql_literal() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

# mq_bind NAME SQL: SQL that binds the SQL literal SQL to :NAME. It writes the
# shell's parameter table with SQL rather than with .parameter set, whose
# errors (say "database is locked") go to stdout, into a redirected CSV.
mq_bind() {
    printf "INSERT OR REPLACE INTO temp.sqlite_parameters(key, value) VALUES (':%s', %s);\n" "$1" "$2"
}

# mq_param NAME VALUE: binds VALUE as text to :NAME. The value is made an SQL
# string literal, so no text a user types is ever taken as SQL. Line breaks
# and tabs are refused: no option needs them, and output formats split on them.
mq_param() {
    case $2 in
        *"$MQ_NL"* | *"$MQ_CR"* | *"$MQ_TAB"*)
            case $1 in
                file) mq_usage_error "a file name must not contain line breaks or tabs" ;;
                name) mq_usage_error "a rule name must not contain line breaks or tabs" ;;
            esac
            mq_usage_error "the value for --$(printf '%s' "$1" | tr _ -) must not contain line breaks or tabs" ;;
    esac
    MQ_PARAMS="$MQ_PARAMS$(mq_bind "$1" "$(mq_sql_literal "$2")")
"
}
mq_param_null() {
    MQ_PARAMS="$MQ_PARAMS$(mq_bind "$1" NULL)
"
}
# mq_param_num NAME VALUE OPTION: a non-negative decimal number, checked here.
mq_param_num() {
    case $2 in
        '' | *[!0-9.]* | *.*.* | .) mq_usage_error "$3 expects a number, found '$2'" ;;
    esac
    MQ_PARAMS="$MQ_PARAMS$(mq_bind "$1" "$2")
"
}
# mq_param_whole NAME VALUE OPTION LEAST DIGITS [HINT]: a whole number of at
# least LEAST (0 or 1) and at most DIGITS digits, checked here; HINT is said
# after "expects a whole number" (e.g. "(0: events never fade)").
mq_param_whole() {
    case $4:$2 in
        *: | *:*[!0-9]* | 1:0*) mq_usage_error "$3 expects a whole number$( [ "$4" = 1 ] && printf ' above 0')${6:+ $6}, found '$2'" ;;
    esac
    [ "${#2}" -le "$5" ] || mq_usage_error "$3 expects at most $(printf '%*s' "$5" '' | tr ' ' 9), found '$2'"
    mq_param_num "$1" "$2" "$3"
}
# mq_param_opt NAME VALUE: text, or NULL when empty.
mq_param_opt() {
    if [ -n "$2" ]; then mq_param "$1" "$2"; else mq_param_null "$1"; fi
}

# Checks of what the user gave, run before the subcommand's SQL and worded
# for the command line ("--as-of expects a date ..."), so no message names an
# SQL function and its argument number. mq_check COND MESSAGE: the run stops
# with MESSAGE when the SQL condition COND holds (a TEMP trigger raises it).
# (RAISE takes only a literal: one trigger per check, chosen by its number.)
# mq_check COND MESSAGE VAR: the same check, run where the subcommand's SQL
# puts $VAR (say right after the statement whose effect it checks).
# mq_usage_check: a check whose MESSAGE is a usage error (mq_run exits 2
# after "(see PROG --help)").
MQ_CHECKS="" MQ_NCHECK=0
mq_check() {
    MQ_NCHECK=$((MQ_NCHECK + 1))
    MQ_CHECKS="${MQ_CHECKS}CREATE TEMP TRIGGER mq_check_$MQ_NCHECK BEFORE INSERT ON mq_check WHEN NEW.k = $MQ_NCHECK
BEGIN SELECT raise(FAIL, $(mq_sql_literal "$2")); END;
"
    mq_test="INSERT INTO temp.mq_check SELECT $MQ_NCHECK WHERE $1;"
    if [ $# -ge 3 ]; then eval "$3=\$mq_test"; else MQ_CHECKS="$MQ_CHECKS$mq_test$MQ_NL"; fi
}
mq_usage_check() {
    mq_c=$1 mq_m="$2$MQ_NL(see $mq_prog --help)"
    shift 2
    mq_check "$mq_c" "$mq_m" "$@"
}
# Every run: a stranger's database may declare one of its tables a zipfile
# virtual table (a module of the sqlite3 shell), which reads and writes zip
# files anywhere on disk when the table is read or written, trusted_schema
# or not. mqlite refuses such a database.
mq_check "EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' AND sql LIKE '%zipfile%')" \
    "the database declares a zipfile virtual table, which reads and writes files on disk; mqlite does not open it"
# mq_param_date NAME VALUE OPTION: an optional date, bound to :NAME and checked.
mq_param_date() {
    mq_param_opt "$1" "$2"
    [ -z "$2" ] || mq_check "mqlite_date(:$1) IS NULL" \
        "$3 expects a date (YYYY-MM-DD, an ISO-8601 date and time, or unix seconds; years 0 to 9999), found '$2'"
}
# mq_check_rule NAME [PARAM]: the rule bound to :PARAM (rule) is in mqlite_rules.
mq_check_rule() {
    mq_check "NOT EXISTS (SELECT 1 FROM mqlite_rules WHERE name = :${2:-rule})" \
        "no rule named '$1' (mqlite rule DB list shows the rules)"
}
# mq_made_by SOURCE RULE: SQL that is true when the stage entry source
# SOURCE (an SQL expression) was written by the rule RULE (an SQL
# expression): 'rule:NAME', or 'rule:NAME@VERSION'. Compared exactly, not by
# a pattern, so no rule name can match another's entries.
mq_made_by() {
    printf "(%s = 'rule:' || %s OR substr(%s, 1, length(%s) + 6) = 'rule:' || %s || '@')" "$1" "$2" "$1" "$2" "$2"
}
# mq_check_stage NAME OPTION VALUE: the stage bound to :NAME is known.
mq_check_stage() {
    mq_check "stage_lookup(:$1) IS NULL" \
        "$2 expects a stage (target, IQL, nurture, MQL, PQL, SQL, disqualified, meeting, proposal, won, lost, or one of mqlite_stages), found '$3'"
}
# mq_param_outcome VALUE: --outcome of the subcommands that judge a rule, bound
# to :outcome; a stage on the main path, since a detour (lost, nurture) is
# not a step a lead reaches on the way to a sale.
mq_param_outcome() {
    mq_param outcome "$1"
    mq_check_stage outcome --outcome "$1"
    mq_check "NOT (SELECT on_path FROM mqlite_stages WHERE name = stage_name(:outcome))" \
        "--outcome must be a stage on the main path (SQL, won, ...), not the detour '$1'"
}

# --by NAME and --fold-case, the same in every report that groups. NAME is a
# column of leads or a key of its attrs: the extension checks it against the
# data when the report runs (groupby.c), and its error becomes the script's,
# "--by 'x' is neither a column of leads (...) nor a key of any lead's attrs
# (...)", exit 1 (mq_run's message rewrite), as for a rule or a stage that
# is not there. The name only ever reaches SQL as the bound parameter.
# mq_param_group NAME VALUE FOLD [NONE]: VALUE bound to :NAME, or NULL (no
# groups) when VALUE is NONE (default: empty); FOLD (1 or empty) bound to
# :NAME_fold as 1 or 0; --fold-case without groups is a usage error.
mq_param_group() {
    if [ "$2" = "${4:-}" ]; then
        [ -z "$3" ] || mq_usage_error "--fold-case needs --by (a column of leads or a key of its attrs)"
        mq_param_null "$1"
    else
        mq_param "$1" "$2"
    fi
    MQ_PARAMS="$MQ_PARAMS$(mq_bind "${1}_fold" "${3:-0}")
"
}
# mq_group_label NAME RESERVED...: the header of the group's column in a
# report: NAME when it is a plain name (a letter or '_', then letters, digits
# or '_'; at most 64 bytes) and none of the report's own columns (RESERVED),
# else "segment". Only such a name is written into the SQL (as a quoted
# column alias); what the report groups by is always the bound parameter.
mq_group_label() {
    mq_n=$1
    shift
    case $mq_n in
        '' | [!A-Za-z_]* | *[!A-Za-z0-9_]*) printf segment; return 0 ;;
    esac
    [ "${#mq_n}" -le 64 ] || { printf segment; return 0; }
    for mq_r in "$@"; do
        [ "$mq_n" != "$mq_r" ] || { printf segment; return 0; }
    done
    printf '%s' "$mq_n"
}

# --format: table (default), csv, json, markdown or html.
mq_set_format() {
    case $1 in
        table | csv | json | markdown | html) MQ_FORMAT=$1 ;;
        *) mq_usage_error "--format expects table, csv, json, markdown or html, found '$1'" ;;
    esac
}

# Dot-commands that put the shell in the chosen format. In table, markdown
# and html, rates are shown as percentages (:human = 1); csv and json keep
# the numbers as they are, for the programs that read them.
mq_mode() {
    case $MQ_FORMAT in
        table) printf '.headers on\n.mode table --wrap 0\n' && mq_bind human 1 ;;
        csv) printf '.headers on\n.mode csv\n' && mq_bind human 0 ;;
        json) printf '.mode json\n' && mq_bind human 0 ;;
        markdown) printf '.headers on\n.mode markdown --wrap 0\n' && mq_bind human 1 ;;
        html) printf '.headers on\n.mode html\n' && mq_bind human 1 ;;
    esac
}

# mq_table_begin / mq_table_end: around one query's rows (html needs <table>).
mq_table_begin() {
    [ "$MQ_FORMAT" = html ] && printf '.print "<table>"\n'
    return 0
}
mq_table_end() {
    [ "$MQ_FORMAT" = html ] && printf '.print "</table>"\n'
    return 0
}

# mq_bar FRACTION WIDTH: SQL for a bar of WIDTH blocks at 1.0, so a table in
# the terminal shows its shape; a sliver for anything above 0 that would
# round to nothing. Used only in --format table.
mq_bar() {
    printf "CASE WHEN (%s) IS NULL OR (%s) <= 0 THEN '' WHEN round((%s) * %s) < 1 THEN '▏' ELSE replace(printf('%%.*c', CAST(round(min(%s, 1.0) * %s) AS INTEGER), '#'), '#', '█') END" "$1" "$1" "$1" "$2" "$1" "$2"
}

# SQL that shows a fraction as a percentage for people, as is for programs.
mq_pct() {
    printf "iif(:human, iif((%s) IS NULL, NULL, printf('%%.1f %%%%', 100.0 * (%s))), (%s))" "$1" "$1" "$1"
}
# SQL that shows an amount of money with two decimals for people, as is for
# programs; no amount (NULL) stays NULL, not printf's "0.00".
mq_money() {
    printf "iif(:human AND (%s) IS NOT NULL, printf('%%.2f', (%s)), (%s))" "$1" "$1" "$1"
}

# ---- running sqlite3 --------------------------------------------------------
# mq_run is the one place that starts the sqlite3 shell (tests/scripts/
# test_hostile_scripts.sh fails on any other). The database may come from a
# stranger, so before anything reads its schema:
#   -init /dev/null           ~/.sqliterc is not read (it could hold .shell)
#   .bail on                  the first error stops the run
#   PRAGMA trusted_schema=OFF a view or trigger may call only innocuous
#                             functions: not the shell's edit() (runs a
#                             command), readfile(), writefile()
#   .timeout                  wait --wait seconds for a lock held by another
#                             run before "database is locked"
#   foreign keys on, then the extension and the bound parameters.
# The database name goes through mq_path, so 'file:x' is a file, not a URI.

# Time limits, in whole seconds: --wait (or $MQLITE_WAIT) for a lock, default
# 10; --timeout (or $MQLITE_TIMEOUT) for the whole run, 0 for none; each
# subcommand sets its default in mq_timeout_default before sourcing this file.
: "${mq_timeout_default:=0}"
MQ_WAIT=${MQLITE_WAIT:-10}
MQ_TIMEOUT=${MQLITE_TIMEOUT:-$mq_timeout_default}
MQ_CHILD="" MQ_CAT="" MQ_WD="" MQ_TMP="" MQ_CLEAN=""
# The run's temporary files (MQ_CLEAN: paths from mktemp, without spaces) go
# however it ends: an error exits from inside mq_run, and a cron job that
# fails every night must not fill $TMPDIR. A subcommand's own EXIT trap ends
# by calling mq_clean.
mq_clean() {
    # shellcheck disable=SC2086 # MQ_CLEAN: paths from mktemp, without spaces
    [ -z "$MQ_CLEAN" ] || rm -rf $MQ_CLEAN
}
trap mq_clean EXIT
# what a failed write names (the report sets its file)
MQ_OUT_NAME=""

# mq_seconds VALUE WHAT: VALUE as whole seconds, or a usage error.
mq_seconds() {
    case $1 in
        '' | *[!0-9]*) mq_usage_error "$2 expects whole seconds, found '$1'" ;;
    esac
    [ "${#1}" -le 6 ] || mq_usage_error "$2 expects at most 999999 seconds, found '$1'"
    mq_s=$1
    while [ "${#mq_s}" -gt 1 ] && [ "${mq_s#0}" != "$mq_s" ]; do mq_s=${mq_s#0}; done
    printf '%s' "$mq_s"
}
# mq_stop PID: asks sqlite3 to stop (SIGINT: it interrupts the statement and
# rolls back), then, if it has not after 2 s (a C loop that does not see the
# interrupt), ends it (SIGTERM, then SIGKILL); an open transaction is rolled
# back by the next connection either way.
mq_stop() {
    kill -INT "$1" 2>/dev/null || return 0
    (
        n=0
        while [ "$n" -lt 4 ]; do
            sleep 1
            kill -0 "$1" 2>/dev/null || exit 0
            n=$((n + 1))
            [ "$n" = 2 ] && kill -TERM "$1" 2>/dev/null
        done
        kill -KILL "$1" 2>/dev/null
    ) </dev/null >/dev/null 2>&1 &
}

# SIGINT, SIGTERM, SIGHUP: stop sqlite3 first and wait for it, so nothing
# commits after the run says it stopped; remove the run's temporary files
# (and the subcommand's, listed in MQ_CLEAN); exit 128 + the signal's number,
# which runs the subcommand's EXIT trap.
mq_on_signal() {
    trap '' INT TERM HUP
    if [ -n "$MQ_CHILD" ]; then
        mq_stop "$MQ_CHILD"
        wait "$MQ_CHILD" 2>/dev/null || :
    fi
    [ -z "$MQ_CAT" ] || wait "$MQ_CAT" 2>/dev/null || :
    [ -z "$MQ_WD" ] || kill "$MQ_WD" 2>/dev/null || :
    [ -z "$MQ_TMP" ] || rm -rf "$MQ_TMP"
    mq_clean
    printf '%s: stopped by SIG%s\n' "$mq_prog" "$1" >&2
    exit "$2"
}
trap 'mq_on_signal INT 130' INT
trap 'mq_on_signal TERM 143' TERM
trap 'mq_on_signal HUP 129' HUP

# mq_run DB [FUNCTION]: runs the SQL that FUNCTION prints (else the SQL on
# stdin) against DB with the preamble above. Call it from the script's own
# shell, not as part of a pipeline or $(...), so a signal to the script
# reaches mq_on_signal while sqlite3 runs (mq_value captures a result).
# sqlite3's output passes through cat, whose status says whether every byte
# was written (sqlite3 ignores a full disk); errors go to stderr only, after
# the run, without sqlite3's "Runtime error near line N:" prefix, its " (19)"
# code, or the SQL function in front of a rule's error ("rule 'x' line 1: ...").
# Timed out: exit 124 (an open transaction is rolled back; init's schema
# statements before it stay).
# mq_input DB [FUNCTION]: the preamble, then the SQL of FUNCTION or stdin.
mq_input() {
    printf '.bail on\nPRAGMA trusted_schema = OFF;\n.timeout %s\nPRAGMA foreign_keys = ON;\n' "$((mq_wait_s * 1000))"
    printf '.load %s\n' "$(mq_dot_path "$mq_ext_path")"
    printf '.parameter init\n%s' "$MQ_PARAMS"
    printf 'CREATE TEMP TABLE mq_check(k INTEGER);\n%s' "$MQ_CHECKS"
    if [ $# -ge 2 ]; then "$2"; else cat; fi
}

mq_run() {
    # (|| exit: a caller may run mq_run where set -e does not apply)
    mq_db=$(mq_path "$1") || exit 1
    mq_ext_path=$(mq_ext) || exit 1
    mq_wait_s=$(mq_seconds "$MQ_WAIT" "--wait (or MQLITE_WAIT)") || exit 2
    mq_limit=$(mq_seconds "$MQ_TIMEOUT" "--timeout (or MQLITE_TIMEOUT)") || exit 2
    MQ_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mqlite.XXXXXX") || mq_die "cannot make a temporary directory in ${TMPDIR:-/tmp}"
    mkfifo "$MQ_TMP/out"
    cat "$MQ_TMP/out" 2>"$MQ_TMP/cat.err" &
    MQ_CAT=$!
    # The SQL streams into sqlite3 through a pipe, never through a file: an
    # import's rows are a copy of the CSV (e-mail addresses), and a run killed
    # with SIGKILL must leave none of it in $TMPDIR. The pipeline runs in the
    # background so that a signal reaches this shell's trap while sqlite3
    # works (a foreground pipeline would defer it); fd 3 hands it this
    # shell's stdin, which an asynchronous list would otherwise not get.
    # the one sqlite3 invocation in scripts/
    {
        mq_input "$@" <&3 3<&- |
            "$MQ_SQLITE" -init /dev/null -batch -bail "$mq_db" >"$MQ_TMP/out" 2>"$MQ_TMP/err" 3<&- &
    } 3<&0
    MQ_CHILD=$!
    if [ "$mq_limit" -gt 0 ]; then
        (
            n=0
            while [ "$n" -lt "$mq_limit" ]; do
                sleep 1
                kill -0 "$MQ_CHILD" 2>/dev/null || exit 0
                n=$((n + 1))
            done
            : >"$MQ_TMP/timedout"
            mq_stop "$MQ_CHILD"
        ) </dev/null >/dev/null 2>&1 &
        MQ_WD=$!
    fi
    # 2>/dev/null: the shell would print "Terminated" for a sqlite3 we ended
    mq_rc=0
    wait "$MQ_CHILD" 2>/dev/null || mq_rc=$?
    MQ_CHILD=""
    mq_crc=0
    wait "$MQ_CAT" 2>/dev/null || mq_crc=$?
    MQ_CAT=""
    if [ -n "$MQ_WD" ]; then
        kill "$MQ_WD" 2>/dev/null || :
        wait "$MQ_WD" 2>/dev/null || :
        MQ_WD=""
    fi
    # (sqlite3 interrupted between two statements exits 0: the marker decides)
    if [ -f "$MQ_TMP/timedout" ]; then
        rm -rf "$MQ_TMP"
        MQ_TMP=""
        printf '%s: stopped after %s s, the time limit (--timeout or MQLITE_TIMEOUT)\n' "$mq_prog" "$mq_limit" >&2
        exit 124
    fi
    mq_usage=0
    if [ "$mq_rc" -ne 0 ] || [ -s "$MQ_TMP/err" ]; then
        sed -e 's/^Runtime error near line [0-9]*: //' -e 's/^Parse error near line [0-9]*: //' \
            -e 's/^Error: near line [0-9]*: //' \
            -e 's/^Error: //' -e '/^  /d' -e 's/ ([0-9]*)$//' \
            -e "s/^lead_[a-z]*: \(rule '\)/\1/" -e "s/^score_leads: \(rule '\)/\1/" \
            -e "s/^[a-z_]*: argument [0-9]* (group_by) '/--by '/" -e "s/^[a-z_]*: group_by '/--by '/" \
            -e "/^(see $mq_prog --help)\$/!s|^|$mq_prog: |" "$MQ_TMP/err" >"$MQ_TMP/msg"
        if [ -n "${MQ_UNDO:-}" ] && [ "$(cat "$MQ_TMP/msg")" = "$mq_prog: MQLITE-UNDO" ]; then
            # a run that undid its own transaction on purpose (MQ_UNDO: the
            # SQL raises exactly MQLITE-UNDO, with ROLLBACK, once it has
            # printed what its caller reads) ended as its caller means
            mq_rc=0
        else
            cat "$MQ_TMP/msg" >&2
            # a usage check's message ends in "(see PROG --help)": exit 2
            grep -qxF "(see $mq_prog --help)" "$MQ_TMP/msg" && mq_usage=1
        fi
    fi
    if [ "$mq_crc" -ne 0 ]; then
        # a reader that went away (| head) is not an error to report
        if [ "$mq_crc" -ne 141 ]; then
            printf '%s: cannot write %s: %s\n' "$mq_prog" "${MQ_OUT_NAME:-the output}" \
                "$(sed -e 's/^cat: //' -e 's/^write error: //' "$MQ_TMP/cat.err" | head -n 1)" >&2
        fi
        rm -rf "$MQ_TMP"
        MQ_TMP=""
        exit 1
    fi
    rm -rf "$MQ_TMP"
    MQ_TMP=""
    [ "$mq_rc" -eq 0 ] || exit $((1 + mq_usage))
}

# mq_run_rows DB FUNCTION: mq_run of the one query FUNCTION prints, its rows
# in the --format chosen (mq_mode, and <table> around them in html).
mq_run_rows() {
    mq_query=$2
    mq_run "$1" mq_rows
}
mq_rows() {
    mq_mode
    mq_table_begin
    "$mq_query"
    mq_table_end
}

# mq_value DB [FUNCTION]: mq_run, with the output (without its last line
# break) in MQ_OUT instead of on stdout.
mq_value() {
    mq_vf=$(mktemp "${TMPDIR:-/tmp}/mqlite.XXXXXX")
    MQ_CLEAN="$MQ_CLEAN $mq_vf"
    mq_run "$@" >"$mq_vf"
    # shellcheck disable=SC2034 # read by the subcommands
    MQ_OUT=$(cat "$mq_vf")
    rm -f "$mq_vf"
}

# Whether stderr is a terminal (progress lines are for people, not cron).
mq_tty() { [ -t 2 ]; }

# ---- --out FILE: written beside the target, renamed only when whole ---------
# mq_out_begin FILE: checks FILE (not a directory, not the database itself,
# even through a link: the output would replace it; its directory exists)
# and sets MQ_OUT_TMP, the file to write, removed on exit unless renamed. A
# killed or timed-out run, or a full disk (mq_run checks every byte was
# written), then leaves the last good FILE as it was. FILE reaches only this
# shell's own redirections, never sqlite3: '|cmd' and '-x' are file names.
mq_out_begin() {
    [ ! -d "$1" ] || mq_usage_error "--out expects a file, found the directory $1"
    case $1 in */) mq_usage_error "--out expects a file, found the directory $1" ;; esac
    if [ -e "$1" ] && [ "$(stat -L -c %d:%i -- "$1" 2>/dev/null)" = "$(stat -L -c %d:%i -- "$db" 2>/dev/null)" ]; then
        mq_usage_error "--out $1 is the database itself"
    fi
    mq_outdir=$(dirname -- "$1")
    [ -d "$mq_outdir" ] || mq_die "cannot write $1: there is no directory $mq_outdir"
    MQ_OUT_TMP="$1.tmp.$$"
    MQ_OUT_NAME="$1 (left unchanged)"
    trap 'rm -f -- "$MQ_OUT_TMP"; mq_clean' EXIT
    ( : >"$MQ_OUT_TMP" ) 2>/dev/null || mq_die "cannot write $1: cannot create a file in $mq_outdir"
}
# mq_out_commit FILE WHAT: MQ_OUT_TMP becomes FILE (WHAT names it in the error)
mq_out_commit() {
    mv -f -- "$MQ_OUT_TMP" "$1" || mq_die "cannot write $1: renaming the finished $2 failed; $1 is unchanged"
}

# mq_leak_limits_sql: SQL making temp.leak_limits, the one row of numbers by
# which evaluate, the report and learn call a field a leak, so the three say
# the same. A value leaks when its leads nearly all converted (at least
# `least` of them, the Wilson lower bound at `value_lower`), they are
# `value_share` or more of all that converted, and converting is rarer than
# `rare` (else it is no news). A step of the way (the sales call before the
# SQL) is had by nearly every lead that converted (lower bound at
# `step_lower`, at least `least` of them) and by at most `step_others` of the
# rest. An AUC of `auc` or more is rarely honest.
mq_leak_limits_sql() {
    cat <<'SQL'
CREATE TEMP TABLE IF NOT EXISTS leak_limits AS
SELECT 20 AS least, 0.9 AS value_lower, 0.25 AS value_share, 0.6 AS rare, 0.95 AS step_lower, 0.5 AS step_others,
       0.97 AS auc;
SQL
}
