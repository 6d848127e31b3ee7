#!/usr/bin/env bash
# tests/integration/sip_traversal_srtp.sh  Issue 16 end to end: encrypting baresip endpoints through a Control and an Expressway, SRTP terminated or passed through; tshark checks each leg.
#
# sip_traversal.sh's whole run twice (its topology, calls and checks):
# LK_TRAVERSAL_SRTP=terminate, alice encrypts (mediaenc=srtp-mand) and
# bob does not, the Control's local zone forces encryption and the
# Expressway's forbids it; LK_TRAVERSAL_SRTP=through, both encrypt and
# both relays pass SRTP through; LK_TRAVERSAL_SRTP=best-effort, bob is
# baresip's best-effort SRTP and the Expressway's local zone "best
# effort" (docs/srtp.md).
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for mode in terminate through best-effort; do
	echo "=== LK_TRAVERSAL_SRTP=$mode"
	LK_TRAVERSAL_SRTP=$mode bash "$here/sip_traversal.sh"
	r=$?
	[ "$r" -eq 77 ] && exit 77	# skipped: the same for both
	[ "$r" -eq 0 ] || rc=$r
done
exit "$rc"
