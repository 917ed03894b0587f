#!/usr/bin/env bash
# One command for a newcomer: installs and starts everything, then prints the URLs.
#   stack (Temporal + UI, Postgres, Redis, Kafka) → migrations → demo data → worker, consumers,
#   API and web.
# Re-running it reuses what runs and restarts what died.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
DATA="${HARBOR_DATA:-$ROOT/.data}"
mkdir -p "$DATA"

if [[ ! -d node_modules/.bin ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[start] installing npm packages"
  npm install --no-audit --no-fund
fi

bash infra/stack.sh up

bash infra/dev-env.sh
set -a
# shellcheck disable=SC1091
source "$DATA/dev.env"
set +a

node_modules/.bin/tsx bin/migrate.ts
bash infra/apps.sh up
# Demo data goes through the running API and workflows, like a real customer.
node_modules/.bin/tsx bin/seed.ts || echo "[start] demo data could not be loaded (see above); the system is up without it"

cat <<EOT

Harbor Bank is up:
  Web app       http://127.0.0.1:${WEB_PORT:-5173}
  API           http://127.0.0.1:${API_PORT:-3000}   (health: /health, ready: /ready)
  API docs      http://127.0.0.1:${API_PORT:-3000}/docs
  Temporal UI   http://127.0.0.1:8233
Logs: $DATA/logs/   Stop: npm run stack:down
EOT
if [[ -f $DATA/demo-credentials.txt ]]; then cat "$DATA/demo-credentials.txt"; fi
