#!/usr/bin/env bash
# live_tmux.sh: a live capture in the interactive view, as a person sees
# it.  As root, in a network namespace of its own, tcpviz -i lo runs in
# tmux while tests/sockplay makes real connections with the kernel's TCP
# on the namespace's loopback:
# - the list waits, then shows each connection as it comes, with both
#   sides' states, the packet count and pcap's drop counters;
# - it follows the newest row; Up stops that (the title says so), f
#   starts it again;
# - a connection opened while it is still open grows in the diagram as
#   its close arrives (following); after Home the cursor stays put;
# - w saves the packets of the connection on screen to a new pcap that
#   reads back as the same connection;
# - with --max-conns the title says connections were let go;
# - -c N ends the capture and the view says so; q exits with status 0
#   and pcap's counters are printed; -w has saved what the view read.
# Exit 77 (skip) without root, tmux, ip or network namespaces.
set -u
: "${TCPVIZ:?}" "${top_builddir:=.}" "${top_srcdir:=.}"
sockplay=$top_builddir/tests/sockplay
skip() { echo "SKIP: $*"; exit 77; }
[ -x "$TCPVIZ" ] || skip "$TCPVIZ not built"
[ -x "$sockplay" ] || skip "$sockplay not built"
[ "$(id -u)" -eq 0 ] || skip "needs root (a network namespace, a live capture)"
command -v ip >/dev/null || skip "ip (iproute2) is not installed"

. "${top_srcdir:-.}/tests/tmux.sh"
tmux_setup live
# tcpviz drops root to nobody, who writes the saved files here.
chmod 1777 "$tmp"
cleanup() {
	# Whatever still runs in the namespace (tcpviz, a sockplay).
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	tmux_cleanup
}
trap cleanup EXIT
ns=tcpviz-live-$$
ip netns add "$ns" 2>/dev/null || skip "cannot make a network namespace"
ip -n "$ns" link set lo up

# title NAME: the top line now.
title() { screen "$1" | head -n 1; }

# A connection that stays open three seconds before the client closes.
cat >"$tmp/slow.tcpviz" <<'EOF'
id          slow-close
title       A connection that stays open for three seconds
title.zh    保持三秒的连接
client      10.0.0.1:49152
server      10.0.0.2:80
server  at 0                listen 128
server  on connected        accept
server  on eof              close
client  at 0.1              connect
client  on connected after 3 close
EOF

# play SCENARIO CLIENT_PORT: one connection to 127.0.0.1:80 in the
# namespace; returns when both sides are done (sockplay says "done" and
# then keeps its sockets until it is killed).
play() {
	local sc=$1 port=$2 server client
	ip netns exec "$ns" "$sockplay" --side server --server 127.0.0.1:80 \
	    "$sc" >"$tmp/server.$port" 2>&1 &
	server=$!
	sleep 0.2
	ip netns exec "$ns" "$sockplay" --side client --server 127.0.0.1:80 \
	    --client "127.0.0.1:$port" "$sc" >"$tmp/client.$port" 2>&1 &
	client=$!
	for _ in $(seq 100); do
		grep -q '^done' "$tmp/server.$port" &&
		    grep -q '^done' "$tmp/client.$port" && break
		sleep 0.1
	done
	grep -q '^done' "$tmp/client.$port" ||
	    { echo "sockplay on port $port did not finish:"; cat "$tmp/client.$port"; }
	kill "$server" "$client" 2>/dev/null
	wait "$server" "$client" 2>/dev/null
}

# start NAME ARGS...: tcpviz in the namespace, in a 120x30 terminal,
# from the shared directory; its exit status and stderr go to files.
start() {
	local name=$1
	shift
	tm new-session -d -s "$name" -x 120 -y 30 -c "$tmp" \
	    "ip netns exec $ns env LANG=C.UTF-8 $TCPVIZ $* 2>$tmp/$name.err; echo \$? >$tmp/$name.rc; sleep 60"
}

# ---- The list as connections come ----
start live -i lo --max-conns 2 tcp port 80
check live 'Waiting for TCP packets' "the list waits for packets"
check live 'LIVE, following' "the title says the capture is live and followed"
check live 'dropped 0\+0' "pcap's drop counters are shown"

play lifecycle 49152
check live '127\.0\.0\.1:49152 +127\.0\.0\.1:80 +TIME_WAIT +CLOSED +11 ' \
    "a whole connection appears with both sides' states and 11 packets"

# Up (already the only row) is still the end: following goes on; with
# a second row, Up leaves the end.
play lifecycle 49153
check live '127\.0\.0\.1:49153 ' "a second connection appears"
keys live Up
check live 'LIVE, paused \(f follows\)' "moving up stops following"
keys live f
check live 'LIVE, following' "f follows again"

