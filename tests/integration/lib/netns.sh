# tests/integration/lib/netns.sh  The processes of a test that runs in network namespaces of its own: started and stopped by name, their relays asked over ng.
# Sourced after lib/common.sh (whose lk_ns_add makes the namespaces) by
# sip_traversal.sh, sip_linphone.sh, sip_b2bua.sh and
# tests/interop/kamailio_baresip.sh.
# A process NAME writes its output to $LK_TMP/NAME.log.

LK_INTEROP=$(cd "$LK_LIB/../../interop" && pwd)	# ngq.py, baresip's files


# Outside CI a missing peer or root skips; in CI (./bootstrap.sh test
# installs every peer) it is a failure, so that a skip never hides one.
lk_skip() {
	if [ "${CI:-}" = true ]; then
		printf 'FAIL (CI) %s\n' "$*"
		exit 1
	fi
	printf 'SKIP %s\n' "$*"
	exit 77
}

# A failure after which nothing else can be checked.
lk_fatal() { not_ok "$*"; lk_done || true; exit 1; }

# A veth pair made inside the namespaces (no name on the host), both ends up.
veth() {	# veth NS1 IF1 NS2 IF2
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
		ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# Start CMD in namespace NS, output to $LK_TMP/NAME.log; "ip netns exec"
# execs CMD in place, so $! is CMD's own PID.
lk_ns_start() {	# lk_ns_start NAME NS CMD...
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$LK_TMP/$name.log" 2>&1 </dev/null &
	pid[$name]=$!
	LK_PIDS+=($!)
	order+=("$name")
}

# SIGTERM, up to 5 s, then SIGKILL; the exit status lands in status[NAME].
# A process held with SIGSTOP is let go first, so that it can take the TERM.
lk_ns_stop() {	# lk_ns_stop NAME
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

lk_ns_stop_all() {	# every process started, the last one first
	local i
	for ((i = ${#order[@]} - 1; i >= 0; i--)); do
		lk_ns_stop "${order[i]}"
	done
}

# --- the relays' ng replies, as JSON --------------------------------------------

# One ng request to the relay at $ng (ADDR:PORT, set by the test), from
# inside namespace NS; the reply as JSON (tests/interop/ngq.py).
lk_ngq() {	# lk_ngq NS COMMAND [KEY=VALUE...]
	local ns=$1
	shift
	ip netns exec "$ns" python3 "$LK_INTEROP/ngq.py" "$ng" "$@"
}

# Values at a dotted path of a JSON file, one per line; "*" is every
# member of a dictionary or list.  Nothing for a file that is not JSON.
lk_jget() {	# lk_jget FILE PATH
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
lk_legs() {	# lk_legs QUERY.json
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
