#!/usr/bin/env bash
# What ./test needs beyond a JDK, made ready so that README's one test command does all the set-up on a
# fresh machine: PostgreSQL answering on ENGINEX_TEST_PG (started if installed and stopped), headless
# Chromium and its driver for the dashboard's browser tests, keyctl (keyutils) for the agent vault's kernel
# keyring tests, GnuPG, apt-ftparchive and dpkg-deb for the hub's package repositories
# (PackagesCommandIT), HAProxy in front of the hub nodes of the cluster's end-to-end test (ClusterE2EIT)
# and of the PROXY protocol test (ProxyProtocolIT), nginx for docs/DEPLOY.md's nginx configuration (NginxIT),
# a virtual X server, a D-Bus session bus and dbus-monitor, notify-send, a notification daemon, xmessage and
# xdg-open for the desktop session's end-to-end test (DesktopSessionE2EIT),
# and, unless the installers are left out (-DskipPackages), the tools that build, check (lintian, rpmlint)
# and boot-test them. As root on Debian or Ubuntu, what is missing is installed
# with apt-get and said; otherwise the error names what to install.
#   scripts/test-prereqs.sh [--no-packages]
set -euo pipefail
cd "$(dirname "$0")/.."
packages=yes
[ "${1:-}" = "--no-packages" ] && packages=no

# command-or-check|apt package, one per line
needs="chromium|chromium
chromedriver|chromium-driver
keyctl|keyutils
node|nodejs
npm|npm
gpg|gnupg
gpgv|gpgv
apt-ftparchive|apt-utils
dpkg-deb|dpkg
haproxy|haproxy
nginx|nginx
Xvfb|xvfb
dbus-daemon|dbus
dbus-monitor|dbus-bin
notify-send|libnotify-bin
notification-daemon|notification-daemon
xmessage|x11-utils
xdg-open|xdg-utils"
if [ "$packages" = yes ]; then
  needs="$needs
systemd-nspawn|systemd-container
debootstrap|debootstrap
rpmbuild|rpm
lintian|lintian
rpmlint|rpmlint
help2man|help2man
dpkg-shlibdeps|dpkg-dev
wixl|wixl
msiinfo|msitools
python3-yaml|python3-yaml
createrepo_c|createrepo-c
dnf|dnf
curl|curl
jq|jq"
fi

present() {
  case "$1" in
    python3-yaml) python3 -c 'import yaml' 2>/dev/null ;;
    notification-daemon) [ -x /usr/lib/notification-daemon/notification-daemon ] ;;
    # Debian installs them in /usr/sbin, which is not on a non-root user's PATH.
    haproxy|nginx) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
while IFS='|' read -r check pkg; do
  present "$check" || missing+=("$pkg")
done <<<"$needs"

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${missing[*]} (what ./test needs; see README)"
    # Another apt (unattended upgrades, a second checkout's ./test) may hold the lock: wait for it.
    apt=(apt-get -o DPkg::Lock::Timeout=600)
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${missing[@]}" </dev/null \
      || { "${apt[@]}" update -q </dev/null \
        && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${missing[@]}" </dev/null; }
    # Debian starts the nginx service it installs, serving its welcome page on port 80; the tests run
    # their own nginx, so the one installed only for them is stopped and left disabled.
    if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1 \
      && systemctl is-active --quiet nginx 2>/dev/null; then
      echo "==> stopping and disabling the nginx service just installed (the tests start their own)"
      systemctl disable --now nginx
    fi
  else
    cat >&2 <<MSG
error: ./test needs ${missing[*]}, which are not installed.
  Fix: sudo apt-get install ${missing[*]}   (or run ./test as root, which installs them)
$( [ "$packages" = yes ] && echo "  Or leave the installers' tests out: ./test -DskipPackages" )
MSG
    exit 1
  fi
fi

# The MCP end-to-end test's client (the official MCP TypeScript SDK), from the npm registry at the
# versions its committed lockfile names; the test itself downloads nothing.
mcp_client=e2e/src/test/mcp-client
if [ ! -d "$mcp_client/node_modules/@modelcontextprotocol/sdk" ]; then
  echo "==> installing the MCP test client's packages (npm ci in $mcp_client)"
  npm ci --prefix "$mcp_client" --no-audit --no-fund
fi
# The update repository's end-to-end test's client (tuf-js, an independent TUF client), the same way.
tuf_client=e2e/src/test/tuf-client
if [ ! -d "$tuf_client/node_modules/tuf-js" ]; then
  echo "==> installing the TUF test client's packages (npm ci in $tuf_client)"
  npm ci --prefix "$tuf_client" --no-audit --no-fund
fi
# axe-core, the accessibility rules the dashboard's browser tests run on every page, the same way: the
# version and sha512 integrity its committed lockfile names, checked by npm ci (the minified file is not
# committed).
axe_dir=e2e/src/test/axe
if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
  echo "==> installing axe-core for the dashboard's accessibility checks (npm ci in $axe_dir)"
  npm ci --prefix "$axe_dir" --no-audit --no-fund
fi

# PostgreSQL: started when it is installed here but stopped (as root); else check-postgres.sh says how.
hostport=${ENGINEX_TEST_PG:-127.0.0.1:5432}
if ! (exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null \
  && [ "$(id -u)" -eq 0 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "==> starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
fi
scripts/check-postgres.sh
