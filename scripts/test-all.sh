#!/usr/bin/env bash
# `npm run test:all`: installs missing test prerequisites (Debian/Ubuntu), starts the services the tests need,
# then runs lint, typecheck, unit + integration tests (SQLite, PostgreSQL, the Samba lab) and the e2e journeys.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# --- prerequisites -----------------------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
if [ -f lab/lab.ts ]; then
  command -v samba-tool >/dev/null 2>&1 || missing+=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind ldb-tools ldap-utils python3-samba)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need these Debian packages, which are missing: ${missing[*]}" >&2
    echo "Install them as root, then run this again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing test prerequisites (${missing[*]}) and no apt-get to install them: install them by hand." >&2
    exit 1
  fi
  step "Installing test prerequisites: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- services ----------------------------------------------------------------------------------------------
step "Starting PostgreSQL"
pg_line=$(bash scripts/setup-postgres.sh | tail -n 1)
case "$pg_line" in
  TEST_DATABASE_URL=*) export "${pg_line?}" ;;
  *) echo "scripts/setup-postgres.sh did not print TEST_DATABASE_URL" >&2; exit 1 ;;
esac

if [ -f lab/lab.ts ]; then
  step "Starting the Samba AD lab"
  node cli/bin.mjs lab up
fi

export REQUIRE_INTEGRATION=1

# --- checks ------------------------------------------------------------------------------------------------
step "Lint"
npx eslint . --max-warnings=0
step "Typecheck"
npx tsc --noEmit
step "Unit and integration tests (SQLite, PostgreSQL, lab)"
npx vitest run
step "Production build"
npx next build
step "Fuzz suite (malformed requests to every route of the build; FUZZ_PER_ROUTE for a fuller run)"
npx vitest run --config vitest.fuzz.config.mts
step "Several instances on one PostgreSQL (the build above, two next start)"
timeout 600 npx vitest run --config vitest.instances.config.mts
step "End-to-end journeys (Chromium)"
npx playwright test
