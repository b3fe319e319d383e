"""build_wheel.py — writes the mqlite wheel (make wheel) with nothing but the
standard library: no setuptools, no network, so it builds offline, and the
same inputs give the same bytes (fixed timestamps and modes, sorted entries).

    python3 ext/python/build_wheel.py --version X.Y.Z --so build/static/mqlite.so \
        --charts-sql X.sql --charts-css X.css --views schema/views.sql --out build/dist

The version is given by make (--version), which reads it once from
`#define MQLITE_VERSION` in ext/mqlite.c, the one place it is written. The
wheel holds the package (ext/python/mqlite), the extension as
mqlite/mqlite.so (the name SQLite derives the entry point from), the
report's chart SQL and CSS, views.sql (the TEMP views the charts read), and
the .dist-info files pip reads: METADATA, WHEEL (not pure: it carries a
Linux library, hence the platform tag), entry_points.txt (datasette finds
the plugin there) and RECORD (each file's sha256).
"""
import argparse
import base64
import hashlib
import os
import platform
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "ext", "python", "mqlite")
# 1980-01-01, the earliest time a zip entry can hold: the bytes do not
# depend on when or where the wheel was built.
EPOCH = (1980, 1, 1, 0, 0, 0)


def version(given):
    # (it goes into the wheel's file name and METADATA: a digit first, then
    # letters, digits and dots only, so it names no other path)
    if not re.fullmatch(r"[0-9][0-9A-Za-z.]*", given):
        sys.exit(f"build_wheel: --version expects a version such as 1.2.0, found {given!r}")
    return given


def read(path):
    with open(path, "rb") as f:
        return f.read()


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser(description="build the mqlite wheel")
    ap.add_argument("--version", required=True, help="the version (make: MQLITE_VERSION of ext/mqlite.c)")
    ap.add_argument("--so", required=True, help="the extension to ship (build/static/mqlite.so)")
    ap.add_argument("--charts-sql", required=True, help="the report's chart SQL (from scripts/mqlite-charts.sh)")
    ap.add_argument("--charts-css", required=True, help="the report's style sheet")
    ap.add_argument("--views", required=True, help="schema/views.sql (the charts read its temp.campaign_report)")
    ap.add_argument("--out", required=True, help="directory for the .whl")
    a = ap.parse_args()

    ver = version(a.version)
    tag = "py3-none-linux_" + platform.machine()
    dist = f"mqlite-{ver}.dist-info"
    files = {}
    for name in sorted(os.listdir(PKG)):
        if name.endswith(".py"):
            text = read(os.path.join(PKG, name))
            if name == "__init__.py":
                text = text.replace(b'"@VERSION@"', f'"{ver}"'.encode())
            files[f"mqlite/{name}"] = (text, 0o644)
    files["mqlite/mqlite.so"] = (read(a.so), 0o755)
    files["mqlite/charts.sql"] = (read(a.charts_sql), 0o644)
    files["mqlite/charts.css"] = (read(a.charts_css), 0o644)
    files["mqlite/views.sql"] = (read(a.views), 0o644)
    files[f"{dist}/METADATA"] = ((
        "Metadata-Version: 2.1\n"
        "Name: mqlite\n"
        f"Version: {ver}\n"
        "Summary: mqlite, the SQLite extension for lead scoring and funnel reports, with a datasette plugin\n"
        "Requires-Python: >=3.8\n"
        "\n"
        "import sqlite3, mqlite; db = sqlite3.connect('crm.db'); mqlite.load(db)\n").encode(), 0o644)
    files[f"{dist}/WHEEL"] = ((
        "Wheel-Version: 1.0\n"
        "Generator: mqlite ext/python/build_wheel.py\n"
        "Root-Is-Purelib: false\n"
        f"Tag: {tag}\n").encode(), 0o644)
    files[f"{dist}/entry_points.txt"] = (b"[datasette]\nmqlite = mqlite.datasette_plugin\n", 0o644)
    files[f"{dist}/top_level.txt"] = (b"mqlite\n", 0o644)
    record = "".join(f"{n},{digest(d)},{len(d)}\n" for n, (d, _) in files.items())
    files[f"{dist}/RECORD"] = ((record + f"{dist}/RECORD,,\n").encode(), 0o644)

    os.makedirs(a.out, exist_ok=True)
    whl = os.path.join(a.out, f"mqlite-{ver}-{tag}.whl")
    tmp = whl + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (data, mode) in files.items():   # RECORD last, as the spec asks
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    os.replace(tmp, whl)   # whole or not at all
    print(whl)


if __name__ == "__main__":
    main()
