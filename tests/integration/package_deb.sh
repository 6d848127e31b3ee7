#!/usr/bin/env bash
# tests/integration/package_deb.sh  The Debian package: its files, its unit (systemd-analyze verify), the installed daemon starts.
source "$(dirname "$0")/lib/common.sh"
lk_reserve_ports 51000-51999	# this test's block (docs/management.md)

: "${LK_BUILD_DIR:?run through ctest, which sets LK_BUILD_DIR}"

# The build's install rules stage it (cmake --install copies, never
# builds), then CPack makes the .deb from the stage with the build's own
# CPackConfig.cmake (metadata, control files, dpkg-shlibdeps).  Plain
# `cpack` would first build the "preinstall" target, which relinks
# binaries that other tests may be running when a source changed.
# Nothing is installed on the machine: dpkg -x unpacks into a temporary root.
DESTDIR="$LK_TMP/stage" cmake --install "$LK_BUILD_DIR" >"$LK_TMP/install.log" 2>&1 &&
	(cd "$LK_TMP" && cpack --config "$LK_BUILD_DIR/CPackConfig.cmake" \
		-B "$LK_TMP/pkg" -D CPACK_INSTALL_CMAKE_PROJECTS= \
		-D "CPACK_INSTALLED_DIRECTORIES=$LK_TMP/stage;/" \
		-D CPACK_PACKAGING_INSTALL_PREFIX=/ >"$LK_TMP/cpack.log" 2>&1) &&
	rc=0 || rc=$?
check "cpack builds the package" test "$rc" -eq 0
deb=$(ls "$LK_TMP"/pkg/latchkey_*.deb 2>/dev/null | head -n 1)
check "one .deb, named latchkey_VERSION_ARCH" test -n "$deb"
[ -n "$deb" ] || { tail -n 20 "$LK_TMP/cpack.log"; lk_done; exit 1; }

dpkg-deb -I "$deb" >"$LK_TMP/info.txt"
check "package latchkey" grep -q "^ Package: latchkey$" "$LK_TMP/info.txt"
check "depends on adduser and the shared libraries it links" bash -c \
	"grep '^ Depends:' '$LK_TMP/info.txt' | grep -q 'adduser' && grep '^ Depends:' '$LK_TMP/info.txt' | grep -q 'libevent'"
mkdir -p "$LK_TMP/ctl"
dpkg-deb -e "$deb" "$LK_TMP/ctl"
check "the configuration is a conffile" grep -qx "/etc/latchkey/latchkey.conf" "$LK_TMP/ctl/conffiles"
check "the postinst is valid sh" sh -n "$LK_TMP/ctl/postinst"
check "the postinst makes the system user" bash -c \
	"grep -q 'getent passwd latchkey' '$LK_TMP/ctl/postinst' && grep -q 'adduser --system --group' '$LK_TMP/ctl/postinst'"

root=$LK_TMP/root
dpkg -x "$deb" "$root"
unit=$root/lib/systemd/system/latchkeyd.service
bindir=$(sed -nE 's#^ExecStart=(.*)/latchkeyd .*#\1#p' "$unit")
for f in "$bindir/latchkeyd" "$bindir/latchkey"; do
	check "installs ${f#"$root"} (executable)" test -x "$root$f"
done
for f in /etc/latchkey/latchkey.conf /lib/systemd/system/latchkeyd.service; do
	check "installs $f" test -s "$root$f"
done
# latchkey lab's script, where the installed latchkey looks for it.
lab=$(strings "$root$bindir/latchkey" |
	grep -m1 "^${bindir%/bin}/.*/latchkey-lab.py\$" || true)
check "installs the lab's script where latchkey lab looks (${lab:-?})" \
	eval '[[ $lab == "${bindir%/bin}"/* ]] && test -x "$root$lab" &&
	      test -s "$(dirname "$root$lab")/baresip_ctrl.py"'
