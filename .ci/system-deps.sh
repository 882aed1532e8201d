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
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
