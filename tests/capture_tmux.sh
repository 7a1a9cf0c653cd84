#!/usr/bin/env bash
# capture_tmux.sh: a capture in the interactive view, as a person sees
# it.  The lifecycle lesson is written as a pcap (-w) and read back with
# -r on a terminal (tmux): the connection list shows the connection and
# both sides' final states, Enter opens its ladder with the segments
# drawn flat (one observation point), a shows absolute numbers, the hint
# line says there is no drop mode, Backspace goes back to the list and q
# exits with status 0.  w saves the connection on screen to a new pcap
# whose segments are the original's, also when a filter chose the
# packets.  Piped, -r still prints the text diagram.  Every
# wait polls the screen with a time limit.  Exit 77 (skip) when tmux or
# the program is missing.
set -u
: "${TCPVIZ:?}"
[ -x "$TCPVIZ" ] || { echo "SKIP: $TCPVIZ not built"; exit 77; }
. "${top_srcdir:-.}/tests/tmux.sh"
tmux_setup capture
trap tmux_cleanup EXIT

pcap=$tmp/lifecycle.pcap
if ! "$TCPVIZ" -w "$pcap" lifecycle || [ ! -s "$pcap" ]; then
	echo "FAIL: tcpviz -w did not write the lifecycle's pcap"
	exit 1
fi

# Piped (not a terminal): the text diagram, as before.
if "$TCPVIZ" -r "$pcap" 2>/dev/null | grep -q 'SYN_SENT'; then
	ok "-r piped prints the text diagram"
else
	bad "-r piped prints the text diagram"
fi

{
	printf '#!/usr/bin/env bash\n'
	printf 'unset NO_COLOR LANGUAGE LC_MESSAGES\n'
	printf 'export LANG=C.UTF-8 LC_ALL=C.UTF-8 TCPVIZ_DATADIR=%q\n' \
		"${TCPVIZ_DATADIR:-}"
	printf '%q -r %q\n' "$TCPVIZ" "$pcap"
	printf 'echo "exit $?" >%q\n' "$tmp/cap.status"
	printf 'exec sleep 600\n'
} >"$tmp/cap.sh"
tm new-session -d -s cap -x 140 -y 40 -c "$tmp" "bash $tmp/cap.sh"

check cap '1 connection' "the list's title counts the connection"
check cap '10\.0\.0\.1:49152 +10\.0\.0\.2:80 +TIME_WAIT +CLOSED +11 ' \
	"the list shows the endpoints, both final states and the packets"

keys cap Enter
check cap 'SYN_SENT.*─ S seq=0 len=0 ─+▶' "Enter opens the ladder with the SYN"
check cap '◀─+ S\. seq=0 ack=1 len=0 ─' "... the SYN-ACK"
check cap 'F\. seq=101 ack=301 len=0' "... and the FIN"
check cap 'capture: no drop mode' "the hint line says there is no drop mode"
# Flat arrows: the SYN's arrow has its head on its own row, no corner.
if grep -q 'S seq=0 len=0 ─*▶' "$tmp/cap.screen" &&
	! grep -Eq '[╮╰]' "$tmp/cap.screen"; then
	ok "captured arrows are drawn flat, at the capture time"
else
	bad "captured arrows are drawn flat, at the capture time"
fi

keys cap d
check cap 'no drop mode, no other scenarios' "d explains that a capture has no drops"

keys cap a
check cap 'S seq=[0-9]{5,} len=0' "a shows absolute sequence numbers"

keys cap BSpace
check cap 'client state +server state' "Backspace goes back to the list"

# The segments of a capture's --json: what a saved copy must repeat.
segments() { "$TCPVIZ" -r "$1" --json | grep '"type":"segment"'; }

keys cap w
check cap 'Saved 11 packets to lifecycle-conn1\.pcap' "w saves the connection"
if [ -s "$tmp/lifecycle-conn1.pcap" ] &&
	[ "$(segments "$tmp/lifecycle-conn1.pcap")" = "$(segments "$pcap")" ]; then
	ok "the saved packets are the captured ones"
else
	bad "the saved packets are the captured ones"
fi
keys cap w
check cap 'Saved 11 packets to lifecycle-conn1-2\.pcap' \
	"w again takes a new name rather than overwrite"

keys cap q
end=$((SECONDS + limit))
while [ ! -s "$tmp/cap.status" ] && ((SECONDS < end)); do sleep 0.1; done
if [ "$(cat "$tmp/cap.status" 2>/dev/null)" = "exit 0" ]; then
	ok "q exits with status 0"
else
	bad "q exits with status 0 (got: $(cat "$tmp/cap.status" 2>/dev/null))"
fi

# A filter that leaves the SYNs out: the save reads the file again
# with it, so the packets counted are the same ones.
filter='tcp[tcpflags] & tcp-syn == 0'
{
	printf '#!/usr/bin/env bash\n'
	printf 'export LANG=C.UTF-8 LC_ALL=C.UTF-8\n'
	printf '%q -r %q %q\n' "$TCPVIZ" "$pcap" "$filter"
	printf 'exec sleep 600\n'
} >"$tmp/filt.sh"
tm new-session -d -s filt -x 140 -y 40 -c "$tmp" "bash $tmp/filt.sh"
check filt "10\\.0\\.0\\.1:49152 +10\\.0\\.0\\.2:80 +TIME_WAIT +CLOSED +9 " "a filter leaves 9 packets, mid-connection"
keys filt w
check filt 'Saved 9 packets' "w saves the 9 filtered packets"
if [ "$(segments "$tmp/lifecycle-conn1-3.pcap")" = \
	"$("$TCPVIZ" -r "$pcap" --json "$filter" | grep '"type":"segment"')" ]; then
	ok "... the same segments as the filtered file"
else
	bad "... the same segments as the filtered file"
fi
# A file that changed since it was read is not read again: its packets
# would not be the ones on screen.
touch -d '1 hour ago' "$pcap"
keys filt w
check filt 'Not saved: .*has changed since it was read' \
	"w refuses a file that changed since it was read"

exit $fail
