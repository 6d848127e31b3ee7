#!/usr/bin/env python3
"""latchkey lab: the seed's topology in network namespaces, every row's flow run for real.

Run through `latchkey lab` (cmd/labcli.c), which passes the paths of the
latchkeyd and latchkey programs it was built with.  Needs root (it creates
network namespaces; nothing it does leaves them) and the lab's peers:
baresip, coturn's turnutils, nftables, openssl; Graphviz for the picture.
docs/firewall.md ("The lab") describes what it builds and how each verdict
is reached.

Everything it creates (namespaces lklab-PID-*, processes, a temporary
directory) is removed on every exit path, Ctrl-C included.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# --- the topology -------------------------------------------------------------
#
#   private 192.0.2.0/25            DMZ 198.51.100.0/25        internet 198.51.100.128/25
#   ctl   192.0.2.2  (Control)      exp 198.51.100.2           carol 198.51.100.140 (public)
#                                                              dave  198.51.100.150 (H.323, public)
#                                                              erin  198.51.100.151 (H.323, public)
#   alice 192.0.2.10 (endpoint)     (Expressway)               nat   198.51.100.130 (non SIP-aware
#   mgmt  192.0.2.100 (management)                                   NAT, snat to 40000-40999)
#          \                           |                        /    bob 203.0.113.10 behind it
#           lan 192.0.2.1 --- fw (one router, three networks) --- out 198.51.100.129
#                              dmz 198.51.100.1
#
# fw carries `latchkey firewall`'s rules for both configurations with its
# interfaces named (--private-if lan --dmz-if dmz --internet-if out).

ADDR = {
    "fw_lan": "192.0.2.1", "ctl": "192.0.2.2", "alice": "192.0.2.10",
    "mgmt": "192.0.2.100", "fw_dmz": "198.51.100.1", "exp": "198.51.100.2",
    "fw_out": "198.51.100.129", "nat": "198.51.100.130",
    "carol": "198.51.100.140", "nat_lan": "203.0.113.1", "bob": "203.0.113.10",
    "dave": "198.51.100.150", "erin": "198.51.100.151",
}
HOSTS = ("fw", "ctl", "alice", "mgmt", "exp", "nat", "bob", "carol", "dave", "erin")
NG = "127.0.0.1:2223"	# each relay's, on its own namespace's loopback
ZONE_USER, ZONE_PASS = "lab-zone", "lab-zone-secret"
MGMT_TOKEN = "lab-mgmt-token"
TURN_USER, TURN_PASS = "lab", "lab-turn-pass"
CALL_SECS = 4

BARESIP_CONFIG = """\
poll_method		epoll
sip_listen		{addr}:5060
call_local_timeout	30
call_max_calls		1
audio_player		aubridge,lab-speaker
audio_source		ausine,440
audio_alert		aubridge,lab-speaker
audio_level		no
ausrc_srate		48000
ausrc_channels		2
ausrc_format		s16
auplay_format		s16
rtp_ports		{rtp}
rtp_stats		yes
rtp_timeout		0
net_interface		{addr}
dns_server		127.0.0.1:53
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aubridge.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:4444
"""


class Lab:
    def __init__(self, args):
        self.a = args
        self.id = os.getpid()
        self.tmp = tempfile.mkdtemp(prefix="latchkey-lab.")
        self.procs = {}
        self.ns_made = []
        self.flows = []		# what each flow did: name, ok, why, rows
        self.log = args.verbose

    # --- plumbing -----------------------------------------------------------

    def ns(self, host):
        return "lklab-%d-%s" % (self.id, host)

    def say(self, msg):
        print("lab: " + msg, file=sys.stderr, flush=True)

    def run(self, cmd, host=None, check=True, timeout=60, input=None):
        if host:
            cmd = ["ip", "netns", "exec", self.ns(host)] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout, input=input)
        if check and r.returncode != 0:
            raise RuntimeError("%s: exit %d: %s" % (
                " ".join(cmd), r.returncode, (r.stderr or r.stdout).strip()[-400:]))
        return r

    def start(self, name, host, cmd, env=None):
        out = open(os.path.join(self.tmp, name + ".log"), "w")
        p = subprocess.Popen(["ip", "netns", "exec", self.ns(host)] + cmd,
                             stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env,
                             start_new_session=True)
        self.procs[name] = p
        return p

    def logtext(self, name):
        try:
            with open(os.path.join(self.tmp, name + ".log"), "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_log(self, name, pattern, secs, since=0):
        end = time.time() + secs
        while time.time() < end:
            if re.search(pattern, self.logtext(name)[since:]):
                return True
            time.sleep(0.1)
        return False

    def stop(self, name):
        p = self.procs.pop(name, None)
        if not p:
            return None
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        return p.returncode

    def cleanup(self):
        for name in list(self.procs):
            try:
                self.stop(name)
            except Exception:
                pass
        for n in reversed(self.ns_made):
            subprocess.run(["ip", "netns", "del", n], capture_output=True)
        if self.a.keep:
            self.say("kept %s" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the network ----------------------------------------------------------

    def net(self):
        sh = []
        for h in HOSTS:
            n = self.ns(h)
            sh += ["ip netns add %s" % n, "ip -n %s link set lo up" % n]

        def veth(h1, if1, h2, if2):
            sh.extend([
                "ip -n %s link add %s type veth peer name %s netns %s" % (
                    self.ns(h1), if1, if2, self.ns(h2)),
                "ip -n %s link set %s up" % (self.ns(h1), if1),
                "ip -n %s link set %s up" % (self.ns(h2), if2)])

        def addr(h, a, dev, plen=25):
            sh.append("ip -n %s addr add %s/%d dev %s" % (self.ns(h), a, plen, dev))

        def route(h, via):
            sh.append("ip -n %s route add default via %s" % (self.ns(h), via))

        fw = self.ns("fw")
        for br, a in (("lan", ADDR["fw_lan"]), ("out", ADDR["fw_out"])):
            sh += ["ip -n %s link add %s type bridge" % (fw, br),
                   "ip -n %s link set %s up" % (fw, br)]
            addr("fw", a, br)
        for h, br in (("ctl", "lan"), ("alice", "lan"), ("mgmt", "lan"),
                      ("nat", "out"), ("carol", "out"), ("dave", "out"),
                      ("erin", "out")):
            veth("fw", "p-" + h, h, "eth0" if h != "nat" else "wan")
            sh.append("ip -n %s link set p-%s master %s" % (fw, h, br))
        veth("fw", "dmz", "exp", "eth0")
        addr("fw", ADDR["fw_dmz"], "dmz")
        for h in ("ctl", "alice", "mgmt"):
            addr(h, ADDR[h], "eth0")
            route(h, ADDR["fw_lan"])
        addr("exp", ADDR["exp"], "eth0")
        route("exp", ADDR["fw_dmz"])
        for h in ("carol", "dave", "erin"):
            addr(h, ADDR[h], "eth0")
            route(h, ADDR["fw_out"])
        addr("nat", ADDR["nat"], "wan")
        route("nat", ADDR["fw_out"])
        veth("nat", "lan", "bob", "eth0")
        addr("nat", ADDR["nat_lan"], "lan")
        addr("bob", ADDR["bob"], "eth0")
        route("bob", ADDR["nat_lan"])
        for h in ("fw", "nat"):
            sh.append("ip netns exec %s sysctl -q -w net.ipv4.ip_forward=1" % self.ns(h))
        for h in ("ctl", "exp"):	# the relays' own ephemeral ports: seed's range
            sh.append("ip netns exec %s sysctl -q -w net.ipv4.ip_local_port_range='30000 35999'"
                      % self.ns(h))
        for c in sh:
            if c.startswith("ip netns add "):
                self.ns_made.append(c.split()[-1])
            r = subprocess.run(c, shell=True, capture_output=True, text=True)
            if r.returncode:
                raise RuntimeError("%s: %s" % (c, r.stderr.strip()))
        self.run(["nft", "-f", "-"], host="nat", input="""
