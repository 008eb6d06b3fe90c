#!/bin/sh
# The tools test/cli/man.test.ts renders the man pages with (groff, man). The test skips when they are
# absent; run this (as root, Debian/Ubuntu) to have it run.
set -e
command -v groff >/dev/null 2>&1 && command -v man >/dev/null 2>&1 && exit 0
apt-get update -qq
apt-get install -y -qq --no-install-recommends groff-base man-db
