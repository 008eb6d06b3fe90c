#!/bin/sh
# The OpenSSH server the service-node tests start on loopback (test/hierarchy, docs/hierarchy.md): each
# test run starts its own sshd with its own config, host key and port; nothing is enabled system-wide.
# Idempotent: installs only when /usr/sbin/sshd is missing.
set -eu
if [ -x /usr/sbin/sshd ]; then
  echo "openssh-server already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# policy-rc.d keeps the package's postinst from starting a system sshd on port 22 (containers without
# an init system would fail the start anyway; a host would get a daemon nobody asked for).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openssh-server
