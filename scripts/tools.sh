#!/usr/bin/env bash
# Build the real Kubernetes tools kintent's tests and benchmarks run against, from pinned Go module versions.
#
#   scripts/tools.sh                    build every default tool that is not cached yet
#   scripts/tools.sh helm kubeconform   build only these
#   scripts/tools.sh --list             print the tools, their versions and whether they are cached
#   scripts/tools.sh --check [NAME...]  exit 0 if these (default: every default tool) are cached and linked, else
#                                       print the missing ones and exit 1; builds nothing (scripts/ensure-tools.sh)
#   scripts/tools.sh all                default tools plus the optional ones (checkov, gitea, argo-cd)
#
# Each Go tool is built from a wrapper module under tools/go/<name>/ (go.mod + go.sum committed) so that the
# dependency graph is pinned and verified. Binaries go OUTSIDE the clone:
#   ${KINTENT_TOOLS_DIR:-$HOME/.cache/kintent-tools}/<name>-<version>/bin/...
# and a stable ${KINTENT_TOOLS_DIR}/bin/ holds symlinks to the current versions; ${KINTENT_TOOLS_DIR}/env.sh
# exports KINTENT_TOOLS_BIN and the versions. A tool counts as cached when its directory holds a .complete
# stamp whose recipe hash (wrapper go.mod + go.sum + build flags) matches; otherwise it is rebuilt.
# See docs/tools.md for versions, build times and sizes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${KINTENT_TOOLS_DIR:-$HOME/.cache/kintent-tools}"
NICE="${KINTENT_TOOLS_NICE:-nice -n 19}"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="-buildvcs=false -mod=readonly"

# name | version | wrapper dir (under tools/go) | binaries
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.21.4
KUBECONFORM_VERSION=v0.7.0
KUBE_LINTER_VERSION=v0.8.3
KYVERNO_VERSION=v1.19.0
CHECKOV_VERSION=3.3.30
GITEA_VERSION=v1.26.0 # optional: a real forge for `kintent propose` tests (issue #7)
ARGO_ROLLOUTS_VERSION=v1.10.1 # the controller the rollout tests run out of cluster (issue #13); v1.10.2 needs Go 1.26.10
ARGO_CD_VERSION=v3.6.2 # optional: Argo CD's multi-call binary (application-controller); needs Go 1.27 (go1.27.3 from the proxy)

DEFAULT_TOOLS=(etcd kubernetes kwok helm kubeconform kube-linter kyverno argo-rollouts)
OPTIONAL_TOOLS=(checkov gitea argo-cd)

version_of() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    kubernetes) echo "$K8S_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    kubeconform) echo "$KUBECONFORM_VERSION" ;;
    kube-linter) echo "$KUBE_LINTER_VERSION" ;;
    kyverno) echo "$KYVERNO_VERSION" ;;
    checkov) echo "$CHECKOV_VERSION" ;;
    gitea) echo "$GITEA_VERSION" ;;
    argo-rollouts) echo "$ARGO_ROLLOUTS_VERSION" ;;
    argo-cd) echo "$ARGO_CD_VERSION" ;;
    *) return 1 ;;
  esac
}

binaries_of() {
  case "$1" in
    etcd) echo "etcd" ;;
    kubernetes) echo "kube-apiserver kube-controller-manager kube-scheduler" ;;
    kwok) echo "kwok kwokctl" ;;
    helm) echo "helm" ;;
    kubeconform) echo "kubeconform" ;;
    kube-linter) echo "kube-linter" ;;
    kyverno) echo "kubectl-kyverno" ;;
    checkov) echo "checkov" ;;
    gitea) echo "gitea" ;;
    argo-rollouts) echo "rollouts-controller" ;;
    argo-cd) echo "argocd" ;;
  esac
}

# Go packages and -ldflags for each Go tool. Version variables are set so that `--version` tells the truth
# (kwokctl reads the control plane's versions from the binaries it is given).
packages_of() {
  case "$1" in
    etcd) echo "go.etcd.io/etcd/server/v3" ;;
    kubernetes) echo "k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler" ;;
    kwok) echo "sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl" ;;
    helm) echo "helm.sh/helm/v3/cmd/helm" ;;
    kubeconform) echo "github.com/yannh/kubeconform/cmd/kubeconform" ;;
    kube-linter) echo "golang.stackrox.io/kube-linter/cmd/kube-linter" ;;
    kyverno) echo "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno" ;;
    gitea) echo "code.gitea.io/gitea" ;;
    argo-rollouts) echo "github.com/argoproj/argo-rollouts/cmd/rollouts-controller" ;;
    argo-cd) echo "github.com/argoproj/argo-cd/v3/cmd" ;;
  esac
}

