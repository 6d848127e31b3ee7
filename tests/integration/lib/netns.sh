# tests/integration/lib/netns.sh  The processes of a test that runs in network namespaces of its own: started and stopped by name, their logs waited on, their relays asked over ng.
# Sourced after lib/common.sh (whose lk_ns_add makes the namespaces) by
# sip_traversal.sh, sip_b2bua.sh and tests/interop/kamailio_baresip.sh.
# A process NAME writes its output to $LK_TMP/NAME.log.

LK_INTEROP=$(cd "$LK_LIB/../../interop" && pwd)	# ngq.py, baresip's files

declare -A pid=()	# NAME -> PID of each process this test started
declare -A status=()	# NAME -> exit status, once stopped
order=()		# names in start order; stop_all stops them in reverse

# Outside CI a missing peer or root skips; in CI (./bootstrap.sh test
# installs every peer) it is a failure, so that a skip never hides one.
skip() {
	if [ "${CI:-}" = true ]; then
		printf 'FAIL (CI) %s\n' "$*"
		exit 1
	fi
	printf 'SKIP %s\n' "$*"
	exit 77
}

# A failure after which nothing else can be checked.
fatal() { not_ok "$*"; lk_done || true; exit 1; }

# Start CMD in namespace NS, output to $LK_TMP/NAME.log; "ip netns exec"
# execs CMD in place, so $! is CMD's own PID.
start() {	# start NAME NS CMD...
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$LK_TMP/$name.log" 2>&1 </dev/null &
	pid[$name]=$!
	LK_PIDS+=($!)
	order+=("$name")
}

# SIGTERM, up to 5 s, then SIGKILL; the exit status lands in status[NAME].
# A process held with SIGSTOP is let go first, so that it can take the TERM.
stop() {	# stop NAME
	local name=$1 p=${pid[$1]:-} i st
	[ -n "$p" ] || return 0
	kill -CONT "$p" 2>/dev/null || true
	kill -TERM "$p" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null && st=0 || st=$?
	status[$name]=$st
	unset "pid[$name]"
}

stop_all() {	# every process started, the last one first
	local i
	for ((i = ${#order[@]} - 1; i >= 0; i--)); do
		stop "${order[i]}"
	done
}

alive() { kill -0 "${pid[$1]:-none}" 2>/dev/null; }	# alive NAME

# --- logs: patterns are extended regular expressions (grep -E) ----------------

has_log() { grep -Eq -- "$2" "$LK_TMP/$1.log" 2>/dev/null; }	# NAME ERE
count_log() { grep -Ec -- "$2" "$LK_TMP/$1.log" 2>/dev/null || true; }
logsize() { stat -c %s "$LK_TMP/$1.log"; }	# logsize NAME: an OFFSET
# NAME's log from byte OFFSET on matches ERE.
has_log_since() { tail -c +$(($2 + 1)) "$LK_TMP/$1.log" | grep -Eq -- "$3"; }

# NAME's log has MIN lines matching ERE, or NAME has exited (its log is
# then final: no use waiting).
logged_or_gone() {	# logged_or_gone NAME ERE MIN
	local n
	alive "$1" || return 0
	n=$(count_log "$1" "$2")
	[ "${n:-0}" -ge "$3" ]
}
# Wait until NAME's log has MIN (1) lines matching ERE; on a timeout, or
# when NAME exited first, say what the log has.
wait_log() {	# wait_log SECONDS NAME ERE [MIN]
	local min=${4:-1} n
	wait_for "$1" logged_or_gone "$2" "$3" "$min" || true
	n=$(count_log "$2" "$3")
	[ "${n:-0}" -ge "$min" ] && return 0
	echo "--- $2.log has ${n:-0} line(s) matching /$3/, wanted $min; last lines:"
	tail -n 15 "$LK_TMP/$2.log" 2>/dev/null
	return 1
}

# --- the relays' ng replies, as JSON --------------------------------------------

# One ng request to the relay at $ng (ADDR:PORT, set by the test), from
# inside namespace NS; the reply as JSON (tests/interop/ngq.py).
ngq() {	# ngq NS COMMAND [KEY=VALUE...]
	local ns=$1
	shift
	ip netns exec "$ns" python3 "$LK_INTEROP/ngq.py" "$ng" "$@"
}

# Values at a dotted path of a JSON file, one per line; "*" is every
# member of a dictionary or list.  Nothing for a file that is not JSON.
jget() {	# jget FILE PATH
	python3 - "$1" "$2" <<'PY'
import json, sys
try:
    vals = [json.load(open(sys.argv[1]))]
except Exception:
    sys.exit(0)
for k in sys.argv[2].split("."):
    nxt = []
    for v in vals:
        if k == "*":
            nxt += list(v.values()) if isinstance(v, dict) else list(v)
        elif isinstance(v, list):
            if k.isdigit() and int(k) < len(v):
                nxt.append(v[int(k)])
        elif isinstance(v, dict) and k in v:
            nxt.append(v[k])
    vals = nxt
for v in vals:
    print(json.dumps(v) if isinstance(v, (dict, list, bool)) else v)
PY
}

# One line per leg of a query reply:
#   TAG ENDPOINT-ADDR:PORT LOCAL-PORT LATCHED PACKETS-IN PACKETS-OUT TYPE MUXID
# (MUXID "-" when the leg is not on the multiplexed ports).
legs() {	# legs QUERY.json
	python3 - "$1" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
for tag, t in sorted(d.get("tags", {}).items()):
    for m in t.get("medias", []):
        for s in m.get("streams", []):
            e, st = s.get("endpoint", {}), s.get("stats", {})
            print(tag, "%s:%s" % (e.get("address"), e.get("port")),
                  s.get("local port"), s.get("latched"), st.get("packets"),
                  st.get("packets out"), m.get("type"),
                  s.get("multiplexID", "-"))
PY
}
