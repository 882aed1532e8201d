{{/* Labels every obskit glue object carries. */}}
{{- define "obskit.labels" -}}
app.kubernetes.io/name: obskit-stack
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: obskit
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Cluster-local service host: <name>.<namespace>.svc */}}
{{- define "obskit.svc" -}}
{{ .name }}.{{ .ctx.Release.Namespace }}.svc
{{- end -}}

{{/* A Kubernetes object name from a bundled file name: lower case, [a-z0-9-], at most 63 chars. */}}
{{- /* A PrometheusRule name from an `obskit alerts build` file name without the stutter:
       rules-orders.rules.yaml -> obskit-rules-orders, slos-checkout.rules.yaml -> obskit-rules-slos-checkout */ -}}
{{- define "obskit.ruleObjectName" -}}
{{- $base := base .path | trimSuffix (ext .path) | trimSuffix ".rules" | trimPrefix "rules-" -}}
{{- include "obskit.fileObjectName" (dict "prefix" "obskit-rules" "path" (printf "%s.yaml" $base)) -}}
{{- end -}}
{{- define "obskit.fileObjectName" -}}
{{- $base := base .path | trimSuffix (ext .path) | lower | replace "_" "-" | replace "." "-" -}}
{{- printf "%s-%s" .prefix (regexReplaceAll "[^a-z0-9-]" $base "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fluentd record_transformer (Ruby): the first of a field's spellings present in the parsed JSON line (app.*),
     as `(a || b || ...)`. A dotted spelling is tried as a literal key and as a nested path; `rescue nil` covers
     a path through a non-hash value. No braces: record_transformer ends a ${...} placeholder at the first "}". */}}
{{- define "obskit.fluentd.spellings" -}}
{{- $tries := list -}}
{{- range . -}}
{{- $tries = append $tries (printf "(record.dig(\"app\", %q) rescue nil)" .) -}}
{{- if contains "." . -}}
{{- $path := list -}}
{{- range splitList "." . }}{{ $path = append $path (printf "%q" .) }}{{ end -}}
{{- $tries = append $tries (printf "(record.dig(\"app\", %s) rescue nil)" (join ", " $path)) -}}
{{- end -}}
{{- end -}}
({{ join " || " $tries }})
{{- end -}}
