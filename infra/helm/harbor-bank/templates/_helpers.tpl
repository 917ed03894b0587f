{{- define "harbor.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "harbor.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "harbor.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "harbor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: harbor-bank
{{- end -}}

{{/* selector labels: include "harbor.selector" (dict "root" $ "component" "api") */}}
{{- define "harbor.selector" -}}
app.kubernetes.io/name: {{ include "harbor.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "harbor.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "harbor.secretName" -}}
{{- default (printf "%s-secrets" (include "harbor.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "harbor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "harbor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* env shared by every app container */}}
{{- define "harbor.envFrom" -}}
- configMapRef:
    name: {{ include "harbor.fullname" . }}-config
- secretRef:
    name: {{ include "harbor.secretName" . }}
{{- end -}}

{{- define "harbor.temporalTlsMount" -}}
{{- if .Values.temporal.mtls.enabled }}
- name: temporal-tls
  mountPath: {{ .Values.temporal.mtls.mountPath }}
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /app/.data
{{- end -}}

{{- define "harbor.volumes" -}}
{{- if .Values.temporal.mtls.enabled }}
- name: temporal-tls
  secret:
    secretName: {{ required "temporal.mtls.existingSecret is required with mTLS" .Values.temporal.mtls.existingSecret }}
{{- end }}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{- end -}}

{{- define "harbor.podScheduling" -}}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .root.Values.topologySpreadConstraints }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "harbor.selector" (dict "root" .root "component" .component) | nindent 8 }}
{{- end }}
{{- end -}}
