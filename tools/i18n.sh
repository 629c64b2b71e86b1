#!/usr/bin/env bash
# lianxue's message catalogues (gettext, Babel): msgids are the English strings, zh_CN is the default language.
#
#   tools/i18n.sh extract   # the marked strings -> src/lianxue_core/locale/lianxue.pot
#   tools/i18n.sh update    # merge the .pot into every locale/<lang>/LC_MESSAGES/lianxue.po (new msgids empty)
#   tools/i18n.sh compile   # every .po -> .mo (committed: the package and the wheel carry them)
#   tools/i18n.sh init LANG # a new language's .po from the .pot
#   tools/i18n.sh all       # extract, update, compile (the usual after changing strings; then translate and compile)
#
# The built-in tracks (plugins/lianxue_tracks, in the same wheel) share the catalogue: their options' meanings.
# tests/test_i18n.py fails when a marked string is missing from the .pot, has no zh_CN translation, or the .mo
# is older than its .po. Needs Babel (`pip install -e '.[test]'`). PYBABEL: the pybabel to use.
set -euo pipefail
cd "$(dirname "$0")/.."

pybabel="${PYBABEL:-.venv/bin/pybabel}"
command -v "$pybabel" >/dev/null || pybabel=pybabel
locale=src/lianxue_core/locale
pot="$locale/lianxue.pot"

extract() {
    "$pybabel" extract -F babel.cfg --project lianxue --no-location --sort-output --omit-header \
        -k N_ -o "$pot" src/lianxue_core plugins/lianxue_tracks
}
update() { "$pybabel" update -D lianxue -i "$pot" -d "$locale" --no-fuzzy-matching; }
compile() { "$pybabel" compile -D lianxue -d "$locale" --statistics; }

case "${1:-all}" in
    extract) extract ;;
    update) update ;;
    compile) compile ;;
    init) "$pybabel" init -D lianxue -i "$pot" -d "$locale" -l "${2:?usage: tools/i18n.sh init LANG}" ;;
    all) extract && update && compile ;;
    *) echo "usage: tools/i18n.sh [extract|update|compile|init LANG|all]" >&2; exit 2 ;;
esac