# ---- A connection that grows on screen ----
play "$tmp/slow.tcpviz" 49154 &
player=$!
check live '127\.0\.0\.1:49154 +127\.0\.0\.1:80 +ESTABLISHED +ESTABLISHED' \
    "an open connection shows as ESTABLISHED on both sides"
keys live Enter
check live 'live, following' "the connection opens in the diagram, following"
check live 'TIME_WAIT' "its close arrives in the diagram while it is open"
# The counter of the title: on the last step.
if title live | grep -Eq ' ([0-9]+)/\1 *$'; then
	ok "the cursor followed to the last event"
else
	bad "the cursor followed to the last event: $(title live)"
fi
wait "$player"

keys live w
check live 'Saved [0-9]+ packets to lo-conn[0-9]+\.pcap' \
    "w saves the connection on screen"
n=$(grep -Eo 'Saved [0-9]+ packets' "$tmp/live.screen" | grep -Eo '[0-9]+')
saved=$(ls "$tmp"/lo-conn*.pcap 2>/dev/null | head -n 1)
if [ -n "$saved" ] && "$TCPVIZ" -r "$saved" --text >"$tmp/saved.txt" 2>&1 &&
    grep -q '1 connection:' "$tmp/saved.txt" &&
    grep -q '127\.0\.0\.1:49154 -> 127\.0\.0\.1:80' "$tmp/saved.txt" &&
    grep -q "; $n packets" "$tmp/saved.txt"; then
	ok "the saved file holds that connection alone, its $n packets"
else
	bad "the saved file holds that connection alone, its ${n:-?} packets"
	sed 's/^/  | /' "$tmp/saved.txt" 2>/dev/null
fi

# Home leaves the end: new events no longer move the cursor.
keys live Escape
check live "127\\.0\\.0\\.1:49154 +127\\.0\\.0\\.1:80 +TIME_WAIT +CLOSED +${n:-x} " \
    "Esc goes back to the list, where the saved connection has as many packets"
play "$tmp/slow.tcpviz" 49155 &
player=$!
check live '127\.0\.0\.1:49155 +127\.0\.0\.1:80 +ESTABLISHED' \
    "another open connection"
keys live Enter
check live 'live, following' "it opens following"
keys live Home
check live ' 1/[0-9]+ *$' "Home goes to the first event"
before=$(title live | grep -Eo '/[0-9]+ *$' | tr -dc 0-9)
wait "$player"
# Its close has come; the view shows it within a refresh.
for _ in $(seq 30); do
	after=$(title live | grep -Eo '/[0-9]+ *$' | tr -dc 0-9)
	[ "${after:-0}" -gt "${before:-0}" ] && break
	sleep 0.1
done
if title live | grep -Eq ' 1/[0-9]+ *$' && ! title live | grep -q following &&
    [ "${after:-0}" -gt "${before:-0}" ]; then
	ok "after Home the cursor stays while the connection grows ($before to $after events)"
else
	bad "after Home the cursor stays while the connection grows: $(title live)"
fi
keys live Escape
check live '[0-9] connections? let go \(limits\)' \
    "the list says connections were let go (--max-conns 2)"

keys live q
for _ in $(seq 50); do [ -s "$tmp/live.rc" ] && break; sleep 0.1; done
if [ "$(cat "$tmp/live.rc" 2>/dev/null)" = 0 ]; then
	ok "q exits with status 0"
else
	bad "q exits with status 0 (got '$(cat "$tmp/live.rc" 2>/dev/null)')"
fi
if grep -q 'packets received, 0 dropped by the kernel' "$tmp/live.err"; then
	ok "pcap's counters are printed after the view"
else
	bad "pcap's counters are printed after the view"
	sed 's/^/  | /' "$tmp/live.err"
fi

# ---- -c ends the capture, the view stays ----
start count -i lo -c 3 -w "$tmp/all.pcap" tcp port 80
check count 'LIVE, following' "a second capture starts"
play lifecycle 49160
check count 'The capture is over: -c packets were read' "-c ends the capture"
check count 'capture ended' "the title says the capture ended"
check count '127\.0\.0\.1:49160 .* 3 ' "only 3 packets were read"
keys count q
for _ in $(seq 50); do [ -s "$tmp/count.rc" ] && break; sleep 0.1; done
if [ "$(cat "$tmp/count.rc" 2>/dev/null)" = 0 ] &&
    "$TCPVIZ" -r "$tmp/all.pcap" --text 2>&1 | grep -q '; 3 packets'; then
	ok "-w saved the 3 packets read in the view"
else
	bad "-w saved the 3 packets read in the view"
	cat "$tmp/count.err"
fi

exit $fail
