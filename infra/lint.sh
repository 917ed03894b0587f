#!/usr/bin/env bash
# lint:infra — render the Helm chart and validate every manifest against the Kubernetes JSON
# schemas; check the OTel collector config and the Grafana dashboard parse.
#
# Tools (pinned, built once into ~/.cache/harbor-bank/bin from the Go module proxy):
#   helm        helm.sh/helm/v3/cmd/helm@v3.22.0
#   kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
# Schemas: kubeconform normally downloads them from GitHub, which this environment cannot reach.
# They come instead from the PyPI package `kubernetes-validate` (pinned), whose wheel ships the
# Kubernetes JSON schemas per version ("vX.Y.0-local[-strict]/<kind>-<group>-<ver>.json", with
# $refs into a _definitions.json beside them). The wheel is fetched with pip (no install), the
# chosen version unpacked into the cache once with its $refs rewritten to file:// URLs, and
# kubeconform reads them through -schema-location.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${HARBOR_CACHE:-$HOME/.cache/harbor-bank}"
BIN="$CACHE/bin"
HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
K8S_VALIDATE_VERSION=1.37.0
KUBE_VERSION="${KUBE_VERSION:-1.31.0}"
SCHEMAS="$CACHE/k8s-schemas/$K8S_VALIDATE_VERSION-r2"
CHART="$ROOT/infra/helm/harbor-bank"
mkdir -p "$BIN"

log() { printf '[lint:infra] %s\n' "$*"; }

ensure_go_tool() { # name module version
  local name=$1 module=$2 version=$3 stamp="$BIN/$1.version"
  if [[ -x "$BIN/$name" && "$(cat "$stamp" 2>/dev/null)" == "$version" ]]; then return; fi
  command -v go >/dev/null || { echo "go is required to build $name" >&2; exit 1; }
  log "building $name $version from the Go module proxy (first run only)"
  GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "$module@$version"
  echo "$version" >"$stamp"
}

ensure_schemas() {
  [[ -f "$SCHEMAS/.complete" ]] && return
  log "fetching Kubernetes JSON schemas (PyPI kubernetes-validate==$K8S_VALIDATE_VERSION)"
  local tmp; tmp="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "kubernetes-validate==$K8S_VALIDATE_VERSION"
  rm -rf "$SCHEMAS"; mkdir -p "$SCHEMAS"
  python3 - "$tmp"/kubernetes_validate-*.whl "$SCHEMAS" "$KUBE_VERSION" <<'PY'
import sys, zipfile, os
whl, out, kube = sys.argv[1], sys.argv[2], sys.argv[3]
prefix = 'kubernetes_validate/kubernetes-json-schema/'
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if not n.startswith(prefix) or n.endswith('/'):
            continue
        rel = n[len(prefix):]
        # keep only the version we validate against (both strict and non-strict)
        if not rel.startswith(f'v{kube}-local'):
            continue
        dest = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        data = z.read(n).decode('utf-8')
        # The schemas $ref "/api/_definitions.json#…" (a server path); point them at the local
        # file so kubeconform's resolver can load it.
        defs = 'file://' + os.path.join(os.path.abspath(os.path.dirname(dest)), '_definitions.json')
        data = data.replace('"/api/_definitions.json#', '"' + defs + '#')
        with open(dest, 'w', encoding='utf-8') as dst:
            dst.write(data)
PY
  [[ -f "$SCHEMAS/v$KUBE_VERSION-local-strict/deployment-apps-v1.json" ]] || {
    echo "no schemas for Kubernetes $KUBE_VERSION in kubernetes-validate $K8S_VALIDATE_VERSION" >&2; exit 1; }
  touch "$SCHEMAS/.complete"
  rm -rf "$tmp"
}

ensure_go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
ensure_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
ensure_schemas

# Values that make the default values.yaml renderable (it has no secrets on purpose).
DEV_SET=(--set postgres.url=postgres://bank:bank@postgres:5432/bank
         --set redis.url=redis://redis:6379
         --set secrets.JWT_SECRET=dev-only-secret-dev-only-secret-0000
         --set secrets.DATA_ENCRYPTION_KEY=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=)

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

