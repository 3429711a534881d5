#!/usr/bin/env bash
# Prometheus for tests: the alerting rules checked and unit-tested with
# promtool, and the prometheus binary that cmd/dvcindex's
# TestPrometheusScrapesServe runs as a private server of its own (its own
# data dir and port; the tests never use the system service, its port 9090
# or its data dir).
#
#   scripts/prometheus-test.sh install|check|version
#
#   install  installs Debian's prometheus package (prometheus, promtool) when
#            either binary is missing; needs root
#   check    promtool check config docs/deploy/prometheus.yml (the scrape
#            snippet and, through it, alerts.yml), promtool check rules
#            docs/deploy/alerts.yml, then promtool test rules
#            docs/deploy/alerts_test.yml (every alert, firing and not)
#   version  the versions of prometheus and promtool
#
# Environment: PROMETHEUS (default /usr/bin/prometheus), PROMTOOL
# (/usr/bin/promtool).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
prometheus=${PROMETHEUS:-/usr/bin/prometheus}
promtool=${PROMTOOL:-/usr/bin/promtool}

install() {
  if [ -x "$prometheus" ] && [ -x "$promtool" ]; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "prometheus is not installed; run as root or: apt-get install -y prometheus" >&2
    exit 1
  fi
  echo "installing prometheus (prometheus, promtool) from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Its postinst may try to start the system service (port 9090,
  # /var/lib/prometheus); policy-rc.d may refuse. We never use it.
  apt-get install -y -qq prometheus >/dev/null
}

need() {
  if [ ! -x "$promtool" ]; then
    echo "promtool is missing: scripts/prometheus-test.sh install (as root), or apt-get install -y prometheus" >&2
    exit 1
  fi
}

check() {
  need
  "$promtool" check config "$here/docs/deploy/prometheus.yml"
  "$promtool" check rules "$here/docs/deploy/alerts.yml"
  # The test file names its rule file relative to itself.
  (cd "$here/docs/deploy" && "$promtool" test rules alerts_test.yml)
}

version() {
  need
  "$prometheus" --version 2>&1 | head -n 1
  "$promtool" --version 2>&1 | head -n 1
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  version) version ;;
  *) echo "usage: $0 install|check|version" >&2; exit 2 ;;
esac
