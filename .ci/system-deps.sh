#!/usr/bin/env bash
# Installs the real servers and tools the tests start: Prometheus + promtool, Alertmanager + amtool,
# headless Chromium. Only when a binary is missing; apt-get, non-interactive.
set -euo pipefail
need=()
# Debian splits venv/ensurepip out of python3; `make test` creates a virtual environment
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "obskit: missing ${need[*]} and this system has no apt-get." >&2
  echo "        Install Prometheus (with promtool), Alertmanager (with amtool) and Chromium from your" >&2
  echo "        package manager, put them on PATH, and run 'make test' again." >&2
  exit 2
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "obskit: installing ${need[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt or dpkg (unattended-upgrades, a second `make test`) may hold the locks: wait for it instead of
# failing at once. DPkg::Lock::Timeout covers dpkg's lock; the retry covers apt's list lock during update.
apt_get() {
  local tries=0 log
  log=$(mktemp)
  until $sudo apt-get -o DPkg::Lock::Timeout=600 "$@" 2>"$log"; do
    if ! grep -qiE "could not get lock|unable to acquire|is another process using it" "$log" || [ $tries -ge 60 ]; then
      cat "$log" >&2; rm -f "$log"; return 1
    fi
    tries=$((tries + 1))
    echo "obskit: apt is busy (another process holds its lock); waiting 10 s ($tries/60)" >&2
    sleep 10
  done
  rm -f "$log"
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