log "helm lint"
"$BIN/helm" lint "$CHART" --kube-version "$KUBE_VERSION" "${DEV_SET[@]}" >/dev/null
"$BIN/helm" lint "$CHART" --kube-version "$KUBE_VERSION" -f "$CHART/values-production.yaml" >/dev/null

log "helm template (values.yaml, values-production.yaml, everything off but the api)"
"$BIN/helm" template hb "$CHART" --kube-version "$KUBE_VERSION" "${DEV_SET[@]}" >"$OUT/default.yaml"
"$BIN/helm" template hb "$CHART" --kube-version "$KUBE_VERSION" -f "$CHART/values-production.yaml" >"$OUT/production.yaml"
"$BIN/helm" template hb "$CHART" --kube-version "$KUBE_VERSION" "${DEV_SET[@]}" \
  --set worker.enabled=false,consumers.enabled=false,web.enabled=false,migrations.enabled=false,api.hpa.enabled=false \
  --set temporal.apiKey=key-123 >"$OUT/minimal.yaml"

log "kubeconform (Kubernetes $KUBE_VERSION, strict)"
"$BIN/kubeconform" -strict -summary -kubernetes-version "$KUBE_VERSION" \
  -schema-location "$SCHEMAS/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
  "$OUT/default.yaml" "$OUT/production.yaml" "$OUT/minimal.yaml"

# Structural checks kubeconform cannot express: probes, resources, non-root, PDB and HPA present.
log "policy checks"
node - "$OUT/default.yaml" "$OUT/production.yaml" <<'JS'
const fs = require('node:fs');
const YAML = require('yaml');
let failures = 0;
for (const file of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean);
  const kinds = (k) => docs.filter((d) => d.kind === k);
  const fail = (msg) => { failures++; console.error(`${file}: ${msg}`); };
  for (const dep of kinds('Deployment')) {
    const spec = dep.spec.template.spec;
    if (!spec.securityContext?.runAsNonRoot) fail(`${dep.metadata.name}: pod not runAsNonRoot`);
    if (dep.spec.strategy?.type !== 'RollingUpdate') fail(`${dep.metadata.name}: no RollingUpdate`);
    for (const c of spec.containers) {
      if (!c.livenessProbe || !c.readinessProbe) fail(`${dep.metadata.name}/${c.name}: missing probes`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) fail(`${dep.metadata.name}/${c.name}: missing resource requests`);
    }
    const sel = JSON.stringify(dep.spec.selector.matchLabels);
    if (!kinds('PodDisruptionBudget').some((p) => JSON.stringify(p.spec.selector.matchLabels) === sel)) fail(`${dep.metadata.name}: no PodDisruptionBudget`);
  }
  for (const name of ['api', 'worker']) {
    if (!kinds('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name.endsWith(`-${name}`))) fail(`no HPA for ${name}`);
  }
  for (const name of ['api', 'worker', 'consumers', 'web']) {
    if (!kinds('Deployment').some((d) => d.metadata.name.endsWith(`-${name}`))) fail(`no Deployment for ${name}`);
  }
  if (!kinds('ConfigMap').length || !(kinds('Secret').length || file.includes('production'))) fail('ConfigMap/Secret missing');
}
if (failures) process.exit(1);
console.log('policy checks passed');
JS

log "otel collector config and grafana dashboard parse"
node -e "
const fs=require('node:fs'),YAML=require('yaml');
const c=YAML.parse(fs.readFileSync('$ROOT/infra/otel/collector.yaml','utf8'));
for (const p of Object.values(c.service.pipelines)) for (const k of ['receivers','processors','exporters']) for (const n of p[k]||[]) if(!(n in c[k])) throw new Error('collector: '+k+' '+n+' not defined');
JSON.parse(fs.readFileSync('$ROOT/infra/grafana/harbor-bank.json','utf8'));
console.log('collector + dashboard ok');"
log "ok"
