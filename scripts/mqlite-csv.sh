#!/bin/sh
# mqlite-csv.sh — sourced by mqlite-import: a CSV file as text and as rows.
# It refuses what would change data without a word (a NUL byte, bytes that
# are not UTF-8), finds the line ends and the separator (or checks the one
# given), reads the header, and holds the one CSV reader (csv_awk), which
# read_csv runs over the file for the header and for the rows.
#
# Expects: file (the CSV), delim (',', ';', '|', tab, or empty to detect),
# and mq_die from mqlite-common.sh. Sets: eol, sep_d, tab, hdr (one line per
# column: =NORM<TAB>KEY<TAB>NAME) and ncols; defines read_csv, text_checks and
# text_refused.
# shellcheck shell=sh disable=SC2034,SC2154 # the variables it reads and sets are mqlite-import's
# ---- the file as text ------------------------------------------------------
# What would change data without a word is refused before anything is
# written: a NUL byte (sqlite3 would cut the field there) and bytes that are
# not UTF-8 (they would be stored as they are). The reader below finds both
# as it reads (only a line with a NUL or a byte above 0x7F is looked at, so
# an ASCII file costs nothing; the passes of tr and iconv that did this
# before every import took a third of a raw .import) and then writes no
# more rows. CR-only line ends (classic Mac) are read as line ends. The file
# is read only through redirections: as an argument, a name such as "x=1.csv"
# would be an assignment to awk.
eol='\n'
if [ "$(tr -dc '\n' <"$file" | head -c 1 | wc -c)" = 0 ] && [ "$(tr -dc '\r' <"$file" | head -c 1 | wc -c)" = 1 ]; then
    eol='\r'
fi
# text_refused VERDICT: dies with what the reader found ("?nul LINE" or
# "?utf8 LINE HEX"; see the reader)
text_refused() {
    # shellcheck disable=SC2086 # the verdict's words are split on purpose
    set -- ${1#?}
    case $1 in
        nul) mq_die "$file:$2: a NUL byte; a CSV file holds text only, nothing was imported" ;;
        utf8) mq_die "$file:$2: not UTF-8 text (byte 0x$3); convert the file first (e.g. iconv -f LATIN1 -t UTF-8), nothing was imported" ;;
        *) mq_die "internal error: the CSV reader's verdict on the text of $file is '$*'" ;;
    esac
}
# text_checks: dies as above when the file holds a NUL or is not UTF-8
text_checks() {
    tv=$(read_csv text) || :
    [ -z "$tv" ] || text_refused "$tv"
}
# Until the rows are read, a refusal of the file (its separator, its header)
# gives way to what text_checks finds, as when the text was checked first.
MQ_DIE_FIRST=text_checks

