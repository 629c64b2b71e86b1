"""Rewrite tests/data/bad/*.expected from what lianxue reports now. Review the diff before committing!

Run: .venv/bin/python tests/data/regen.py
"""

from pathlib import Path

from lianxue_core import PluginHost, orgfile
from lianxue_core.errors import InputError

BAD = Path(__file__).parent / "bad"
TRACKS = ["organs", "town", "village", "community", "two-new"]
# The options of the installed plugins (the built-in tracks): what `lianxue validate` checks.
OPTIONS = PluginHost(environ={}).option_schema()

for path in sorted(BAD.glob("*.toml")):
    try:
        orgfile.load(path, tracks=TRACKS, options=OPTIONS)
    except InputError as exc:
        lines = [str(p).replace(str(path), "{file}", 1) for p in exc.problems]
    else:
        raise SystemExit(f"{path} loads without problems")
    path.with_suffix(".expected").write_text("\n".join(lines) + "\n", encoding="utf-8")
