# mqlite-common.sh — what every mqlite subcommand shares: finding the
# extension, binding user values as parameters, output formats, and errors.
# Sourced (not run) by scripts/mqlite-*; POSIX sh.
# shellcheck shell=sh

: "${mq_prog:=mqlite}"
MQ_DIR=$(cd "$(dirname "$0")" && pwd)
MQ_ROOT=$(cd "$MQ_DIR/.." && pwd)
MQ_SQLITE=${SQLITE3:-sqlite3}
# shellcheck disable=SC2034 # used by the subcommands that source this file
MQ_SCHEMA="$MQ_ROOT/schema/mqlite.sql"
MQ_PARAMS=""
MQ_FORMAT=table

# Errors: a message on stderr and exit 1 (2 for a wrong command line).
mq_die() {
    printf '%s: %s\n' "$mq_prog" "$*" >&2
    exit 1
}
mq_usage_error() {
    printf '%s: %s\n(see %s --help)\n' "$mq_prog" "$*" "$mq_prog" >&2
    exit 2
}

# The value of an option, or a usage error when it is missing.
mq_optarg() {
    [ $# -ge 2 ] || mq_usage_error "$1 needs a value"
    printf '%s' "$2"
}

# The extension: $MQLITE_EXT, else build/mqlite.so beside these scripts.
mq_ext() {
    ext=${MQLITE_EXT:-"$MQ_ROOT/build/mqlite.so"}
    [ -f "$ext" ] || mq_die "cannot find the mqlite extension at $ext; run make (or set MQLITE_EXT)"
    printf '%s' "${ext%.so}"
}

mq_need_db() {
    [ -f "$1" ] || mq_die "no database $1 (create one with: mqlite init $1)"
}

# A dot-command argument: double-quoted, with \ and " escaped.
mq_dot_arg() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# An SQL string literal: single-quoted, with ' doubled.
mq_sql_literal() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

# mq_param NAME VALUE: binds VALUE as text to :NAME. The value is made an SQL
# string literal before .parameter set sees it, so no text a user types is
# ever taken as SQL (the shell would otherwise evaluate it as an expression).
MQ_NL='
'
MQ_CR=$(printf '\r')
MQ_TAB=$(printf '\t')
mq_param() {
    case $2 in
        *"$MQ_NL"* | *"$MQ_CR"* | *"$MQ_TAB"*)
            mq_usage_error "the value for --$(printf '%s' "$1" | tr _ -) must not contain line breaks or tabs" ;;
    esac
    MQ_PARAMS="$MQ_PARAMS.parameter set :$1 $(mq_dot_arg "$(mq_sql_literal "$2")")
"
}
mq_param_null() {
    MQ_PARAMS="$MQ_PARAMS.parameter set :$1 NULL
"
}
# mq_param_num NAME VALUE OPTION: a non-negative decimal number, checked here.
mq_param_num() {
    case $2 in
        '' | *[!0-9.]* | *.*.* | .) mq_usage_error "$3 expects a number, found '$2'" ;;
    esac
    MQ_PARAMS="$MQ_PARAMS.parameter set :$1 $2
"
}
# mq_param_opt NAME VALUE: text, or NULL when empty.
mq_param_opt() {
    if [ -n "$2" ]; then mq_param "$1" "$2"; else mq_param_null "$1"; fi
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
        table) printf '.headers on\n.mode table --wrap 0\n.parameter set :human 1\n' ;;
        csv) printf '.headers on\n.mode csv\n.parameter set :human 0\n' ;;
        json) printf '.mode json\n.parameter set :human 0\n' ;;
        markdown) printf '.headers on\n.mode markdown --wrap 0\n.parameter set :human 1\n' ;;
        html) printf '.headers on\n.mode html\n.parameter set :human 1\n' ;;
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

# mq_run DB: runs the SQL on stdin against DB with the extension loaded, the
# bound parameters, foreign keys on and .bail on. sqlite3's "Runtime error
# near line N:" prefix is replaced by the subcommand's name.
# trusted_schema=OFF: the database may come from someone else, and a view or
# trigger in it must not reach a function with side effects (the shell's
# edit() runs a command); mqlite's schema needs only innocuous functions.
mq_run() {
    db=$1
    ext=$(mq_ext)
    err=$(mktemp)
    rc=0
    {
        printf '.bail on\n.load %s\nPRAGMA foreign_keys = ON;\nPRAGMA trusted_schema = OFF;\n' "$(mq_dot_arg "$ext")"
        printf '%s' "$MQ_PARAMS"
        cat
    } | "$MQ_SQLITE" -batch "$db" 2>"$err" || rc=$?
    if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
        sed -e 's/^Runtime error near line [0-9]*: //' -e 's/^Parse error near line [0-9]*: //' \
            -e 's/^Error: near line [0-9]*: //' \
            -e 's/^Error: //' -e '/^  /d' -e "s|^|$mq_prog: |" "$err" >&2
        rm -f "$err"
        [ "$rc" -ne 0 ] && exit 1
        return 0
    fi
    rm -f "$err"
}

# Whether stderr is a terminal (progress lines are for people, not cron).
mq_tty() { [ -t 2 ]; }