# One CSV reader for the header and the rows, so that both agree on where a
# record starts: RFC 4180 ("" inside quotes; a line end inside quotes belongs
# to the field), a quote inside an unquoted field taken as it is (as sqlite3's
# .import does), blank lines between records skipped. Each record keeps the
# file line where it starts, which every message names. The separator d is
# ',', ';', '|' or a tab (--delimiter, or detected: see sep_awk below).
#   mode=header: the first record's fields, one a line, as
#                =NORM<TAB>KEY<TAB>NAME (NORM: lower case without spaces, '-'
#                or '_'; KEY: the attrs key, lower case with runs of other
#                characters as '_'), or !REASON when it is malformed
#   mode=data:   the other records as rows of stage.raw(line, perr, c1..cN)
#                for the shell's .import --ascii: fields separated by 0x1F,
#                records ended by 0x1E, nothing quoted or escaped; perr says
#                why a record is malformed ('' if it is not), and its fields
#                are then left empty. A record that holds 0x1E or 0x1F is
#                such a row: those bytes would shift its fields. The last
#                row is line 0, whose perr is the number of rows before it:
#                that the whole file was read (it becomes stage.eof).
# The common records take quicker ways, each for only the lines it reads
# exactly as the main loop would: a rule for the lines without a quote or
# with only the last field quoted (most exports), then quick() for a line
# that is a whole record with each quoted field closed on it. Anything else,
# and any line they doubt, is read field by field by the main loop.
# shellcheck disable=SC2016 # awk's $0 is awk's
csv_awk='
BEGIN {
    u8re = "[\302-\337][\200-\277]|\340[\240-\277][\200-\277]|[\341-\354\356\357][\200-\277][\200-\277]|\355[\200-\237][\200-\277]|\360[\220-\277][\200-\277][\200-\277]|[\361-\363][\200-\277][\200-\277][\200-\277]|\364[\200-\217][\200-\277][\200-\277]"
    dre = "[" d "]"
    empties = ""
    for (i = 0; i < ncol; i++) empties = empties "\037"
}
function add(v) { nf++; if (mode == "header" || nf <= ncol) f[nf] = v }
function header(   i, v, n, k) {
    if (perr != "") { print "!" perr; return }
    for (i = 1; i <= nf; i++) {
        v = f[i]; gsub(/[\r\n\t]/, " ", v)
        n = tolower(v); gsub(/[ _-]/, "", n)
        k = tolower(v); gsub(/[^a-z0-9]+/, "_", k); sub(/^_/, "", k); sub(/_$/, "", k)
        print "=" n "\t" k "\t" v
    }
}
function record(   i, out) {
    if (!nrec++) {
        if (mode == "header") { header(); finished = 1; exit 0 }
    } else {
        if (perr == "" && ctl != "") perr = "a field holds the control character " ctl ", which mqlite import does not read"
        if (perr == "" && nf != ncol) perr = "expected " ncol " columns but found " nf
        if (perr != "") printf "%d\037%s%s\036", start, perr, empties
        else {
            out = start "\037"
            for (i = 1; i <= ncol; i++) out = out "\037" trimmed(f[i])
            printf "%s\036", out
        }
        nrow++
    }
    nf = 0; perr = ""
}
# trimmed(o): the fields of o (one, or several joined by 0x1F) without the
# spaces at either end of each, as SQL trim() would leave them; the checks
# and the stored values take every value trimmed
function trimmed(o) {
    if (o ~ /^ | $| \037|\037 /) {
        gsub(/ +\037/, "\037", o); gsub(/\037 +/, "\037", o); sub(/^ +/, "", o); sub(/ +$/, "", o)
    }
    return o
}
# control(s): the separator byte of the rows that s holds (0x1F, then 0x1E), or ""
function control(s) { return index(s, "\037") ? "0x1F" : index(s, "\036") ? "0x1E" : "" }
# quick(s): line s as one whole record, written at once; 0 (nothing written)
# when it is not that simple: a quoted field that the line does not close,
# a quote inside an unquoted field or after a closing quote, a \001, or not
# ncol fields. Inside quotes, with each "" made \001, the first quote left
# closes the field if the separator or the line end follows it (a CR may come
# between): the same quote as closing() finds, since every run of quotes
# before it is even.
function quick(s,   o, nsep, q, pre, t, k, c, v) {
    if (index(s, "\001")) return 0
    o = ""; nsep = 0
    while (1) {
        q = index(s, "\"")
        if (!q) {
            if (substr(s, length(s)) == "\r") s = substr(s, 1, length(s) - 1)
            nsep += gsub(dre, "\037", s)
            o = o s
            break
        }
        if (q > 1 && substr(s, q - 1, 1) != d) return 0
        pre = substr(s, 1, q - 1)
        nsep += gsub(dre, "\037", pre)
        t = substr(s, q + 1)
        gsub(/""/, "\001", t)
        k = index(t, "\"")
        if (!k) return 0
        v = substr(t, 1, k - 1)
        if (index(v, "\001")) gsub(/\001/, "\"", v)
        o = o pre v
        c = substr(t, k + 1, 1)
        if (c == d) {
            o = o "\037"; nsep++
            s = substr(t, k + 2)
            if (index(s, "\001")) gsub(/\001/, "\"\"", s)
            continue
        }
        if (c == "" || (c == "\r" && k + 1 == length(t))) break
        return 0
    }
    if (nsep + 1 != ncol) return 0
    printf "%d\037\037%s\036", NR, trimmed(o)
    nrow++
    return 1
}
# closing(r): where the quote that closes a quoted field is in r (the rest of
# the line after the opening quote, or after what an earlier line held): the
# first quote followed by the separator or by the end of the line (a CR may
# come between) that ends a run of quotes of odd length; 0 if the line ends
# inside the field. An even run is escaped quotes ("").
function closing(r,   j, k, base, n) {
    base = 0
    n = length(r)
    sub(/\r$/, "", r)
    while (1) {
        j = index(r, "\"" d)
        if (!j) { if (substr(r, length(r), 1) == "\"") j = length(r); else return 0 }
        for (k = j - 1; k > 0 && substr(r, k, 1) == "\""; k--) ;
        if ((j - k) % 2) return base + j
        if (j == length(r)) return 0
        base += j; r = substr(r, j + 1)
    }
}
# endfield(raw): the quoted field whose text (escapes and all) is raw
function endfield(raw,   t) {
    t = raw; gsub(/""/, "", t)
    if (index(t, "\"") && perr == "") perr = "unescaped \" character"
    gsub(/""/, "\"", raw); add(raw)
}
# Text (every mode; mode=text does only this): a line with a NUL byte or a
# byte above 0x7F is looked at before any other rule reads it. One that holds
# a NUL, or is not UTF-8, ends the reading of rows: nothing more is written
# (no last row, so nothing is imported) and the verdict "?nul LINE" or
# "?utf8 LINE HEX" (the first byte that is not UTF-8) is printed at the end,
# in data mode on stderr. A NUL anywhere in the file is named before bad
# UTF-8 (the rest of the file is still read for one). utf8_ok removes every
# well-formed sequence of two to four bytes (no overlong form, no surrogate,
# nothing above U+10FFFF: RFC 3629); a byte above 0x7F left means the text
# is not UTF-8.
textbad { if ($0 ~ /\000/) { tv = "nul " NR; exit 3 } next }
/[\000\200-\377]/ {
    if ($0 ~ /\000/) { textbad = 1; tv = "nul " NR; exit 3 }
    if (!utf8_ok($0)) { textbad = 1; tv = "utf8 " NR " " badbyte($0); next }
}
mode == "text" { next }
function utf8_ok(s) {
    gsub(u8re, "", s)
    return s !~ /[\200-\377]/
}
# badbyte(s): the first byte of s that starts no UTF-8 character, in hex
function badbyte(s,   i, n, c, k) {
    for (k = 128; k < 256; k++) ord[sprintf("%c", k)] = k
    n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (c !~ /[\200-\377]/) continue
        if (!match(substr(s, i, 4), "^(" u8re ")")) return sprintf("%02x", ord[c])
        i += RLENGTH - 1
    }
    return "??"
}
# The quickest way, for the two shapes of most records: a line past the
# header, outside quotes, without \001 or a control byte, that has ncol
# fields and no quote, or no quote but in its last field, which is quoted
# and holds quotes only as "" (every quote in it is one of a "" pair: then
# the closing quote is the last of the line, as closing() would find).
!inq && nrec && !/[\001\036\037]/ {
    s = $0
    if (substr(s, length(s)) == "\r") s = substr(s, 1, length(s) - 1)
    q = index(s, "\"")
    if (!q) {
        if (s != "" && gsub(dre, "\037", s) + 1 == ncol) { printf "%d\037\037%s\036", NR, trimmed(s); nrow++; next }
    } else if (q > 1 && q < length(s) && substr(s, length(s)) == "\"" && substr(s, q - 1, 1) == d) {
        pre = substr(s, 1, q - 1)
        if (gsub(dre, "\037", pre) + 1 == ncol) {
            t = substr(s, q + 1, length(s) - q - 1)
            k = gsub(/"/, "\"", t)
            if (k == 0 || k == 2 * gsub(/""/, "\"", t)) { printf "%d\037\037%s\036", NR, trimmed(pre t); nrow++; next }
        }
    }
}
{
    s = $0
    if (NR == 1) sub(/^\357\273\277/, "", s)
    if (inq) {
        cur = cur "\n"
        if (ctl == "") ctl = control(s)
    } else if (s == "" || s == "\r") next
    else {
        start = NR; nf = 0; perr = ""
        ctl = control(s)
        if (nrec && ctl == "" && quick(s)) next
    }
    while (1) {
        if (!inq) {
            if (substr(s, 1, 1) == "\"") { inq = 1; cur = ""; s = substr(s, 2); continue }
            q = index(s, "\"")
            if (!q) {
                # no quote in the rest of the line: split it at once
                sub(/\r$/, "", s)
                m = split(s, parts, dre)
                if (!m) add("")
                for (k = 1; k <= m; k++) add(parts[k])
                record(); break
            }
            if (substr(s, q - 1, 1) == d) {
                # the fields before the next quoted one, at once
                m = split(substr(s, 1, q - 2), parts, dre)
                if (!m) add("")
                for (k = 1; k <= m; k++) add(parts[k])
                s = substr(s, q); continue
            }
            i = index(s, d)
            if (i) { add(substr(s, 1, i - 1)); s = substr(s, i + 1); continue }
            sub(/\r$/, "", s); add(s); record(); break
        }
        # Inside quotes. Quick way: with each "" made \001, the first quote
        # left closes the field, if the separator or the line end follows it.
        if (!index(s, "\001")) {
            t = s
            gsub(/""/, "\001", t)
            k = index(t, "\"")
            if (!k) { cur = cur s; break }
            c = substr(t, k + 1, 1)
            if (c == d || c == "" || (c == "\r" && k + 1 == length(t))) {
                v = substr(t, 1, k - 1); gsub(/\001/, "\"", v)
                if (cur != "") { endfield(cur); v = f[nf] v; nf-- }
                add(v); inq = 0
                s = substr(t, k + 2)
                if (index(s, "\001")) gsub(/\001/, "\"\"", s)
                if (c == d) continue
                record(); break
            }
        }
        j = closing(s)
        if (!j) { cur = cur s; break }
        endfield(cur substr(s, 1, j - 1)); inq = 0
        s = substr(s, j + 1)
        if (substr(s, 1, 1) == d) { s = substr(s, 2); continue }
        record(); break
    }
}
END {
    if (textbad) { if (mode == "data") print "?" tv > "/dev/stderr"; else print "?" tv; exit 3 }
    if (finished) exit 0
    if (inq) {
        perr = "unterminated \"-quoted field"
        if (NR > start) perr = perr " (it runs to the end of the file, line " NR ")"
        endfield(cur); record()
    }
    if (mode == "data") printf "0\037%d%s\036", nrow, empties
}'
# read_csv MODE [NCOL]: the reader above over the file, with the separator
read_csv() {
    LC_ALL=C awk -v mode="$1" -v ncol="${2:-0}" -v RS="$eol" -v d="$sep_d" "$csv_awk" <"$file"
}

