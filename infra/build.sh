#!/usr/bin/env bash
# `npm run build`: the server processes as plain JavaScript in dist/ (tsc, with source maps), plus
# the SQL migrations they apply. Production runs `node dist/bin/<app>.js`: no TypeScript loader in
# the process (tsx keeps a loader thread and the transformed sources, about 55 MiB of the API's
# RSS: bench/README.md). `npm run api|worker|…` stay on tsx for development.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist
node_modules/.bin/tsc -p tsconfig.build.json
cp -r db/migrations dist/db/migrations
echo "[build] dist/ ready: node dist/bin/{api,worker,consumers,migrate,admin,seed}.js"
