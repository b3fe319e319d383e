// host_node.js — the README's examples through Node with better-sqlite3@12
// (its own SQLite, 3.53 here, not Debian's), loading mqlite the way its users
// do: db.loadExtension(). Prints each case's id and rows in the one rendering
// of tests/hosts/hostlib.py, for tests/hosts/test_hosts.sh to compare.
//
//   node tests/hosts/host_node.js MODULE_DIR DB EXT STEPS_JSON
//
// safeIntegers: INTEGERs arrive as BigInt, REALs as Number, so the two are
// told apart exactly (and 64-bit integers stay exact), as in the other hosts.
'use strict';
const fs = require('fs');
const path = require('path');

const [moduleDir, dbPath, ext, stepsFile] = process.argv.slice(2);
if (!stepsFile) {
    console.error('usage: node host_node.js MODULE_DIR DB EXT STEPS_JSON');
    process.exit(2);
}
const Database = require(path.resolve(moduleDir, 'better-sqlite3'));

// printf's %.15g, which the other hosts use for a REAL.
function g15(v) {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (v === 0) return Object.is(v, -0) ? '-0' : '0';
    const e = Number(v.toExponential(14).split('e')[1]);
    if (e < -4 || e >= 15) {
        let [m, x] = v.toExponential(14).split('e');
        if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
        const n = Math.abs(Number(x));
        return m + 'e' + (x.startsWith('-') ? '-' : '+') + (n < 10 ? '0' : '') + n;
    }
    let s = v.toFixed(Math.max(0, 14 - e));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    return s;
}

function field(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return g15(v);
    if (Buffer.isBuffer(v)) return v.toString('utf8');
    return String(v);
}

const db = new Database(dbPath);
db.defaultSafeIntegers(true);
db.loadExtension(ext);
const out = [];
for (const st of JSON.parse(fs.readFileSync(stepsFile, 'utf8'))) {
    if ('print' in st) {
        out.push(st.print);
    } else if ('read' in st) {
        db.exec(fs.readFileSync(st.read, 'utf8'));
    } else {
        try {
            const stmt = db.prepare(st.sql);
            if (stmt.reader) {
                for (const r of stmt.raw(true).all()) out.push(r.map(field).join('|'));
            } else {
                stmt.run();
            }
        } catch (e) {
            out.push('error: ' + e.message);
        }
    }
}
db.close();
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