table ip lab_nat {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan" oifname "wan" accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		iifname "lan" oifname "wan" meta l4proto { tcp, udp } snat to %s:40000-40999
		iifname "lan" oifname "wan" snat to %s
	}
}
""" % (ADDR["nat"], ADDR["nat"]))

    def pki(self):
        d = os.path.join(self.tmp, "pki")
        os.makedirs(d)
        o = ["openssl"]
        self.run(o + ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-nodes", "-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-days", "2",
                      "-subj", "/CN=latchkey lab CA"])
        for h in ("ctl", "exp"):
            with open("%s/%s.ext" % (d, h), "w") as f:
                f.write("subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\n"
                        "extendedKeyUsage=serverAuth,clientAuth\n" % ADDR[h])
            self.run(o + ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                          "-nodes", "-keyout", "%s/%s.key" % (d, h), "-out",
                          "%s/%s.csr" % (d, h), "-subj", "/CN=" + ADDR[h]])
            self.run(o + ["x509", "-req", "-in", "%s/%s.csr" % (d, h), "-CA", d + "/ca.pem",
                          "-CAkey", d + "/ca.key", "-CAcreateserial", "-days", "2",
                          "-extfile", "%s/%s.ext" % (d, h), "-out", "%s/%s.pem" % (d, h)])
        return d

    def configs(self, pki):
        common = """[Protocols > SIP]
TLS certificate = {pki}/{h}.pem
TLS private key = {pki}/{h}.key
[Session control]
Listen = {ng}
[Management]
Address = {addr}
Access token = {mt}
"""
        ctl = """[System]
