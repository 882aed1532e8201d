#!/bin/sh
# Kibana saved objects as code: create or overwrite every data view in $DATA_VIEWS_DIR (one JSON body of
# Kibana's POST /api/data_views/data_view each, with "override": true, so re-running is harmless and every
# upgrade re-applies the committed definition). Run by the obskit-kibana-data-views Job after each
# install/upgrade. The elastic password reaches curl on stdin (-K -), never on its command line.
set -eu
: "${KIBANA_URL:?}" "${ELASTIC_PASSWORD:?}" "${DATA_VIEWS_DIR:=/data-views}" "${KIBANA_CA:=/kibana-ca/ca.crt}"
: "${WAIT_ATTEMPTS:=60}" "${WAIT_SECONDS:=10}"

kibana() { # kibana METHOD PATH [curl args...]: prints the body, then the HTTP status on the last line
  method=$1 path=$2
  shift 2
  printf 'user = "elastic:%s"\n' "$ELASTIC_PASSWORD" | curl -sS -K - --cacert "$KIBANA_CA" -X "$method" \
    -H 'kbn-xsrf: obskit' -w '\n%{http_code}' "$@" "$KIBANA_URL$path"
}

attempt=1
until [ "$(kibana GET /api/status -o /dev/null 2>/dev/null | tail -n 1)" = 200 ]; do
  if [ "$attempt" -ge "$WAIT_ATTEMPTS" ]; then
    echo "Kibana at $KIBANA_URL not ready after $WAIT_ATTEMPTS attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$WAIT_SECONDS"
done

status=0
for body in "$DATA_VIEWS_DIR"/*.json; do
  reply=$(kibana POST /api/data_views/data_view -H 'Content-Type: application/json' --data-binary "@$body")
  code=$(printf '%s\n' "$reply" | tail -n 1)
  if [ "$code" = 200 ]; then
    echo "data view $(basename "$body" .json): applied"
  else
    echo "data view $(basename "$body" .json): Kibana answered $code: $(printf '%s\n' "$reply" | sed '$d')" >&2
    status=1
  fi
done
exit "$status"
