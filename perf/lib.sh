# perf/lib.sh  What perf/bench.sh and perf/bench_kfwd.sh share: stopping a relay, CPU ticks.
#
# Sourced, not run.  The caller keeps the relay's PID in $relay_pid.  Both
# scripts run under `set -euo pipefail`, so nothing here may fail because
# the machine changed under it (a process exiting while /proc is read).

# Stop the relay in $relay_pid: TERM, up to 5 s, then KILL; reap it.
stop_relay() {
	local i
	[ -n "${relay_pid:-}" ] || return 0
	kill -TERM "$relay_pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$relay_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$relay_pid" 2>/dev/null || true
	wait "$relay_pid" 2>/dev/null || true
	relay_pid=
}

# CPU ticks busy on the whole machine (user nice system irq softirq steal).
busy_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Every process's /proc/PID/stat.  Processes come and go while this reads:
# cat then exits 1 for the file that vanished, which under pipefail would
# end the whole benchmark; a vanished process is no error.
all_stat() {
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; }
}

# CPU ticks used by every process but this script (whose reaped children,
# the generator among them, count as its own) and the relay: utime, stime
# and the reaped children's cutime, cstime (/proc/PID/stat 14-17): what
# other work on a shared machine took.
others_ticks() {
	all_stat | awk -v me=$$ -v relay="${relay_pid:-}" '
		$1 != me && $1 != relay {
			sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15
		}
		END { print t + 0 }'
}

# ksoftirqd's ticks: softirq work the kernel deferred to its threads.
ksoftirqd_ticks() {
	all_stat |
		awk '$2 ~ /^\(ksoftirqd\// { t += $14 + $15 } END { print t + 0 }'
}
