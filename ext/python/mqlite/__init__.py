"""mqlite — the mqlite SQLite extension (lead scoring and funnel reports) for
Python's sqlite3 module, packaged the way sqlite-vec packages vec0: the wheel
carries the built extension beside this file, and two functions find and load it.

    import sqlite3, mqlite
    db = sqlite3.connect("crm.db")
    mqlite.load(db)
    db.execute("SELECT stage, reached FROM funnel()").fetchall()

The wheel also carries the datasette plugin (mqlite.datasette_plugin), which
datasette finds by its entry point once the wheel is installed beside it.
"""
import os
import sqlite3

__version__ = "@VERSION@"

__all__ = ["load", "loadable_path", "LoadError", "__version__"]


class LoadError(RuntimeError):
    """This Python's sqlite3 module cannot load extensions at all."""


def loadable_path():
    """The path of the extension inside the package, without its ".so", as
    sqlite-vec's loadable_path() is: SQLite adds the suffix, and derives the
    entry point (sqlite3_mqlite_init) from the file's name."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "mqlite")


def load(conn):
    """Loads mqlite into conn (a sqlite3.Connection). Extension loading is
    switched on only for the call and off again after, since a connection
    that may load extensions lets any SQL it runs call load_extension()
    (SQLite's own advice). sqlite3 has no way to ask whether it was on, so it
    is left off, the state every connection starts in."""
    if not hasattr(conn, "enable_load_extension"):
        raise LoadError(
            "mqlite.load: this Python's sqlite3 module was built without extension loading "
            "(no enable_load_extension); use Debian's /usr/bin/python3, or a Python built "
            "with --enable-loadable-sqlite-extensions")
    try:
        conn.enable_load_extension(True)
    except sqlite3.Error as e:
        raise LoadError(
            f"mqlite.load: this Python's SQLite refuses to load extensions ({e}); use Debian's "
            "/usr/bin/python3, or a Python whose SQLite allows it") from e
    try:
        conn.load_extension(loadable_path())
    finally:
        conn.enable_load_extension(False)
