# syntax=docker/dockerfile:1.7
# One image for every harbor-bank process, chosen by command:
#   docker run IMAGE node dist/bin/api.js          (default)
#   docker run IMAGE node dist/bin/worker.js
#   docker run IMAGE node dist/bin/consumers.js
#   docker run IMAGE node dist/bin/migrate.js
# Each runs the compiled JavaScript (npm run build), with no TypeScript loader in the process.
# The built web client is inside too, at /app/web/dist (served by the `web` target below, or by
# the Helm chart's nginx pod which copies it from this image).
#   docker build -t harbor-bank .              # app image (last stage)
#   docker build --target web -t harbor-web .  # optional nginx image with only the web assets
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- dependencies (dev included: tsc compiles the server, vite builds web) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
COPY web/package.json web/
RUN --mount=type=cache,target=/root/.npm npm ci

# ---- web assets: npm run build -w web -> web/dist ----
FROM deps AS web-build
COPY . .
RUN npm run build -w web

# ---- app: type-check gate, compile to dist/, then the runtime tree ----
FROM deps AS app-build
COPY . .
RUN npx tsc --noEmit -p tsconfig.json && npm run build && rm -rf web/node_modules/.vite .data

# ---- optional: web assets behind nginx (non-root) ----
FROM nginxinc/nginx-unprivileged:1.27-alpine AS web
COPY --from=web-build /app/web/dist /usr/share/nginx/html
HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD wget -qO- http://127.0.0.1:8080/ >/dev/null || exit 1
EXPOSE 8080

# ---- runtime (default target) ----
FROM ${NODE_IMAGE} AS runtime
# MALLOC_ARENA_MAX: glibc makes up to 8 malloc arenas per core for the worker's native threads
# (Temporal's core); 2 lowered its RSS at load in the benchmarks (bench/README.md).
# NODE_OPTIONS: most of a process's RSS is V8 heap pages, and with Node's defaults (16 MiB
# semi-spaces, an old space sized from the host's memory) each isolate (the worker has two: main
# and the workflow thread) grows far past its live data before collecting. 8 MiB semi-spaces and a
# 512 MiB old space took the worker at c = 32 from ~370-410 to ~270 MiB and the API from ~250 to
# ~150 MiB (benchmark 5); 4 MiB semi-spaces saved ~20 MiB more but cost throughput. Override it
# per deployment if a process needs more heap.
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000 \
    METRICS_PORT=9464 \
    DATA_DIR=/app/.data \
    npm_config_update_notifier=false \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=512"
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 harbor \
    && useradd --system --uid 10001 --gid harbor --home-dir /app --shell /usr/sbin/nologin harbor
COPY --from=app-build --chown=harbor:harbor /app /app
COPY --from=web-build --chown=harbor:harbor /app/web/dist /app/web/dist
RUN mkdir -p /app/.data && chown harbor:harbor /app/.data
USER 10001:10001
EXPOSE 3000 9464
# The API answers /health on API_PORT; worker and consumers serve /health with their metrics on
# METRICS_PORT. Set HEALTHCHECK_PORT to the one the process listens on (compose/Helm do).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTHCHECK_PORT||process.env.API_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/bin/api.js"]