ldflags_of() {
  local v minor
  case "$1" in
    kubernetes)
      v="$K8S_VERSION"
      minor="$(echo "$v" | cut -d. -f2)"
      echo "-s -w -X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1" \
        "-X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
        "-X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1" \
        "-X k8s.io/client-go/pkg/version.gitMinor=$minor"
      ;;
    helm) echo "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" ;;
    kubeconform) echo "-s -w -X main.version=$KUBECONFORM_VERSION" ;;
    kube-linter) echo "-s -w -X golang.stackrox.io/kube-linter/internal/version.version=${KUBE_LINTER_VERSION#v}" ;;
    kyverno) echo "-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=$KYVERNO_VERSION" ;;
    gitea) echo "-s -w -X main.Version=${GITEA_VERSION#v} -X 'main.Tags=$(tags_of gitea)'" ;;
    argo-rollouts)
      echo "-s -w -X github.com/argoproj/argo-rollouts/utils/version.version=${ARGO_ROLLOUTS_VERSION#v}" \
        "-X github.com/argoproj/argo-rollouts/utils/version.buildDate=1970-01-01T00:00:00Z" \
        "-X github.com/argoproj/argo-rollouts/utils/version.gitTreeState=clean"
      ;;
    argo-cd) echo "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${ARGO_CD_VERSION#v} -X github.com/argoproj/argo-cd/v3/common.gitTreeState=clean" ;;
    *) echo "-s -w" ;;
  esac
}

# Build tags. Gitea: SQLite through tools/go/gitea/sqlite3shim (pure-Go modernc.org/sqlite, no cgo).
tags_of() {
  case "$1" in
    gitea) echo "sqlite sqlite_unlock_notify" ;;
  esac
}

# The Go toolchain of a tool: the machine's (local), or one the module proxy serves when the tool's go.mod needs a
# newer Go (argo-cd v3.6 declares go 1.27.0).
toolchain_of() {
  case "$1" in
    argo-cd) echo "go1.27.3" ;;
    *) echo "local" ;;
  esac
}

# The same recipe always produces the same cache entry; a changed wrapper or flag set invalidates it.
recipe_hash() {
  local name="$1"
  {
    echo "$name $(version_of "$name") $(GOTOOLCHAIN="$(toolchain_of "$name")" go env GOVERSION 2>/dev/null || true)"
    if [[ "$name" == checkov ]]; then
      echo "python $(python3 --version 2>&1)"
    else
      cat "$ROOT/tools/go/$name/go.mod" "$ROOT/tools/go/$name/go.sum"
      packages_of "$name"
      ldflags_of "$name"
      tags_of "$name"
      if [[ -d "$ROOT/tools/go/$name/sqlite3shim" ]]; then cat "$ROOT/tools/go/$name/sqlite3shim/"*; fi
    fi
  } | sha256sum | cut -c1-16
}

tool_dir() { echo "$TOOLS_DIR/$1-$(version_of "$1")"; }

is_cached() {
  local dir stamp b
  dir="$(tool_dir "$1")"
  stamp="$dir/.complete"
  [[ -f "$stamp" ]] || return 1
  [[ "$(head -n1 "$stamp")" == "$(recipe_hash "$1")" ]] || return 1
  for b in $(binaries_of "$1"); do [[ -x "$dir/bin/$b" ]] || return 1; done
}

human_size() { du -sh --apparent-size "$1" 2>/dev/null | cut -f1; }

build_go_tool() {
  local name="$1" dir tmp
  dir="$(tool_dir "$name")"
  tmp="$TOOLS_DIR/.build/$name-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/bin"
  # etcd's main package is the module root (go.etcd.io/etcd/server/v3), so name its binary explicitly.
  local out="$tmp/bin/"
  if [[ "$name" == etcd ]]; then out="$tmp/bin/etcd"; fi
  # Argo CD's commands are one multi-call binary (github.com/argoproj/argo-cd/v3/cmd), dispatched by its name.
  if [[ "$name" == argo-cd ]]; then out="$tmp/bin/argocd"; fi
  # shellcheck disable=SC2046 # the package list is word-split on purpose
  if ! (cd "$ROOT/tools/go/$name" && GOTOOLCHAIN="$(toolchain_of "$name")" $NICE go build -trimpath -tags "$(tags_of "$name")" -ldflags "$(ldflags_of "$name")" -o "$out" $(packages_of "$name")); then
    rm -rf "$tmp"
    return 1
  fi
  # Gitea without the `bindata` tag reads its templates, options and public assets from STATIC_ROOT_PATH.
  if [[ "$name" == gitea ]]; then
    local src
    src="$(cd "$ROOT/tools/go/gitea" && go list -m -f '{{.Dir}}' code.gitea.io/gitea)"
    mkdir -p "$tmp/share"
    cp -R "$src/templates" "$src/options" "$src/public" "$tmp/share/"
    chmod -R u+w "$tmp/share"
  fi
  rm -rf "$dir"
  mv "$tmp" "$dir"
}

build_checkov() {
  local dir
  dir="$(tool_dir checkov)"
  # A venv's scripts hard-code its path, so it is built in place; the .complete stamp, written only after
  # success, is what marks it usable.
  rm -rf "$dir"
  mkdir -p "$dir/bin"
  python3 -m venv "$dir/venv"
  $NICE "$dir/venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  cat >"$dir/bin/checkov" <<EOF
#!/usr/bin/env bash
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE
exec "$dir/venv/bin/checkov" "\$@"
EOF
  chmod +x "$dir/bin/checkov"
}

