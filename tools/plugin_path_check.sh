#!/usr/bin/env bash
# The plugin author's path from a fresh machine (docs/writing-plugins.md), run for real:
#   1. `python -m build` makes lianxue's sdist and wheel (the wheel is built from the sdist, so both are complete);
#   2. a fresh virtual environment gets the wheel (`pip install lianxue-*.whl`; its dependencies come from the index);
#   3. `lianxue plugin new` scaffolds a plugin, which installs with its test extra against that wheel
#      (no package index carries lianxue) and passes its own tests.
# Everything happens under one `mktemp -d` folder, removed on exit. Needs the index (PyPI) for the dependencies.
#
# Usage: tools/plugin_path_check.sh   (PYTHON: an interpreter with `build`, default .venv/bin/python;
#                                      BASE_PYTHON: the interpreter of the fresh environment, default python3)
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-.venv/bin/python}"
base_python="${BASE_PYTHON:-python3}"
repo="$(pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The scaffold's tests must see neither this shell's plugin switches nor a calling pytest's settings.
for name in $(compgen -e | grep -E '^(LIANXUE_|PYTEST_)' || true); do
    unset "$name"
done
pip_quiet=(--quiet --disable-pip-version-check)

run_logged() {  # run a command, showing its output only when it fails
    local log="$work/step.log"
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "plugin_path_check: failed: $*" >&2
        return 1
    fi
}

version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"

echo "-- python -m build: lianxue $version's sdist and wheel"
run_logged "$python" -m build --outdir "$work/dist" "$repo"
wheel="$work/dist/lianxue-$version-py3-none-any.whl"
sdist="$work/dist/lianxue-$version.tar.gz"
test -f "$wheel" || { echo "plugin_path_check: no $(basename "$wheel") in $(ls "$work/dist")" >&2; exit 1; }
test -f "$sdist" || { echo "plugin_path_check: no $(basename "$sdist") in $(ls "$work/dist")" >&2; exit 1; }
ls "$work/dist"

echo "-- a fresh environment: pip install $(basename "$wheel")"
run_logged "$base_python" -m venv "$work/venv"
bin="$work/venv/bin"
run_logged "$bin/pip" install "${pip_quiet[@]}" "$wheel"
if "$bin/python" -c 'import caldav' 2>/dev/null; then
    echo "plugin_path_check: caldav was installed without the lianxue[caldav] extra" >&2
    exit 1
fi

mkdir "$work/author"
cd "$work/author"
echo "-- lianxue run (the bundled example county, from the wheel's package data)"
run_logged "$bin/lianxue" run --year 2026 --out feeds
test -n "$(ls feeds/*.ics)"

echo "-- lianxue plugin new path-check; pip install -e './lianxue-path-check[test]'"
"$bin/lianxue" plugin new path-check --title 路径检查
run_logged "$bin/pip" install "${pip_quiet[@]}" -e './lianxue-path-check[test]'
# lianxue must still be the wheel installed above, not anything from an index.
"$bin/python" - "$version" <<'EOF'
import importlib.metadata
import json
import sys

dist = importlib.metadata.distribution("lianxue")
direct = dist.read_text("direct_url.json")
assert dist.version == sys.argv[1], dist.version
assert direct is not None and json.loads(direct)["url"].endswith(".whl"), direct
print(f"lianxue {dist.version} from {json.loads(direct)['url'].rsplit('/', 1)[-1]}")
EOF
listed="$("$bin/lianxue" plugins)"
grep -q "lianxue-path-check 0.1.0" <<<"$listed" || { echo "$listed" >&2; exit 1; }
grep -q "path-check（路径检查）" <<<"$listed" || { echo "$listed" >&2; exit 1; }
listed="$("$bin/lianxue" obligations --track path-check)"
grep -q "path-check.monthly-study" <<<"$listed" || { echo "$listed" >&2; exit 1; }

echo "-- the scaffold's own tests"
"$bin/python" -m pytest -q -p no:cacheprovider lianxue-path-check
echo "plugin_path_check: OK"
