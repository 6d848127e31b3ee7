#!/bin/bash
# tests/lint/signalling_includes.sh  The include rules of signalling/: no
# cycle between its modules, and the layering of docs/architecture.md.
#
# A module is a .c/.h pair (sip/b2bua.c and sip/b2bua.h are sip/b2bua).
# Every #include "..." that names a file of signalling/ is an edge from
# the including module to the included one; tsort(1) fails on a loop.
# Then the layering: call/ sees neither sip/ nor h323/, sip/ and h323/
# never see each other, listen.c sees none of the subfolders; headers of
# a subfolder are included by path; only sip.c includes sip/sip.h.
set -u
cd "$(dirname "$0")/../../signalling" || exit 1

fail=0
edges=$(find . -name '*.[ch]' | sed 's@^\./@@' | sort | while read -r f; do
	from=${f%.*}
	sed -n 's/^#include "\(.*\)"/\1/p' "$f" | while read -r inc; do
		[ -f "$inc" ] || continue	# common/, config/, relay/
		to=${inc%.*}
		[ "$from" = "$to" ] || echo "$from $to"
	done
done)

if ! printf '%s\n' "$edges" | tsort >/dev/null 2>/tmp/lk-tsort.$$; then
	echo "FAIL: include cycle in signalling/:"
	cat /tmp/lk-tsort.$$
	fail=1
else
	echo "ok: no include cycle between the $(printf '%s\n' "$edges" |
		wc -l) module edges of signalling/"
fi
rm -f /tmp/lk-tsort.$$

# from-folder  to-folder  pairs that must not occur
while read -r src dst; do
	bad=$(printf '%s\n' "$edges" | awk -v s="$src" -v d="$dst" '
		{ split($1, a, "/"); split($2, b, "/");
		  fs = (length(a) > 1) ? a[1] : "."; ts = (length(b) > 1) ? b[1] : ".";
		  if (fs == s && ts == d) print }')
	if [ -n "$bad" ]; then
		echo "FAIL: $src/ must not include $dst/: $bad"
		fail=1
	fi
done <<'RULES'
call sip
call h323
sip h323
h323 sip
. call
. sip
. h323
RULES

# Headers of a subfolder are included by path ("sip/transport.h"): a bare
# name that is a file of the including file's own subfolder breaks it
# (and would hide an edge from the cycle check above).
bare=$(find . -mindepth 2 -name '*.[ch]' | sed 's@^\./@@' | sort | while read -r f; do
	d=${f%/*}
	sed -n 's/^#include "\([^/]*\)"/\1/p' "$f" | while read -r inc; do
		[ -f "$d/$inc" ] && echo "$f: \"$inc\""
	done
done)
if [ -n "$bare" ]; then
	echo "FAIL: include by path (\"folder/name.h\"): $bare"
	fail=1
fi

# sip.c is the dispatcher at the top of sip/: nothing else of signalling/
# includes sip/sip.h (cmd/ and mgmt/, above it, may).
below=$(printf '%s\n' "$edges" | awk '$2 == "sip/sip" && $1 != "sip/sip"')
if [ -n "$below" ]; then
	echo "FAIL: sip/sip.h included below sip.c: $below"
	fail=1
fi
[ $fail = 0 ] && echo "ok: call/ <- sip/, h323/; sip/ and h323/ apart; listen apart; includes by path; nothing below sip.c includes sip.h"
exit $fail
