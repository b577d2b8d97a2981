# shellcheck shell=bash
# Shared helpers for the scripts in bin/ (sourced, not run). Bash only.
# Every script cds to the repository root before sourcing this file.

VENV="${VIKNO_VENV:-.venv}"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root and sudo is not installed; run it as root once."
    fi
}

# Install Debian/Ubuntu packages without questions. The package lists are refreshed only
# when the first attempt fails (a fresh image has none; a stale one may 404).
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your package manager."
    say "Installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q --no-install-recommends "$@" </dev/null >/dev/null 2>&1 || {
        as_root apt-get update -q </dev/null >/dev/null
        as_root apt-get install -y -q --no-install-recommends "$@" </dev/null >/dev/null
    }
}

# Find a Python 3.11+ interpreter: $PYTHON, python3, then versioned names.
find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.14 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die "Python 3.11 or newer is needed (try: apt-get install python3)."
}

# Hash of the files that define an environment; a stamp in the venv remembers it so that a
# second `make run` / `make test` skips pip entirely.
lock_hash() { cat "$@" | sha256sum | cut -c1-16; }

# ensure_venv prod|dev: create .venv if needed and install the pinned lock into it.
ensure_venv() {
    local kind="$1" python stamp want files
    if [ -x "$PY" ] && ! "$PY" -c 'import sys' >/dev/null 2>&1; then
        say "$VENV is broken (its Python does not start); recreating it"
        rm -rf "$VENV"
    fi
    if [ ! -x "$PY" ]; then
        python="$(find_python)"
        if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
            local ver
            ver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
            apt_install "python$ver-venv" 2>/dev/null || apt_install python3-venv
        fi
        say "Creating $VENV with $("$python" --version)"
        "$python" -m venv "$VENV"
    fi
    files=(requirements.txt pyproject.toml)
    [ "$kind" = dev ] && files+=(requirements-dev.txt)
    want="$(lock_hash "${files[@]}")"
    stamp="$VENV/.vikno-$kind"
    if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    say "Installing the pinned dependencies ($kind) into $VENV"
    local lock=requirements.txt
    [ "$kind" = dev ] && lock=requirements-dev.txt
    # (The grep only hides pip's noise about unreachable extra index directories.)
    "$PY" -m pip install -q -r "$lock" 2> >(grep -v 'is ignored: it is neither' >&2)
    "$PY" -m pip install -q --no-deps -e . 2> >(grep -v 'is ignored: it is neither' >&2)
    echo "$want" >"$stamp"
    if [ "$kind" = dev ]; then
        # The dev lock contains the runtime lock.
        lock_hash requirements.txt pyproject.toml >"$VENV/.vikno-prod"
    fi
}

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; Playwright's
# own browser download (`playwright install`) is never used. DejaVu gives the Cyrillic glyphs
# that the screenshots need.
CHROMIUM="${VIKNO_CHROMIUM:-/usr/bin/chromium}"
ensure_chromium() {
    [ -x "$CHROMIUM" ] || apt_install chromium fonts-dejavu-core
    [ -x "$CHROMIUM" ] || die "Chromium is still missing at $CHROMIUM (set VIKNO_CHROMIUM to another path)."
}

# GNU gettext's msgfmt is what `compilemessages` calls.
ensure_msgfmt() {
    command -v msgfmt >/dev/null 2>&1 || apt_install gettext
    command -v msgfmt >/dev/null 2>&1 || die "msgfmt (GNU gettext) is still missing."
}

# Compile the .po catalogs of the project (never the ones inside the venv).
compile_messages() {
    ensure_msgfmt
    if [ -z "$(find . \( -path "./$VENV" -o -path ./.git -o -path ./var -o -path ./node_modules \) -prune \
        -o -name '*.po' -print -quit)" ]; then
        say "No translation catalogs (*.po) yet; nothing to compile"
        return 0
    fi
    say "Compiling translations"
    "$PY" manage.py compilemessages -v0 --ignore="$VENV" --ignore=.git --ignore=var --ignore=node_modules
}

# Where SQLite, media and collected static files live (see vikno/settings.py).
# (static/ is STATIC_ROOT: collectstatic fills it; WhiteNoise warns when it is missing.)
ensure_var_dir() { mkdir -p "${VIKNO_VAR_DIR:-var}/static"; }