# ---- the separator and the header ------------------------------------------
# sep_awk: how often each candidate separator (',', ';', tab, '|') occurs in
# the first line outside quotes, then in all of it: eight counts. ("..."
# pairs are cut out first, then an open quote and what follows it.)
# shellcheck disable=SC2016 # awk's $0 is awk's
sep_awk='{
    s = $0
    if (NR == 1) sub(/^\357\273\277/, "", s)
    if (s == "" || s == "\r") next
    a = s; gsub(/"[^"]*"/, "", s); sub(/".*/, "", s)
    printf "%d %d %d %d ", gsub(/,/, "", s), gsub(/;/, "", s), gsub(/\t/, "", s), gsub(/[|]/, "", s)
    printf "%d %d %d %d\n", gsub(/,/, "", a), gsub(/;/, "", a), gsub(/\t/, "", a), gsub(/[|]/, "", a)
    exit
}'
read -r n_comma n_semi n_tab n_pipe a_comma a_semi a_tab a_pipe <<EOF
$(LC_ALL=C awk -v RS="$eol" "$sep_awk" <"$file")
EOF
# shown SEP: a separator as messages name it; opt SEP: as --delimiter takes it
shown() { if [ "$1" = tab ]; then printf 'tabs'; else printf "'%s'" "$1"; fi; }
opt() { if [ "$1" = tab ]; then printf -- '--delimiter tab'; else printf -- "--delimiter '%s'" "$1"; fi; }
# Without --delimiter: the candidate that splits the first line into the most
# fields; none, or a tie for the most: ','.
sep_given=$delim
if [ -z "$delim" ] && [ -n "${n_comma:-}" ]; then
    delim=, best=$n_comma tie=0
    for cand in "; $n_semi" "tab $n_tab" "| $n_pipe"; do
        n=${cand#* }
        if [ "$n" -gt "$best" ]; then delim=${cand%% *} best=$n tie=0
        elif [ "$n" -gt 0 ] && [ "$n" = "$best" ]; then tie=1; fi
    done
    [ "$tie" = 0 ] || delim=,
fi
if [ "$delim" = tab ]; then sep_d='\t'; else sep_d=${delim:-,}; fi

tab=$(printf '\t')
hdr=$(read_csv header) || :
case $hdr in "?"*) text_refused "$hdr" ;; esac
[ -n "$hdr" ] || mq_die "$file is empty: the first line must name the columns"
ncols=$(printf '%s\n' "$hdr" | wc -l)
# A first line that is not valid CSV, or is one column, while another
# candidate separates it outside quotes was read with the wrong separator:
# say which one it looks like. (A one-column line with two or more of one
# candidate inside quotes is a whole line in quotes; one, as in "Lead, ID",
# may be a name.)
case $hdr in "!"*) ncols=0 ;; esac
