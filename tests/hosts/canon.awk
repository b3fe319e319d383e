# canon.awk — the one rendering every host's output (and the README's expected
# output) is put in before tests/hosts/test_hosts.sh compares them, applied
# identically to all, so that a difference left is a difference in results.
#
#   awk -f tests/hosts/canon.awk FILE
#
# Hosts print the same REAL differently: the sqlite3 shell 70.0, Python 70.0,
# JSON 70.0 or 70, Node 70. Each driver already writes a REAL with %.15g (the
# shell's precision) and NULL as empty; here, in each "|"-separated field, a
# number ending in ".0" (70.0, -3.0, 1.0e+20) loses the ".0", so 70.0 and 70
# are one. A TEXT field '70.0' is treated the same in every host, README
# included, so it can hide no difference between hosts. The shell's error
# lines ("Runtime error: M (19)", "Parse error: M", "Error: M") become the
# drivers' "error: M".
{
    line = $0
    if (match(line, /^(Runtime error|Parse error|Error): /)) {
        msg = substr(line, RLENGTH + 1)
        sub(/ \([0-9]+\)$/, "", msg)
        print "error: " msg
        next
    }
    n = split(line, f, "|")
    out = ""
    for (i = 1; i <= n; i++) {
        v = f[i]
        if (v ~ /^-?[0-9]+\.0$/) sub(/\.0$/, "", v)
        else if (v ~ /^-?[0-9]+\.0e[-+][0-9]+$/) sub(/\.0e/, "e", v)
        out = out (i > 1 ? "|" : "") v
    }
    print out
}
