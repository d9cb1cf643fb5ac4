#!/usr/bin/env bash
# Run by `npm test` just before vitest: the API-server, cluster and helm tests need the Kubernetes tools that
# scripts/tools.sh builds from Go modules, so build the missing ones now (cold ≈ 25 min on two cores, then cached) instead of
# letting those tests fail with ToolsMissingError. The cache check is tools.sh's own (`tools.sh --check`: recipe
# stamps and the bin/ links the harness reads): 0.1–0.3 s when everything is built.
#
# Does nothing when KINTENT_SKIP_CLUSTER_TESTS=1 (those tests are skipped) or when KINTENT_TOOLS_BIN points the
# harness somewhere other than ${KINTENT_TOOLS_DIR:-$HOME/.cache/kintent-tools}/bin (your own tools: the
# harness reports any that are missing). Needs Go >= 1.26 only when something has to be built.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${KINTENT_TOOLS_DIR:-$HOME/.cache/kintent-tools}"

[[ "${KINTENT_SKIP_CLUSTER_TESTS:-}" == 1 ]] && exit 0
if [[ -n "${KINTENT_TOOLS_BIN:-}" && "${KINTENT_TOOLS_BIN%/}" != "${TOOLS_DIR%/}/bin" ]]; then exit 0; fi

# The canary-gate tests query a real Prometheus: Debian's package, not a Go build (the harness looks at
# $KINTENT_PROMETHEUS, then /usr/bin/prometheus). Installed here when this user may run apt-get.
if [[ ! -x "${KINTENT_PROMETHEUS:-/usr/bin/prometheus}" ]]; then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo -n"
  if command -v apt-get >/dev/null && { [[ -z "$sudo" ]] || sudo -n true 2>/dev/null; }; then
    echo "kintent: installing Debian's prometheus for the canary-gate tests (apt-get install prometheus)" >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
  else
    echo "kintent: the canary-gate tests need Prometheus: apt-get install prometheus (Debian), or set KINTENT_PROMETHEUS to a prometheus binary; KINTENT_SKIP_CLUSTER_TESTS=1 skips the cluster tests" >&2
    exit 2
  fi
fi

rc=0
missing="$(bash "$ROOT/scripts/tools.sh" --check)" || rc=$?
[[ $rc -eq 0 ]] && exit 0
[[ $rc -eq 1 ]] || exit "$rc"

if ! command -v go >/dev/null; then
  echo "kintent: the API-server and cluster tests need tools built from Go modules (missing: $missing) and go is not on PATH: install Go >= 1.26 (https://go.dev/doc/install) or set KINTENT_SKIP_CLUSTER_TESTS=1 to skip those tests" >&2
  exit 2
fi

echo "kintent: building the Kubernetes test tools ($missing) into $TOOLS_DIR with scripts/tools.sh — a cold build of all of them takes ≈ 25 min on two cores, later runs find them cached (KINTENT_SKIP_CLUSTER_TESTS=1 skips the API-server and cluster tests instead)" >&2
# shellcheck disable=SC2086 # one tool name per word
if ! bash "$ROOT/scripts/tools.sh" $missing >&2; then
  echo "kintent: building the test tools failed (see above); rerun \`npm test\` to retry, or set KINTENT_SKIP_CLUSTER_TESTS=1 to skip the API-server and cluster tests" >&2
  exit 1
fi
