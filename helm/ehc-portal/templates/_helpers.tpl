{{/* Names and labels shared by every object. */}}
{{- define "ehc-portal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ehc-portal.fullname" -}}
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

{{- define "ehc-portal.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "ehc-portal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: pass (dict "root" $ "component" "web"). */}}
{{- define "ehc-portal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ehc-portal.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ehc-portal.serviceAccountName" -}}
{{- default (include "ehc-portal.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "ehc-portal.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Every host the portal answers: the platform host, the councils' wildcard and their own domains. */}}
{{- define "ehc-portal.hosts" -}}
{{- $hosts := list .Values.platformHost (printf "*.%s" .Values.wildcardDomain) -}}
{{- range .Values.customDomains }}{{ $hosts = append $hosts . }}{{ end -}}
{{- $hosts | uniq | toJson -}}
{{- end -}}

{{/*
The non-secret settings, as a map: the ConfigMap's data, and the migration Job's env (a hook runs
before the release's ConfigMap exists on a first install). Django's ALLOWED_HOSTS takes ".example.org"
for a domain and its subdomains.
*/}}
{{- define "ehc-portal.settings" -}}
{{- $allowed := list .Values.platformHost (printf ".%s" .Values.wildcardDomain) -}}
{{- range .Values.customDomains }}{{ $allowed = append $allowed . }}{{ end -}}
{{- $settings := dict "PLATFORM_HOST" .Values.platformHost "ALLOWED_HOSTS" ($allowed | uniq | join ",") "CLAMAV_DATABASE" .Values.clamav.mountPath "WEB_CONCURRENCY" (toString .Values.web.concurrency) "SENTRY_RELEASE" (default .Chart.AppVersion .Values.image.tag) -}}
{{- range $key, $value := .Values.settings }}{{ $_ := set $settings $key (toString $value) }}{{ end -}}
{{- $settings | toJson -}}
{{- end -}}

{{/* The secret environment: each variable a reference to a key of an existing Secret. */}}
{{- define "ehc-portal.secretEnv" -}}
{{- range $name, $ref := .secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName }}
      key: {{ $ref.key }}
      {{- if hasKey $ref "optional" }}
      optional: {{ $ref.optional }}
      {{- end }}
{{- end }}
{{- end -}}

{{- define "ehc-portal.envFrom" -}}
- configMapRef:
    name: {{ include "ehc-portal.fullname" . }}
{{- range .Values.envFromSecrets }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{- define "ehc-portal.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ehc-portal.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Restarts pods whose settings changed: env is read once, at start. */}}
{{- define "ehc-portal.podAnnotations" -}}
checksum/settings: {{ include "ehc-portal.settings" . | sha256sum }}
{{- end -}}

{{/* The pod spec's common part: scheduling, identity, security. */}}
{{- define "ehc-portal.podCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "ehc-portal.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* ClamAV's signatures: the volume, and the freshclam sidecar when mode is sidecar. */}}
{{- define "ehc-portal.clamavVolume" -}}
- name: clamav
{{- if eq .Values.clamav.mode "pvc" }}
  persistentVolumeClaim:
    claimName: {{ default (printf "%s-clamav" (include "ehc-portal.fullname" .)) .Values.clamav.pvc.existingClaim }}
    readOnly: true
{{- else }}
  emptyDir:
    sizeLimit: {{ .Values.clamav.sidecar.sizeLimit }}
- name: freshclam-tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}
{{- end -}}

{{- define "ehc-portal.clamavMount" -}}
- name: clamav
  mountPath: {{ .Values.clamav.mountPath }}
  readOnly: true
{{- end -}}

{{/*
freshclam as a native sidecar (an init container that keeps running): it starts, and its first
download finishes (its startup probe), before the application container starts, so the first upload
is never scanned against no signatures.
*/}}
{{- define "ehc-portal.freshclamSidecar" -}}
{{- if eq .Values.clamav.mode "sidecar" }}
{{- $sidecar := .Values.clamav.sidecar }}
- name: freshclam
  image: {{ printf "%s:%s" $sidecar.image.repository $sidecar.image.tag }}
  imagePullPolicy: {{ $sidecar.image.pullPolicy }}
  restartPolicy: Always
  command: ["freshclam", "--foreground", "--daemon", "--stdout", "--checks={{ $sidecar.checks }}", "--datadir={{ .Values.clamav.mountPath }}", "--config-file=/etc/clamav/freshclam.conf"]
  startupProbe:
    exec:
      command: ["sh", "-c", "test -s {{ .Values.clamav.mountPath }}/daily.cvd || test -s {{ .Values.clamav.mountPath }}/daily.cld"]
    periodSeconds: 5
    failureThreshold: 120
  securityContext:
    {{- include "ehc-portal.containerSecurityContext" . | nindent 4 }}
  resources:
    {{- toYaml $sidecar.resources | nindent 4 }}
  volumeMounts:
    - name: clamav
      mountPath: {{ .Values.clamav.mountPath }}
    - name: freshclam-tmp
      mountPath: /tmp
{{- end }}
{{- end -}}
