#!/bin/sh
# The peers `npm run bench` compares hwctl with (Debian packages; idempotent: installs only what is missing).
#   python3-sushy  OpenStack's Redfish library, run as a 64-thread pool (bench/sushy-pool.py)
#   redfishtool    DMTF's CLI, run under xargs -P
set -eu
missing=""
for pkg in python3-sushy redfishtool; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
  echo "bench dependencies already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is wanted
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
