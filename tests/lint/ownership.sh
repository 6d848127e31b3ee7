#!/bin/bash
# tests/lint/ownership.sh  The ownership rule of docs/architecture.md
# ("Ownership"): objects with a lifetime are mem_zalloc()ed and released
# with mem_deref(), so no module has an lk_X_free() of its own.  Fails on
# any lk_X_free() defined, declared or called in the daemon's sources.
set -u
cd "$(dirname "$0")/../.." || exit 1

pattern='\blk_[a-z0-9_]+_free[[:space:]]*\('

# The pattern itself must find what it is for, or this test cannot fail.
if ! printf 'void lk_zone_free(struct lk_zone *z)\n' | grep -qE "$pattern"; then
	echo "FAIL: the pattern does not match a planted lk_zone_free()"
	exit 1
fi

hits=$(grep -rnE "$pattern" --include='*.[ch]' \
	cmd common config mgmt relay signalling lab 2>/dev/null)
if [ -n "$hits" ]; then
	echo "FAIL: lk_X_free() found; objects are released with mem_deref()" \
	     "(docs/architecture.md, \"Ownership\"):"
	printf '%s\n' "$hits"
	exit 1
fi
echo "ok: no lk_X_free() in cmd common config mgmt relay signalling lab"