docdir=$(sed -nE 's#^Documentation=file:(.*)/README.md .*#\1#p' "$unit")
for f in README.md management.md configuration.md status-page.png; do
	check "installs the docs: $docdir/$f" test -s "$root$docdir/$f"
done

# --- the unit ---------------------------------------------------------------------
for line in "User=latchkey" "AmbientCapabilities=CAP_NET_BIND_SERVICE" \
	"CapabilityBoundingSet=CAP_NET_BIND_SERVICE" "Restart=on-failure" \
	"RestartPreventExitStatus=2 78" "NoNewPrivileges=yes" \
	"ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
	"ExecStart=$bindir/latchkeyd --config /etc/latchkey/latchkey.conf" \
	"ExecReload=/usr/bin/kill -HUP \$MAINPID"; do
	check "the unit says $line" grep -qxF -- "$line" "$unit"
done
# systemd-analyze verify checks every directive and that the commands
# exist: point ExecStart at the unpacked binary, the rest as installed.
sed "s#^ExecStart=$bindir/#ExecStart=$root$bindir/#" "$unit" >"$LK_TMP/latchkeyd.service"
systemd-analyze verify "$LK_TMP/latchkeyd.service" >"$LK_TMP/verify.txt" 2>&1 && rc=0 || rc=$?
cat "$LK_TMP/verify.txt"
check "systemd-analyze verify accepts the unit" test "$rc" -eq 0
check "and has nothing to say about it" test ! -s "$LK_TMP/verify.txt"

# --- the installed daemon with the example configuration --------------------------
"$root$bindir/latchkeyd" --check-config --config "$root/etc/latchkey/latchkey.conf" \
	>"$LK_TMP/check.txt" 2>&1 && rc=0 || rc=$?
check "the installed latchkeyd accepts the example configuration" test "$rc" -eq 0
check "the example binds loopback" grep -Eq "^Address = 127\.0\.0\.1" "$LK_TMP/check.txt"
check "the example keeps the seed's management ports" bash -c \
	"grep -Eq '^HTTP port = 80( |$)' '$LK_TMP/check.txt' && grep -Eq '^HTTPS port = 443( |$)' '$LK_TMP/check.txt'"

# A short run: the example, with every port moved into this test's block
# (sections the example leaves to the defaults).
cp "$root/etc/latchkey/latchkey.conf" "$LK_TMP/run.conf"
cat >>"$LK_TMP/run.conf" <<'CONF'
[Protocols > SIP]
UDP port = 51860
TCP port = 51860
TLS port = 51861
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 51862
Call signaling port range start = 51870
Call signaling port range end = 51879
[Protocols > H.323]
Call signaling TCP port = 51863
[Traversal > Ports]
H.323 Assent call signaling port = 51864
H.323 H.460.18 call signaling port = 51865
[Local Zone > Traversal Subzone]
Traversal Media port start = 51880
Traversal Media port end = 51899
[TURN]
TURN requests port start = 51866
TURN requests port end = 51866
TURN relay media port start = 51900
TURN relay media port end = 51919
[Zones > Traversal Zone 1]
SIP port = 51867
H.323 port = 51868
[Session control]
Listen = 127.0.0.1:51869
[Management]
HTTP port = 51920
HTTPS port = 51921
CONF
# lk_start runs $LK_LATCHKEYD: here the installed binary.
LK_LATCHKEYD=$root$bindir/latchkeyd lk_start inst --config "$LK_TMP/run.conf"
check "the installed latchkeyd runs" lk_wait_log inst "running \(pid"
check "it says where its status page is" lk_has_log inst "status page at http://127\.0\.0\.1:51920/"
out=$("$root$bindir/latchkey" status --config "$LK_TMP/run.conf") && rc=0 || rc=$?
check "the installed latchkey status reads it" test "$rc" -eq 0
check "it is an expressway" grep -q "^latchkey expressway " <<<"$out"
check "SIGTERM stops it" lk_stop "${pid[inst]}"
check "stopped cleanly" lk_has_log inst "stopped"
check "its log has no sanitizer report" bash -c \
	"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/inst.log'"

lk_done
