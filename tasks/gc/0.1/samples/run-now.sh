#!/usr/bin/env bash
# Runs gc once now from the installed CronJob: a dry run, then (with --apply) a real run.
# Usage: run-now.sh <namespace> [--apply]
set -euo pipefail
ns="${1:?namespace}"
job="remediation-state-gc-manual-$(date +%s)"
if [[ "${2:-}" != "--apply" ]]; then
  kubectl -n "$ns" create job "$job" --from=cronjob/remediation-state-gc --dry-run=client -o json \
    | jq '.spec.template.spec.containers[0].env |= map(if .name == "RS_GC_DRY_RUN" then .value = "true" else . end)' \
    | kubectl -n "$ns" apply -f -
else
  kubectl -n "$ns" create job "$job" --from=cronjob/remediation-state-gc
fi
kubectl -n "$ns" wait --for=condition=complete --timeout=10m "job/$job" || true
kubectl -n "$ns" logs "job/$job"
