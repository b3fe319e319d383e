#!/usr/bin/python3
"""ref_udf.py — ref.lua as a Python UDF through Python's sqlite3 module:
per stage, the leads and the sum of their scores. usage: ref_udf.py DB"""
import json
import sqlite3
import sys

FREE = {
    "126.com", "163.com", "aol.com", "att.net", "btinternet.com", "comcast.net", "fastmail.com",
    "free.fr", "gmail.com", "gmx.com", "gmx.de", "gmx.net", "googlemail.com", "hey.com",
    "hotmail.co.uk", "hotmail.com", "hotmail.de", "hotmail.fr", "icloud.com", "inbox.com",
    "laposte.net", "libero.it", "live.com", "mac.com", "mail.com", "mail.ru", "me.com", "msn.com",
    "naver.com", "orange.fr", "outlook.com", "proton.me", "protonmail.com", "qq.com",
    "rediffmail.com", "rocketmail.com", "seznam.cz", "t-online.de", "tutanota.com", "verizon.net",
    "web.de", "wp.pl", "yahoo.co.uk", "yahoo.com", "yahoo.fr", "yandex.com", "yandex.ru",
    "ymail.com", "zoho.com",
}


def score(revenue, employees, industry, title, attrs, email, country):
    a = json.loads(attrs) if attrs else {}
    s = 0
    if revenue is not None and revenue >= 1000000:
        s += 20
    if employees is not None and 50 <= employees <= 5000:
        s += 10
    if industry and industry.lower() in ("software", "saas", "fintech"):
        s += 10
    t = (title or "").lower()
    if "vp" in t or "chief" in t or "director" in t or "head of" in t:
        s += 15
    act = (15 if (a.get("web_visits") or 0) >= 25000 else 0) + (10 if (a.get("downloads") or 0) >= 3 else 0)
    s += min(20, act)
    if a.get("demo") is True:
        s += 30
    if email and "@" in email and email.split("@", 1)[1].lower() in FREE:
        s -= 20
    if country and country.upper() in ("US", "GB", "DE", "CA"):
        s += 5
    if a.get("phone") is True:
        s += 5
    return s


conn = sqlite3.connect(sys.argv[1])
conn.create_function("ref_score", 7, score, deterministic=True)
rows = conn.execute(
    "SELECT CASE WHEN score >= 80 THEN 'SQL' WHEN score >= 40 THEN 'MQL' ELSE 'IQL' END AS stage,"
    " count(*), sum(score) FROM (SELECT ref_score(annual_revenue, employees, industry, title, attrs,"
    " email, country) AS score FROM leads) GROUP BY stage ORDER BY stage").fetchall()
for stage, n, total in rows:
    print(f"{stage}|{n}|{float(total)}")