link_tool() {
  local name="$1" b
  mkdir -p "$TOOLS_DIR/bin"
  for b in $(binaries_of "$name"); do
    ln -sfn "../$(basename "$(tool_dir "$name")")/bin/$b" "$TOOLS_DIR/bin/$b"
  done
}

write_env() {
  local name upper
  {
    echo "# Written by scripts/tools.sh; source it to put kintent's tools on PATH."
    echo "export KINTENT_TOOLS_DIR=\"$TOOLS_DIR\""
    echo "export KINTENT_TOOLS_BIN=\"$TOOLS_DIR/bin\""
    for name in "${DEFAULT_TOOLS[@]}" "${OPTIONAL_TOOLS[@]}"; do
      upper="$(echo "$name" | tr 'a-z-' 'A-Z_')"
      echo "export KINTENT_${upper}_VERSION=\"$(version_of "$name")\""
    done
  } >"$TOOLS_DIR/env.sh"
}

# Cached (as a build would see it) and linked into $TOOLS_DIR/bin, where the test harness looks. Without Go the
# recipe cannot be hashed, so the linked binaries are trusted as they are.
check_tools() {
  local name b missing=()
  for name in "$@"; do
    if command -v go >/dev/null && ! is_cached "$name"; then
      missing+=("$name")
      continue
    fi
    for b in $(binaries_of "$name"); do
      if [[ ! -x "$TOOLS_DIR/bin/$b" ]]; then
        missing+=("$name")
        break
      fi
    done
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "${missing[*]}"
  return 1
}

list_tools() {
  local name state
  for name in "${DEFAULT_TOOLS[@]}" "${OPTIONAL_TOOLS[@]}"; do
    if is_cached "$name"; then state="cached ($(human_size "$(tool_dir "$name")"))"; else state="missing"; fi
    printf '%-12s %-9s %-55s %s\n' "$name" "$(version_of "$name")" "$(binaries_of "$name")" "$state"
  done
}

main() {
  local requested=() name start secs total_start failed=() check=false
  case "${1:-}" in
    -h | --help)
      sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      return 0
      ;;
    --list)
      list_tools
      return 0
      ;;
    --check)
      check=true
      shift
      ;;
  esac
  if [[ $# -eq 0 ]]; then
    requested=("${DEFAULT_TOOLS[@]}")
  else
    for name in "$@"; do
      if [[ "$name" == all ]]; then
        requested+=("${DEFAULT_TOOLS[@]}" "${OPTIONAL_TOOLS[@]}")
      elif version_of "$name" >/dev/null; then
        requested+=("$name")
      else
        echo "tools.sh: unknown tool '$name' (known: ${DEFAULT_TOOLS[*]} ${OPTIONAL_TOOLS[*]})" >&2
        return 2
      fi
    done
  fi

  if [[ "$check" == true ]]; then
    check_tools "${requested[@]}"
    return
  fi

  command -v go >/dev/null || { echo "tools.sh: go is not on PATH (Go >= 1.26 is needed)" >&2; return 2; }
  mkdir -p "$TOOLS_DIR/bin" "$TOOLS_DIR/.build"
  # One build at a time per cache (npm test builds missing tools itself, so two clones or worktrees may start
  # at once); the waiter then finds the other's tools cached.
  if command -v flock >/dev/null; then
    exec 9>"$TOOLS_DIR/.build/lock"
    if ! flock -n 9; then
      echo "tools.sh: another build into $TOOLS_DIR is running; waiting for it to finish ..."
      flock 9
    fi
  fi
  echo "tools.sh: cache $TOOLS_DIR ($(go env GOVERSION), GOTOOLCHAIN=$GOTOOLCHAIN CGO_ENABLED=$CGO_ENABLED)"
  total_start=$SECONDS
  for name in "${requested[@]}"; do
    if is_cached "$name"; then
      printf '  %-12s %-9s cached\n' "$name" "$(version_of "$name")"
      link_tool "$name"
      continue
    fi
    printf '  %-12s %-9s building %s ...\n' "$name" "$(version_of "$name")" "$(binaries_of "$name")"
    start=$SECONDS
    if [[ "$name" == checkov ]]; then
      if ! build_checkov; then failed+=("$name"); continue; fi
    elif ! build_go_tool "$name"; then
      failed+=("$name")
      printf '  %-12s FAILED after %ss\n' "$name" "$((SECONDS - start))"
      continue
    fi
    secs=$((SECONDS - start))
    {
      recipe_hash "$name"
      echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in ${secs}s with $(go env GOVERSION)"
    } >"$(tool_dir "$name")/.complete"
    link_tool "$name"
    printf '  %-12s %-9s built in %ss (%s)\n' "$name" "$(version_of "$name")" "$secs" "$(human_size "$(tool_dir "$name")")"
  done
  write_env
  echo "tools.sh: done in $((SECONDS - total_start))s; binaries in $TOOLS_DIR/bin (source $TOOLS_DIR/env.sh)"
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "tools.sh: FAILED: ${failed[*]}" >&2
    return 1
  fi
}

main "$@"
