#!/usr/bin/env bash
# Runs the test suite on a fresh Debian 12 machine with the .NET 10 SDK and Node 20: installs Azurite (npm) and the
# NuGet packages, builds, and runs every test not marked Slow. Slow suites: ./test.sh --filter "Category=Slow".
set -euo pipefail
cd "$(dirname "$0")"
filter="Category!=Slow"
if [ "${1:-}" = "--filter" ]; then filter="$2"; shift 2; fi

[ -d infra/azurite/node_modules/azurite ] && [ -d infra/azurite/node_modules/hyparquet ] || npm ci --prefix infra/azurite --no-audit --no-fund
[ -d infra/k8s/validate/node_modules/kubernetes-models ] && [ -d infra/k8s/validate/node_modules/yaml ] || npm ci --prefix infra/k8s/validate --no-audit --no-fund
# Debian's packages: Chromium renders the HTML result pages in their tests (headless); OpenBLAS is exact search's
# matrix product and TurboJPEG decodes JPEG pixels (as a silo image installs them). apt needs root, as CI has.
packages=()
command -v chromium >/dev/null || packages+=(chromium)
[ -e /usr/lib/x86_64-linux-gnu/libopenblas.so.0 ] || packages+=(libopenblas0-pthread)
[ -e /usr/lib/x86_64-linux-gnu/libturbojpeg.so.0 ] || packages+=(libturbojpeg0)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${packages[@]}"
fi
dotnet restore Pipeline.sln
dotnet build Pipeline.sln --no-restore -c Debug

log=$(mktemp)
status=0
dotnet test Pipeline.sln --no-build -c Debug --filter "$filter" "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over the test assemblies.
awk '/(Passed|Failed)!  *- Failed: / {
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
