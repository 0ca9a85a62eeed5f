#!/usr/bin/env bash
# Prints the path of a minimal Debian root with systemd, made by debootstrap on first use and cached
# outside the repository under ${XDG_CACHE_HOME:-~/.cache}/enginex-it/, keyed by suite and package
# list, so later runs reuse it (the root is copied before each boot, so the cache stays pristine).
# python3, python3-apt and ansible-core are in it for the Ansible role's test (packaging/deploy/ansible): the playbook runs
# on the booted machine itself (ansible-playbook -c local), and any Ansible-managed host needs python3
# (python3-cffi-backend: debootstrap does not resolve the virtual package python3-cryptography needs);
# libpam-systemd for the per-user install's test: a user's systemd manager (user@UID.service) needs it.
#   packaging/src/it/debian-root.sh        (needs root, debootstrap and network access to a Debian mirror)
set -euo pipefail
suite=${ENGINEX_IT_SUITE:-bookworm}
mirror=${ENGINEX_IT_MIRROR:-http://deb.debian.org/debian}
packages=systemd,systemd-sysv,dbus,procps,ca-certificates,libpam-systemd,python3,python3-apt,python3-cffi-backend,ansible-core
key=$(printf '%s %s' "$suite" "$packages" | sha256sum | cut -c1-12)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/enginex-it
root=$cache/debian-$suite-$key
mkdir -p "$cache"
# Two test runs at once (CI beside a developer's run) must not debootstrap into the same folder: the
# first makes the root while the second waits for it.
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$root/.complete" ]; then
  command -v debootstrap >/dev/null || { echo "error: debootstrap is missing; apt-get install debootstrap systemd-container" >&2; exit 1; }
  rm -rf "$root.partial"
  mkdir -p "$cache"
  echo "==> debootstrap $suite into $root (once; cached)" >&2
  debootstrap --variant=minbase --include="$packages" "$suite" "$root.partial" "$mirror" >&2
  # No getty on the console and no network config: the container shares the host network.
  rm -f "$root.partial/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
  echo enginex-it > "$root.partial/etc/hostname"
  rm -rf "$root"
  mv "$root.partial" "$root"
  touch "$root/.complete"
fi
printf '%s\n' "$root"
