#!/bin/sh
# Make sure the Debian packages svduty needs are present: install the missing ones when we are root on Debian,
# otherwise say exactly what is missing, what it is for, and what will be skipped.
#
#   tools/system-packages.sh PURPOSE PACKAGE:PROBE...
#
# PROBE is a file or command that shows the package is there (used where dpkg is absent, e.g. on macOS or Fedora).
# Exit status is 0 either way: a missing package is reported, and the tests that need it skip (or fail under CI=true).
set -u
purpose=$1
shift
missing=""
present=""
for spec in "$@"; do
  package=${spec%%:*}
  probe=${spec#*:}
  if command -v dpkg-query >/dev/null 2>&1; then
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [ "$status" = "install ok installed" ]; then present="$present $package"; continue; fi
  else
    if [ -e "$probe" ] || command -v "$probe" >/dev/null 2>&1; then present="$present $package"; continue; fi
  fi
  missing="$missing $package"
done
if [ -z "$missing" ]; then
  echo "system packages for $purpose: all present:$present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages for $purpose: not a Debian system, so not installing:$missing"
  echo "  install their equivalents yourself; until then the $purpose that need them are skipped"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "system packages for $purpose: not root, so not installing:$missing"
  echo "  run: sudo apt-get install -y$missing   (until then the $purpose that need them are skipped)"
  exit 0
fi
log="${TMPDIR:-/tmp}/svduty-apt.log"
echo "system packages for $purpose: installing$missing (about 1-2 minutes; log in $log)..."
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y -q $missing >"$log" 2>&1; then
  echo "  package lists are stale: apt-get update, then install again"
  apt-get update -q >>"$log" 2>&1
  # shellcheck disable=SC2086
  if ! apt-get install -y -q $missing >>"$log" 2>&1; then
    echo "  could not install$missing (see $log); the $purpose that need them are skipped"
    exit 0
  fi
fi
echo "  installed$missing"
