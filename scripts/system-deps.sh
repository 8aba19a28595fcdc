#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when missing:
# chromium for the browser tests, R with MASS and glmmTMB for the statistics fixtures.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v Rscript >/dev/null || need+=(r-base-core)
if command -v Rscript >/dev/null; then
  Rscript -e 'quit(status = !requireNamespace("MASS", quietly = TRUE))' >/dev/null 2>&1 || need+=(r-cran-mass)
  Rscript -e 'quit(status = !requireNamespace("glmmTMB", quietly = TRUE))' >/dev/null 2>&1 || need+=(r-cran-glmmtmb)
else
  need+=(r-cran-mass r-cran-glmmtmb)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
