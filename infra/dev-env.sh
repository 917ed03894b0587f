#!/usr/bin/env bash
# Writes .data/dev.env once per checkout: .env.example's values with freshly generated secrets
# (never committed). Sourced by infra/start.sh, infra/apps.sh and infra/test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DATA="${HARBOR_DATA:-$ROOT/.data}"
mkdir -p "$DATA"
if [[ ! -f $DATA/dev.env ]]; then
  {
    grep -E '^[A-Z_]+=' "$ROOT/.env.example" |
      grep -vE '^(JWT_SECRET|DATA_ENCRYPTION_KEY|TEMPORAL_API_KEY|GROQ_API_KEY|GROQ_BASE_URL|SMTP_URL|SMS_GATEWAY_URL|OTEL_EXPORTER_OTLP_ENDPOINT)='
    echo "JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
    echo "DATA_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
  } >"$DATA/dev.env"
  chmod 600 "$DATA/dev.env"
fi
