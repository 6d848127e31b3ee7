# tests/integration/lib/baresip.sh  baresip endpoints ("UAs") of a test, each in a network namespace of its own: config, commands over ctrl_tcp, what each saw.
# Sourced after lib/common.sh and lib/netns.sh by sip_traversal.sh and
# tests/interop/kamailio_baresip.sh.  The config template, the account
# template and the console reader live in tests/interop (docs/interop.md);
# a UA runs with "start NAME NS baresip -s -f $LK_TMP/NAME ...", so that
# its console, SIP trace included, is $LK_TMP/NAME.log.

# The config directory $LK_TMP/NAME: tests/interop/baresip.config.in for a
# UA on ADDR (SIP on 5060, ctrl_tcp on 127.0.0.1:4444 of its namespace)
# with RTP on RTP_PORTS (LO-HI), the extra lines appended; ACCOUNT-LINE is
# the whole accounts file.
ua_config() {	# ua_config NAME ADDR RTP_PORTS ACCOUNT-LINE [extra config lines]
	local name=$1
	mkdir -p "$LK_TMP/$name"
	sed -e "s/%ADDR%/$2/g" -e "s/%RTP_PORTS%/$3/g" \
		"$LK_INTEROP/baresip.config.in" >"$LK_TMP/$name/config"
	printf '%s\n' "$4" >"$LK_TMP/$name/accounts"
	shift 4
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$LK_TMP/$name/config"
}

# tests/interop/accounts.in filled in: USER at PROXY over UDP, PCMU only,
# answering by ANSWERMODE (auto or manual).
ua_account() {	# ua_account USER PROXY ANSWERMODE
	sed -e "s/%USER%/$1/g" -e "s/%PROXY%/$2/g" -e "s/%ANSWERMODE%/$3/g" \
		"$LK_INTEROP/accounts.in"
}

# One command to a baresip over its ctrl_tcp port (netstring-framed JSON),
# from inside its namespace NS; prints the JSON response.  The token is
# the namespace's prefix (lki, lkt), so a reply shows which test sent it.
ua_command() {	# ua_command NS COMMAND [PARAMS]
	ip netns exec "$1" python3 "$LK_LIB/../../../lab/baresip_ctrl.py" \
		"$2" "${3:-}" "${1%%-*}"
}

# What UA saw (tests/interop/baresip_log.py; PEER is its proxy's ADDR:PORT
# as its SIP trace shows it), as "KEY VALUE" lines in $LK_TMP/UA.facts.
# With OFFSET and TAG only its log from byte OFFSET on is read (one call
# of several), into $LK_TMP/UA-TAG.facts.
ua_facts() {	# ua_facts UA PEER [OFFSET TAG]
	local log=$LK_TMP/$1.log out=$LK_TMP/$1.facts
	if [ $# -ge 4 ]; then
		log=$LK_TMP/$1-$4.seg out=$LK_TMP/$1-$4.facts
		tail -c +$(($3 + 1)) "$LK_TMP/$1.log" >"$log"
	fi
	python3 "$LK_INTEROP/baresip_log.py" "$log" "$2" >"$out" || true
}
fact() { awk -v k="$2" '$1 == k { print $2 }' "$LK_TMP/$1.facts"; }	# fact FACTS KEY

# A log without baresip's call ticker and colours, for people to read.
show_log() {	# show_log NAME LINES
	[ -f "$LK_TMP/$1.log" ] || return 0
	echo "--- $1.log (last $2 lines)"
	tr '\r' '\n' <"$LK_TMP/$1.log" | sed -e 's/\x1b\[[0-9;]*m//g' \
		-e 's/\[[0-9]*:[0-9:]*\] audio=[0-9/]* (bit\/s) *//g' |
		grep -v '^ *$' | tail -n "$2"
}