Role = control
Address = {ctl}
""" + common + """[Registrar]
Domain = internal.example
[Zones > Traversal Zone 1]
Peer address = {exp}
Username = {zu}
Password = {zp}
Keep-alive interval = 2
Retry interval = 2
[Dial plan]
Route 1 = *@external.example zone 1
Route 2 = *@public.example zone 1
"""
        exp = """[System]
Role = expressway
Address = {exp}
""" + common + """[Registrar]
Domain = external.example
[Zones > Traversal Zone 1]
Username = {zu}
Password = {zp}
[TURN]
Realm = lab
Users = {tu}:{tp}
[Dial plan]
Route 1 = *@internal.example zone 1
Route 2 = *@public.example host {carol}:5060 udp
"""
        kw = dict(ADDR, pki=pki, ng=NG, zu=ZONE_USER, zp=ZONE_PASS, tu=TURN_USER,
                  tp=TURN_PASS, mt=MGMT_TOKEN)
        for h, text in (("ctl", ctl), ("exp", exp)):
            with open(os.path.join(self.tmp, h + ".conf"), "w") as f:
                f.write(text.format(h=h, addr=ADDR[h], **kw))
            self.run([self.a.latchkeyd, "--check-config", "--config",
                      os.path.join(self.tmp, h + ".conf")])

    # --- the firewall -----------------------------------------------------------

    def firewall(self):
        cmd = [self.a.latchkey, "firewall", "--control", self.tmp + "/ctl.conf",
               "--expressway", self.tmp + "/exp.conf", "--management", ADDR["mgmt"],
               "--private-if", "lan", "--dmz-if", "dmz", "--internet-if", "out"]
        rules = self.run(cmd).stdout
        with open(self.tmp + "/firewall.nft", "w") as f:
            f.write(rules)
        self.run(["nft", "-f", self.tmp + "/firewall.nft"], host="fw")
        # A bridge's own traffic (alice and the Control on "lan", the NAT
        # and carol on "out") meets the forward hook only where the host has
        # br_netfilter loaded; it crosses no firewall of the seed's.
        for br in ("lan", "out"):
            self.run(["nft", "insert", "rule", "inet", "latchkey", "forward",
                      "iifname", br, "oifname", br, "accept", "comment",
                      '"lab: %s bridge own traffic"' % br], host="fw")
        self.broken = []
        for pat in self.a.breaks:
            n = 0
            for r in self.rules():
                if pat in r["comment"] or pat == str(r["handle"]):
                    self.run(["nft", "delete", "rule", "inet", "latchkey", "forward",
                              "handle", str(r["handle"])], host="fw")
                    self.broken.append(r["comment"])
                    n += 1
            if not n:
                raise RuntimeError("--break %r matches no rule's comment or handle" % pat)
            self.say("--break %r removed %d rule(s)" % (pat, n))

    def rules(self):
        """The forward chain's rules: handle, comment, packets, match (the rule
        without counter and comment: rules that match the same packets)."""
        j = json.loads(self.run(["nft", "-j", "list", "chain", "inet", "latchkey",
                                 "forward"], host="fw").stdout)
        out = []
        for item in j.get("nftables", []):
            r = item.get("rule")
            if not r:
                continue
            pk, match = 0, []
            for e in r.get("expr", []):
                if "counter" in e:
                    pk = e["counter"].get("packets", 0)
                else:
                    match.append(json.dumps(e, sort_keys=True))
            out.append({"handle": r["handle"], "comment": r.get("comment", ""),
                        "packets": pk, "match": "\n".join(match)})
        return out

    # --- the relays and endpoints -------------------------------------------------

    def relays(self):
        for h in ("exp", "ctl"):
            self.start(h, h, [self.a.latchkeyd, "--config", self.tmp + "/%s.conf" % h])
            if not self.wait_log(h, r"running \(pid", 10):
                raise RuntimeError("latchkeyd (%s) did not start: %s" % (
                    h, self.logtext(h)[-600:]))

    def ua(self, name, rtp, account):
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        with open(d + "/config", "w") as f:
            f.write(BARESIP_CONFIG.format(addr=ADDR[name], rtp=rtp))
        with open(d + "/accounts", "w") as f:
            f.write(account + "\n")
        self.start(name, name, ["baresip", "-s", "-f", d, "-t", str(self.a.limit)])

    def endpoints(self):
        pki = self.tmp + "/pki"
        self.ua("alice", "10000-10019",
                '<sip:alice@internal.example;transport=tls>;outbound="sip:%s:5061;'
                'transport=tls";regint=60;answermode=auto;audio_codecs=PCMU' % ADDR["ctl"])
        with open(self.tmp + "/alice/config", "a") as f:
            f.write("sip_cafile\t\t%s/ca.pem\n" % pki)
        self.ua("bob", "20000-20019",
                '<sip:bob@external.example;transport=udp>;outbound="sip:%s:5060;'
                'transport=udp";regint=60;answermode=auto;audio_codecs=PCMU' % ADDR["exp"])
        self.ua("carol", "30000-30019",
                '<sip:carol@external.example;transport=tcp>;outbound="sip:%s:5060;'
                'transport=tcp";regint=60;answermode=auto;audio_codecs=PCMU' % ADDR["exp"])

    def ua_command(self, name, command, params=""):
        r = self.run(["python3", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              "baresip_ctrl.py"), command, params, "lab"],
                     host=name, check=False, timeout=15)
        try:
            return json.loads(r.stdout).get("ok") is True
        except ValueError:
            return False

    # --- flows ---------------------------------------------------------------------

    def flow(self, name, ok, why, rows, hosts, short=None):
        """rows: the flow's needs, each a pattern of the comments of the rules
        that must count it (alternatives in one pattern: one of them); hosts:
        its path, for the picture, labelled SHORT."""
        self.flows.append({"flow": name, "ok": bool(ok), "why": why or "",
                           "rows": rows, "hosts": hosts, "short": short or name})
        self.say("%-8s %s%s" % ("ok" if ok else "FAILED", name, "" if ok else ": " + why))

    def f_registrations(self):
        w = 15
        ok = self.wait_log("bob", r"bob@external.example: \{0/UDP/v4\} 200 OK", w)
        self.flow("bob registers with the Expressway over UDP through his NAT", ok,
                  "no 200 OK to bob's REGISTER", [r"non SIP-aware firewall, row 1 C .*UDP|"
                                                  r"public IP address, row 1 C .*UDP"],
                  ("bob", "nat", "exp"), "REGISTER, UDP 5060 (C)")
        ok = self.wait_log("carol", r"carol@external.example: \{0/TCP/v4\} 200 OK", w)
        self.flow("carol registers with the Expressway over TCP", ok,
                  "no 200 OK to carol's REGISTER", [r"row 1 K \(Internet to DMZ\).*TCP"],
                  ("carol", "exp"), "REGISTER, TCP 5060 (K)")
        ok = self.wait_log("alice", r"alice@internal.example: \{0/TLS/v4\} 200 OK", w)
        self.flow("alice registers with the Control over TLS", ok,
                  "no 200 OK to alice's REGISTER", [], ("alice", "ctl"),
                  "REGISTER, TLS 5061")

    def f_zone(self):
        ok = self.wait_log("ctl", r"traversal zone 1 \(.*\): connected to the Expressway "
                           r".*; authenticated", 15)
        self.flow("the Control connects the traversal zone out to the Expressway's 7001 (TLS)",
                  ok, "the zone did not come up (Control's log)",
                  [r"SIP traversal call, row 1 B zone 1 .*TLS"], ("ctl", "exp"),
                  "traversal zone, TLS 7001 (B)")

    def call(self, caller, callee, uri, rows, hosts, short):
        off = {u: len(self.logtext(u)) for u in (caller, callee)}
        name = "%s calls %s (%s)" % (caller, callee, uri)
        if not self.ua_command(caller, "dial", uri):
            return self.flow(name, False, "%s's baresip refused the dial" % caller, rows,
                             hosts, short)
        est = all(self.wait_log(u, "Call established", 15, off[u]) for u in (caller, callee))
        if not est:
            self.ua_command(caller, "hangup")
            time.sleep(1)
            return self.flow(name, False, "not established", rows, hosts, short)
        time.sleep(CALL_SECS)
        self.ua_command(caller, "hangup")
        for u in (caller, callee):
            self.wait_log(u, r"terminated \(duration", 10, off[u])
        time.sleep(0.5)
        rx = {}
        for u in (caller, callee):
            t = re.sub(r"\x1b\[[0-9;]*m", "", self.logtext(u)[off[u]:])
            m = re.search(r"packets:\s+(\d+)\s+(\d+)", t)
            rx[u] = int(m.group(2)) if m else 0
        need = CALL_SECS * 50 * 6 // 10
        bad = [u for u in rx if rx[u] < need]
        self.flow(name, not bad, ", ".join("%s received %d RTP packets (< %d)" % (
            u, rx[u], need) for u in bad), rows, hosts, short)

    def f_calls(self):
        self.call("bob", "alice", "sip:alice@internal.example", [
            r"SIP traversal call, row 2 Y_E .*Assent RTP",
            r"non SIP-aware firewall, row 2 Y_E \(Internet to DMZ\): RTP|"
            r"public IP address, row 2 Y_E \(Internet to DMZ\): RTP"],
            ("bob", "nat", "exp", "ctl", "alice"), "call bob -> alice, RTP (Y_E)")
        self.call("alice", "carol", "sip:carol@public.example", [
            r"row 1 F \(DMZ to Internet\): SIP signaling, UDP",
            r"SIP traversal call, row 2 Y_E .*Assent RTP",
            r"public IP address, row 2 (E \(DMZ to Internet\)|Y_E \(Internet to DMZ\)): RTP|"
            r"non SIP-aware firewall, row 2 (N \(DMZ to Internet\)|Y_E \(Internet to DMZ\)): RTP"],
            ("alice", "ctl", "exp", "carol"), "call alice -> carol, SIP UDP (F), RTP")

    def f_h323(self):
        """dave and erin, H.323 endpoints on the internet (lk-h323ep: no
        H.323 endpoint is packaged), register with the Expressway's
        gatekeeper; dave calls erin, routed through it (seed: "H.323 call
        with registered endpoint with public IP address")."""
        ep = [self.a.h323ep, "--gk", ADDR["exp"], "--json", "--timeout", "20"]
        self.start("erin", "erin", ep + ["--addr", ADDR["erin"], "--alias", "erin",
                                         "--answer", "--media-port", "52000"])
        end = time.time() + 15
        while time.time() < end and self.procs["erin"].poll() is None and \
                "waiting for a call" not in self.logtext("erin"):
            time.sleep(0.1)
        waiting = "waiting for a call" in self.logtext("erin")
        r = self.run(ep + ["--addr", ADDR["dave"], "--alias", "dave", "--call", "erin",
                           "--media-port", "52010", "--seconds", str(CALL_SECS)],
                     host="dave", check=False, timeout=60)
        with open(os.path.join(self.tmp, "dave.log"), "w") as f:
            f.write(r.stdout + r.stderr)
        p = self.procs.get("erin")
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.stop("erin")
        res = {}
        for h, text in (("dave", r.stdout), ("erin", self.logtext("erin"))):
            m = re.findall(r"^\{.*\}$", text, re.M)
            res[h] = json.loads(m[-1]) if m else {"ok": False, "why": "no summary; %s" % (
                text.strip().splitlines() or ["no output"])[-1]}
        need = CALL_SECS * 50 * 6 // 10
        bad = ["%s: %s" % (h, v.get("why") or "received %d RTP packets (< %d)" % (
            v.get("rtp_received", 0), need)) for h, v in res.items()
            if not v.get("ok") or v.get("rtp_received", 0) < need]
        if not waiting:
            bad.insert(0, "erin did not register")
        self.flow("dave calls erin (H.323, both registered with the Expressway's gatekeeper)",
                  not bad, "; ".join(bad), [
                      r"registered endpoint with public IP address, row 1 R_E \(Internet to DMZ\)",
                      r"registered endpoint with public IP address, row 2 M \(Internet to DMZ\)",
                      r"registered endpoint with public IP address, row 2 G \(DMZ to Internet\)",
                      r"registered endpoint with public IP address, row 4 (E \(DMZ to Internet\)|"
                      r"Y_E \(Internet to DMZ\)): RTP",
                      r"registered endpoint with public IP address, row 5 (E \(DMZ to Internet\)|"
                      r"Y_E \(Internet to DMZ\)): RTCP"],
                  ("dave", "exp", "erin"), "H.323 call dave -> erin: RAS 1719 (R_E), "
                  "Q.931 1720 (M, G), RTP/RTCP (Y_E)")

    def f_turn(self):
        self.start("turnpeer", "carol", ["turnutils_peer", "-L", ADDR["carol"], "-p", "3480"])
        time.sleep(0.5)
        r = self.run(["timeout", "40", "turnutils_uclient", "-e", ADDR["carol"], "-r", "3480",
                      "-n", "20", "-m", "1", "-p", "3478", "-u", TURN_USER, "-w", TURN_PASS,
                      "-X", "-g", ADDR["exp"]], host="bob", check=False, timeout=60)
        out = r.stdout + r.stderr
        with open(self.tmp + "/turn.log", "w") as f:
            f.write(out)
        s = re.findall(r"tot_send_msgs=(\d+)", out)
        rc = re.findall(r"tot_recv_msgs=(\d+)", out)
        ok = bool(s and rc and int(s[-1]) > 0 and s[-1] == rc[-1])
        self.flow("bob (behind NAT) relays through the Expressway's TURN server to carol",
                  ok, "turnutils_uclient: sent %s, received %s" % (
                      s[-1] if s else "?", rc[-1] if rc else "?"),
                  [r"ICE, row 1 R \(Internet to DMZ\): TURN server control",
                   r"ICE, row 2 N \(DMZ to Internet\): TURN server media"],
                  ("bob", "nat", "exp", "carol"), "TURN 3478 (R), relay 24000-29999 (N)")
        self.stop("turnpeer")

    def f_management(self):
        """The management PC reads each relay's /status over HTTP and HTTPS
        (seed, Administration: http and https from the management system)."""
        prog = r"""
import json, ssl, sys, urllib.request
url, token = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE	# the lab's self-signed certificate
with urllib.request.urlopen(req, timeout=5, context=ctx) as r:
    print(json.load(r).get("role", "?"))
"""
        for h, role in (("exp", "expressway"), ("ctl", "control")):
            for scheme, port, row in (("http", 80, 1), ("https", 443, 2)):
                url = "%s://%s:%d/status" % (scheme, ADDR[h], port)
                r = self.run(["python3", "-c", prog, url, MGMT_TOKEN], host="mgmt",
                             check=False, timeout=20)
                got = r.stdout.strip()
                rows = [r"Administration: Cisco VCS Expressway, row %d S \(Private to DMZ\)"
                        % row] if h == "exp" else []
                self.flow("the management PC reads the %s's /status over %s" % (
                    "Expressway" if h == "exp" else "Control", scheme.upper()),
                    got == role, "GET %s: %s" % (url, got or (r.stderr.strip()
                                                             .splitlines() or ["?"])[-1]),
                    rows, ("mgmt", h), "GET /status, %s %d (S)" % (scheme.upper(), port))

    def probe(self, host, side, name):
        r = self.run([self.a.latchkey, "probe", "--config", self.tmp + "/exp.conf",
                      "--from", side, "--json", "--timeout", "1000"], host=host,
                     check=False, timeout=120)
        res = []
        for ln in r.stdout.splitlines():
            try:
                res.append(json.loads(ln))
            except ValueError:
                pass
        with open(self.tmp + "/probe-%s.json" % side, "w") as f:
            json.dump(res, f, indent=1)
        self.probes += [dict(p, vantage=name) for p in res]

    def f_probes(self):
        self.probes = []
        self.probe("carol", "internet", "internet (carol)")
        self.probe("ctl", "control", "Control")
        self.probe("mgmt", "management", "management (mgmt)")

    # --- verdicts -------------------------------------------------------------------

    def verdicts(self):
        rules = [r for r in self.rules() if r["comment"].startswith("seed: ")]
        by_match = {}
        for r in rules:
            by_match.setdefault(r["match"], []).append(r)
        for r in rules:	# a rule shadowed by one that matches the same packets
            r["group_packets"] = sum(x["packets"] for x in by_match[r["match"]])
        drop = [r for r in self.rules() if "not in the seed" in r["comment"]]
        entries = {}	# (title, row, direction) -> how latchkeyd serves it, crossing
        for h in ("ctl", "exp"):
            pm = json.loads(self.run([self.a.latchkey, "ports", "--config",
                                      self.tmp + "/%s.conf" % h, "--json"]).stdout)
            for e in pm:
                d = e["direction"]
                key = (e["title"], e["row"], d["firewall"])
                how = e["latchkeyd"]
                if how == "not-latchkeyd" and e["src"].get("role"):
                    # latchkeyd opens this flow (its listening side is the
                    # far end): it serves it as it serves the row's other
                    # direction, which listens on latchkeyd.
                    how = next((x["latchkeyd"] for x in pm if x["title"] == e["title"]
                                and x["row"] == e["row"] and x["purpose"] == e["purpose"]
                                and x["dst"].get("role")), how)
                old = entries.get(key)
                if not old or (old[0] != "served" and how == "served"):
                    entries[key] = (how, d.get("from") != d.get("to"))
        rows = []
        for key in sorted(entries):
            title, row, direction = key
            how, crossing = entries[key]
            head = "seed: %s, row %d " % (title, row)
            mine = [r for r in rules if r["comment"].startswith(head)
                    and "(%s)" % direction in r["comment"]]
            v = self.verdict(head, direction, how, crossing, mine, rules)
            letters = sorted(set(re.sub(r"^row \d+ (\S*).*", r"\1", r["comment"][len(head) - 6:])
                                 for r in mine))
            rows.append(dict(v, table=title, row=row, direction=direction, latchkeyd=how,
                             letters=[x for x in letters if x],
                             rules=[{"comment": r["comment"], "packets": r["packets"],
                                     "same-match packets": r["group_packets"]} for r in mine]))
        for p in self.probes:
            if p.get("row", "").startswith("negative"):
                rows.append({"table": "negative probes", "row": 0, "direction": p["vantage"],
                             "latchkeyd": "-", "rules": [],
                             "verdict": "blocked as expected" if p["verdict"] ==
                             "blocked as expected" else "failed",
                             "why": "%s %s %s: %s" % (p["transport"], p["port"], p["row"],
                                                      p.get("why", ""))})
        return rows, sum(r["packets"] for r in drop)

    def verdict(self, head, direction, how, crossing, mine, rules):
        # The flows that need this row, and whether each need was met by
        # some row: a need is a pattern of rule comments, and one that
        # names both directions of a media row is met by whichever side
        # sent first (the other then rides on connection tracking).
        want, other = [], []
        for f in self.flows:
            for need in f["rows"]:
                if not any(re.search(need, r["comment"]) for r in mine):
                    continue
                met = [r for r in rules if re.search(need, r["comment"])
                       and r["group_packets"] > 0]
                if f["ok"] and met and not any(r["group_packets"] for r in mine):
                    other.append((f, met))
                else:
                    want.append(f)
        broke = [c for c in self.broken if c.startswith(head) and direction in c]
        # A probe's row names its letter ("row 2 M: ..."), as do the rules'
        # comments ("row 2 M (Internet to DMZ): ..."): the same row and
        # letter is the same direction.
        letters = {r["comment"][len(head):].split(" ", 1)[0] for r in mine}
        probes = [p for p in self.probes if p.get("row", "").startswith(head)
                  and p["row"][len(head):].split(":", 1)[0] in letters
                  and p["verdict"] in ("pass", "FAILED")]
        own = sum(r["packets"] for r in mine)
        shared = sum(r["group_packets"] for r in mine)
        by = sorted(set([f["flow"] for f in want if f["ok"]] + [
            "probe from %s" % p["vantage"] for p in probes if p["verdict"] == "pass"]))
        bad = ["%s: %s" % (f["flow"], f["why"]) for f in want if not f["ok"]] + [
            "probe from %s: %s" % (p["vantage"], p.get("why", ""))
            for p in probes if p["verdict"] == "FAILED"]
        if broke:
            return {"verdict": "failed", "why": "rule removed by --break" + (
                "; " + "; ".join(bad) if bad else "")}
        if how != "served":
            return {"verdict": "not served", "why": {
                "not-latchkeyd": "not a latchkeyd service (the VCS's own)",
                "not-served-yet": "latchkeyd does not serve it yet",
                "bound-not-served": "port bound, protocol not served yet"}.get(how, how)}
        if not crossing:
            return {"verdict": "no firewall", "why": "inside one network"}
        if not mine:
            return {"verdict": "not served", "why": "not configured, so no rule "
                    "(latchkey firewall --all-rows adds it)"}
        if bad:
            return {"verdict": "failed", "why": "; ".join(bad)}
        if own:
            return {"verdict": "verified", "why": "its rule counted %d packets%s" % (
                own, "; " + "; ".join(by) if by else "")}
        if shared and by:
            return {"verdict": "verified", "why": "an identical rule of another row "
                    "counted %d packets; %s" % (shared, "; ".join(by))}
        if other and not want:
            return {"verdict": "not exercised", "why": "%s: opened from the other side "
                    "(%s counted)" % (other[0][0]["flow"], re.sub(r"^seed: ", "",
                                                                   other[0][1][0]["comment"]))}
        if want or probes:
            return {"verdict": "failed", "why": "its flow passed but no rule like it "
                    "counted a packet (another rule let it through?)"}
        if shared:
            return {"verdict": "not exercised", "why": "no flow of its own; an identical "
                    "rule of another row counted %d packets" % shared}
        return {"verdict": "not exercised", "why": "the lab opens no such flow (replies "
                "ride on connection tracking)"}

    # --- output -------------------------------------------------------------------------

    def report(self, rows, dropped):
        order = ["failed", "verified", "blocked as expected", "not exercised",
                 "not served", "no firewall"]
        n = {k: sum(1 for r in rows if r["verdict"] == k) for k in order}
        for r in rows:
            what = ("%s, row %d %s(%s)" % (r["table"], r["row"], "".join(
                x + " " for x in r.get("letters", [])), r["direction"]) if r["row"]
                else "%s from %s" % (r["table"], r["direction"]))
            print("%-20s %s: %s" % ("FAILED" if r["verdict"] == "failed" else r["verdict"],
                                    what, r.get("why", "")))
        print("# latchkey lab: %s; default drop counted %d packets" % (
            ", ".join("%d %s" % (n[k], k) for k in order if n[k]), dropped))
        for f in self.flows:
            print("# flow %-6s %s%s" % ("ok" if f["ok"] else "FAILED", f["flow"],
                                        "" if f["ok"] else ": " + f["why"]))
        result = {"rows": rows, "flows": self.flows, "default_drop_packets": dropped,
                  "broken": self.broken, "summary": n}
        if self.a.json:
            with open(self.a.json, "w") as f:
                json.dump(result, f, indent=1)
        if self.a.picture:
            self.picture(self.a.picture, n)
        return n["failed"] == 0

    def picture(self, stem, n):
        colour = {True: "#1a7f37", False: "#cf222e"}
        g = ['digraph lab {', ' rankdir=LR; fontname="Helvetica"; node [fontname="Helvetica",'
             ' shape=box, style="rounded,filled", fillcolor="#f6f8fa"];'
             ' edge [fontname="Helvetica", fontsize=10];',
             ' labelloc=t; label="latchkey lab: %s%s\\nflows through one router with '
             'latchkey firewall\'s rules (green: passed, red: failed)";' % (
                 ", ".join("%d %s" % (v, k) for k, v in n.items() if v),
                 "; --break " + ", ".join(self.a.breaks) if self.a.breaks else "")]
        nets = (("private", "private network 192.0.2.0/25", ("alice", "mgmt", "ctl")),
                ("dmz", "DMZ 198.51.100.0/25", ("exp",)),
                ("internet", "internet", ("carol", "dave", "erin", "nat", "bob")))
        label = {"alice": "alice\\nbaresip, TLS", "mgmt": "management PC",
                 "ctl": "Control\\nlatchkeyd", "exp": "Expressway\\nlatchkeyd, TURN,\\ngatekeeper",
                 "carol": "carol\\nbaresip, public", "nat": "NAT\\n(port-changing)",
                 "dave": "dave\\nH.323 (lk-h323ep)", "erin": "erin\\nH.323 (lk-h323ep)",
                 "bob": "bob\\nbaresip, behind NAT"}
        for key, title, hosts in nets:
            g.append(' subgraph cluster_%s { label="%s"; style=dashed;' % (key, title))
            for h in hosts:
                g.append('  %s [label="%s\\n%s"];' % (h, label[h], ADDR[h]))
            g.append(' }')
        for f in self.flows:
            hs = f["hosts"]
            for a, b in zip(hs, hs[1:]):
                g.append(' %s -> %s [color="%s", penwidth=2, label="%s"];' % (
                    a, b, colour[f["ok"]], f["short"] if a == hs[0] else ""))
        negs = [p for p in self.probes if p.get("row", "").startswith("negative")]
        okneg = all(p["verdict"] == "blocked as expected" for p in negs)
        g.append(' carol -> exp [style=dashed, color="%s", label="%d negative probes: %s"];' % (
            colour[okneg], len(negs), "blocked" if okneg else "NOT all blocked"))
        g.append('}')
        with open(stem + ".dot", "w") as f:
            f.write("\n".join(g) + "\n")
        if shutil.which("dot"):
            for fmt in ("svg", "png"):
                self.run(["dot", "-T" + fmt, stem + ".dot", "-o", "%s.%s" % (stem, fmt)])
        else:
            self.say("Graphviz's dot is not installed: wrote %s.dot only" % stem)

    def main(self):
        self.say("building the topology in namespaces lklab-%d-*" % self.id)
        self.net()
        pki = self.pki()
        self.configs(pki)
        self.firewall()
        self.relays()
        self.endpoints()
        self.f_registrations()
        self.f_zone()
        self.f_calls()
        self.f_h323()
        self.f_turn()
        self.f_management()
        self.f_probes()
        for h in ("ctl", "exp"):
            if self.stop(h) not in (0, None):
                self.flow("latchkeyd (%s) stops cleanly" % h, False, "exit status not 0",
                          [], (h,), "stop")
        rows, dropped = self.verdicts()
        return self.report(rows, dropped)


def main():
    ap = argparse.ArgumentParser(
        prog="latchkey lab",
        description="Builds the seed's topology in network namespaces (a private network "
        "with an endpoint, a Control and a management PC; a DMZ with an Expressway; the "
        "internet with a public endpoint, two H.323 endpoints and one behind a "
        "port-changing NAT), loads "
        "`latchkey firewall`'s rules on the router between them, runs each served row's "
        "flow for real (registrations, the traversal zone, SIP and H.323 calls with media "
        "both ways, "
        "TURN, probes and negative probes) and prints every seed row's verdict: verified "
        "(its rule counted packets), blocked as expected, FAILED (why), not exercised, or "
        "not served by latchkeyd.  Needs root.  Exit status 0 when nothing failed.")
    ap.add_argument("--latchkeyd", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--latchkey", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--h323ep", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--break", dest="breaks", action="append", default=[], metavar="RULE",
                    help="remove the firewall rules whose comment contains RULE (or whose "
                    "handle is RULE) before the flows run; repeatable")
    ap.add_argument("--json", metavar="FILE", help="write the verdicts and flows as JSON")
    ap.add_argument("--picture", metavar="STEM", help="write STEM.dot, STEM.svg, STEM.png "
                    "(Graphviz): the topology with each flow coloured by its verdict")
    ap.add_argument("--limit", type=int, default=240, help="seconds the whole run may take "
                    "(240)")
    ap.add_argument("--keep", action="store_true", help="keep the logs and configurations")
    ap.add_argument("--verbose", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("latchkey lab: needs root (it creates network namespaces)", file=sys.stderr)
        return 2
    missing = [t for t in ("ip", "nft", "baresip", "turnutils_uclient", "turnutils_peer",
                           "openssl") if not shutil.which(t)]
    if not os.access(a.h323ep, os.X_OK):
        missing.append(a.h323ep)
    if missing:
        print("latchkey lab: missing %s (./bootstrap.sh deps installs them)" %
              ", ".join(missing), file=sys.stderr)
        return 2
    lab = Lab(a)

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(a.limit)
    try:
        return 0 if lab.main() else 1
    except KeyboardInterrupt:
        print("latchkey lab: interrupted (or --limit %d s reached); cleaning up" % a.limit,
              file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        print("latchkey lab: %s" % e, file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        lab.cleanup()


if __name__ == "__main__":
    sys.exit(main())
