#!/usr/bin/env bash
#
# kernel_diff.sh: the engine against the real Linux kernel.  Each lesson
# that a real Linux can play runs twice with the same application calls,
# the same lost segments and the same 50 ms each way: in the engine
# (tcpviz --json --profile host, in a fresh network namespace, so the
# profile is that kernel's defaults plus the lesson's --set values), and
# with real sockets (tests/netns.sh: sockplay, nftables losing segments,
# tests/delayline.c as the wire, tcpdump on the server's veth).  tcpviz's
# own capture path reads the capture back (tcpviz -r --json), and
# tests/tracediff compares the two: the same segments in the same order
# (sender, flags, relative seq and ack, length), each within 20 ms of the
# engine's time, or 10% of the timer when a timer sent it.  Where Linux
# legitimately differs, the case below declares it and the comparison
# prints it with the result; anything else fails.  A table of all the
# lessons ends the output.  Skips (77) without root, network namespaces,
# nftables or tcpdump.  KERNEL_DIFF_ONLY="NAME..." runs only those, and
# KERNEL_DIFF_KEEP=DIR keeps the traces and captures there.

set -u
: "${TCPVIZ:?}" "${top_srcdir:?}" "${top_builddir:?}"
tracediff=$top_builddir/tests/tracediff
[ -x "$TCPVIZ" ] && [ -x "$tracediff" ] || exit 77
# shellcheck source=tests/netns.sh disable=SC1091 # found with -x
. "$top_srcdir/tests/netns.sh"
netns_require

tmp=$(mktemp -d) || exit 1
ens=tcpviz-engine-$$
# shellcheck disable=SC2317 # called by the EXIT trap
keep() {
	[ -n "${KERNEL_DIFF_KEEP:-}" ] && mkdir -p "$KERNEL_DIFF_KEEP" &&
		cp "$tmp"/* "$KERNEL_DIFF_KEEP"/
}
trap 'keep; netns_cleanup; ip netns del "$ens" 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
rows=$tmp/rows
: >"$rows"

# The engine runs where /proc/sys/net is a fresh namespace's: the
# defaults the kernel gives the namespaces netns_play makes.
ip netns add "$ens" || exit 1
engine_sets=()
common=()
if ! ip netns exec "$ens" test -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts; then
	engine_sets+=(--set syn_linear_timeouts=0)
	common+=(--declare "no tcp_syn_linear_timeouts -- this kernel has no tcp_syn_linear_timeouts (before Linux 6.15?): its SYN timeouts double from the first, so the engine runs with syn_linear_timeouts=0")
fi

# connect_fails NAME: the --event for when connect() gave up, in the
# engine and in the kernel (sockplay's log), with the time since the
# engine's last SYN as the timer's length.
connect_fails() {
	local d=$tmp/$1 te tk last
	te=$(awk -F'"t":' '/"call":"connect","result":"ETIMEDOUT"/ {
		split($2, v, ","); print v[1]; exit }' "$d.engine.json")
	last=$(awk -F'"t_sent":' '/"type":"segment"/ && /"flags":"S"/ {
		split($2, v, ","); t = v[1] } END { print t }' "$d.engine.json")
	tk=$(awk '$1 == "sockplay" && $2 == "client" && /connect: Connection timed out/ {
		print $3; exit }' "$d.pcap.log")
	echo "connect() fails (ETIMEDOUT):${te:-0}:${tk:--}:$(awk -v a="${te:-0}" -v b="${last:-0}" 'BEGIN { print a - b }')"
}

# play_once NAME SCENARIO: one play by the kernel, read back and compared
# (the arrays of kd).  0 same, 1 different, 77 cannot be played, 2 on
# any other failure.
play_once() {
	local name=$1 scen=$2 d=$tmp/$1 status
	netns_play "$d.pcap" "$scen" "${sets[@]}" "${play[@]}"
	status=$?
	if [ "$status" = 77 ]; then
		return 77
	elif [ "$status" != 0 ]; then
		echo "FAIL: $name: could not be played"
		return 2
	fi
	if ! "$TCPVIZ" -r "$d.pcap" --json >"$d.kernel.json" 2>"$d.err"; then
		echo "FAIL: $name: tcpviz -r: $(cat "$d.err")"
		return 2
	fi
	# tcpviz -r counts time from the first packet; the scenario from
	# NETNS_T0.
	local first offset events=()
	first=$(tcpdump -tt -nr "$d.pcap" -c 1 2>/dev/null | awk '{ print $1 }')
	offset=$(awk -v f="${first:-0}" -v t0="$NETNS_T0" \
		'BEGIN { printf "%.6f", f - t0 / 1e6 }')
	[ "$fails" = 1 ] && events=(--event "$(connect_fails "$name")")
	: >"$d.row"
	if ! "$tracediff" --name "$name" --offset "$offset" --row "$d.row" \
		"${common[@]}" "${diff[@]}" "${events[@]}" \
		"$d.engine.json" "$d.kernel.json"; then
		echo "  (the kernel's side of it:)"
		grep -E '^(sockplay|outage|sysctl|profile)' "$d.pcap.log" | sed 's/^/    /'
		return 1
	fi
}

# kd NAME SCENARIO [--set K=V | --min S | --max S | --settle S |
#    --fails | TRACEDIFF-OPTION ARG]...: one lesson.  --set goes to both
# (the kernel's sysctls or socket options), --min/--max/--settle to
# netns_play, --fails compares when connect() gives up, the rest to
# tracediff.  A lesson that differs is played a second time, since a
# machine busy elsewhere can hold the delay line or a program back for
# tens of milliseconds; it fails if it differs again, and the table says
# when the second play was needed.
kd() {
	local name=$1 scen=$2 sets=(--set delay=0.05) play=() diff=() fails=0
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--set) sets+=(--set "$2") ;;
		--min | --max | --settle) play+=("$1" "$2") ;;
		--fails) fails=1; shift; continue ;;
		*) diff+=("$1" "$2") ;;
		esac
		shift 2
	done
	if [ -n "${KERNEL_DIFF_ONLY:-}" ] && [[ " $KERNEL_DIFF_ONLY " != *" $name "* ]]; then
		return
	fi
	local d=$tmp/$name status
	echo
	echo "== $name: ${scen##*/} ${sets[*]}${play[*]:+ (netns_play ${play[*]})}"
	if ! ip netns exec "$ens" "$TCPVIZ" --json --profile host "${sets[@]}" \
		"${engine_sets[@]}" "$scen" >"$d.engine.json" 2>"$d.err"; then
		echo "FAIL: $name: the engine: $(cat "$d.err")"
		printf '%s\t-\t-\t-\t-\tFAIL (engine)\n' "$name" >>"$rows"
		fail=1
		return
	fi
	if [ "$fails" = 1 ]; then
		# The client waits for ever once connect() fails: play until
		# a little after the engine gives up.
		local te
		te=$(awk -F'"t":' '/"call":"connect","result":"ETIMEDOUT"/ {
			split($2, v, ","); print v[1]; exit }' "$d.engine.json")
		play+=(--max "$(awk -v t="${te:-10}" 'BEGIN { print t * 1.1 + 0.5 }')")
	fi
	play_once "$name" "$scen"
	status=$?
	if [ "$status" = 1 ]; then
		echo "$name: played again"
		play_once "$name" "$scen"
		status=$?
		[ "$status" = 0 ] &&
			awk -F'\t' -v OFS='\t' '{ $6 = $6 " (2nd play)" } 1' "$d.row" >"$d.row2" &&
			mv "$d.row2" "$d.row"
	fi
	case $status in
	0 | 1) cat "$d.row" >>"$rows" ;;
	77)
		echo "skip: $name"
		printf '%s\t-\t-\t-\t-\tskipped\n' "$name" >>"$rows"
		;;
	*) printf '%s\t-\t-\t-\t-\tFAIL (could not play)\n' "$name" >>"$rows" ;;
	esac
	[ "$status" = 0 ] || [ "$status" = 77 ] || fail=1
}

start=${EPOCHREALTIME//[!0-9]/}

# Losses, timers and the order of segments, lesson by lesson.  The
# delayed ACK is on in both (40 ms), so the ACK of a FIN and a FIN sent
# at once travel together as in the kernel (close-merged).
kd lifecycle lifecycle
kd close-client-first close-client-first
kd close-server-first close-server-first
# The server's FIN carries the ACK of the client's because the program
# closes at once; a program that wakes more than 40 ms late (a busy
# machine) lets the delayed ACK go alone first.
kd close-merged close-merged \
	--kernel-extra "server:.:ACK not merged -- the server program woke after the 40 ms delayed ACK had gone alone"
kd half-close half-close
kd handshake handshake
kd third-ack-data third-ack-data
kd refused refused
kd abort abort
kd syn-lost syn-lost
# Both sides' timers are due at 1.15 s: the client's SYN retransmission
# reaches the server just as the server's SYN-ACK timer expires (both
# were started by the first SYN), and which goes first is up to the
# kernel's timer wheel (up to 1/8 late).  When the timer fires first the
# segments are the engine's; when the SYN comes first Linux resends the
# SYN-ACK at once and restarts the timer (tcp_check_req), so the
# timer's SYN-ACK leaves a second after that one instead.
kd synack-lost synack-lost \
	--cross "timer race -- the server's SYN-ACK timer and the client's SYN retransmission are both due at 1.15 s; the kernel's timer wheel decides which goes first" \
	--retimed "server:S.:1:SYN-ACK timer restarted -- the client's SYN came first; Linux answered it and restarted the SYN-ACK timer (tcp_check_req)"
kd third-ack-lost third-ack-lost
# A FIN's retransmission timeout here is 3 x the RTT in Linux (the first
# RTT sample sets the deviation to twice the RTT, just over the 200 ms
# minimum), ~302 ms: 76 jiffies at HZ=250, which the kernel's timer
# wheel rounds up to a multiple of 8 jiffies (32 ms): up to 1/8 late.
wheel="timer wheel 12.5% -- Linux's timer wheel rounds a timer of 64 to 511 jiffies up to a multiple of 8: a 300 ms RTO fires up to 1/8 late (32 ms at HZ=250)"
kd last-ack-lost last-ack-lost --settle 1 --pct "12.5:$wheel"
kd fin-lost fin-lost --settle 1 --pct "12.5:$wheel"
# The same lesson with longer round trips, where the engine's estimate
# of the RTO (RFC 6298) and Linux's part: Linux keeps the deviation at
# twice the first RTT sample for a while and never under 200 ms, and
# probes the tail (the FIN again) at 2 x SRTT + 200 ms if that is
# sooner; measured: 0.61 s at 200 ms, 1.03 s at 400 ms.
kd fin-lost-rtt200 fin-lost --set delay=0.1 --settle 2
# At 400 ms Linux's tail loss probe (RFC 8985, 2 x SRTT + 200 ms = 1.0 s)
# comes before its RTO (1.2 s); tcpviz does not simulate TLP, so the
# first FIN retransmission is ~16% late here: declared, not hidden.
kd fin-lost-rtt400 fin-lost --set delay=0.2 --settle 2 \
	--pct "17:no tail loss probe -- Linux probes the tail at 2 x SRTT + 200 ms (RFC 8985), sooner than its 1.2 s RTO at this RTT; tcpviz retransmits on the RTO"
kd simultaneous-open simultaneous-open
kd simultaneous-close simultaneous-close
kd half-open half-open
# Fast Open: the first connection asks for a cookie, the second sends
# its request in the SYN.
kd fast-open fast-open
# The server's close 0.1 s after its reply and the client's ACK of the
# reply meet at the server at the same instant.
kd reuseaddr reuseaddr \
	--cross "tie -- the server closes 0.1 s after its reply, just as the client's ACK of the reply arrives"
kd accept-backlog accept-backlog --max 17
# Spoofed SYNs (sockplay's made-up addresses are not the engine's: they
# are matched in order); half-open entries give up after 2 SYN-ACK
# retries, not 5, to keep it short.
batch="timer batch -- SYN-ACK timers of half-open entries 10 ms apart expire in one slot of the kernel's timer wheel and leave in any order"
kd syn-flood syn-flood --set synack_retries=2 --min 5 --cross "$batch"
kd syn-cookies syn-cookies --set synack_retries=2 --min 5 --cross "$batch"

# Keepalive with short timers: probes after 1 s idle, 1 s apart, 3 of
# them; the client's answers are lost from 2.5 s (an outage instead of
# the lesson's `link down 1h 4h`).
sed 's/^link down 1h 4h$/link down 2.5 30 client->server/' \
	"$top_srcdir/data/scenarios/keepalive.tcpviz" >"$tmp/keepalive.tcpviz"
kd keepalive "$tmp/keepalive.tcpviz" --set keepalive_time=1 \
	--set keepalive_intvl=1 --set keepalive_probes=3 --min 7
# An orphan's FIN_WAIT_2 ends after fin_timeout (2 s here, not 60 s),
# and the server closes at 5 s, not 100 s: its FIN meets a RST.
sed 's/^server  at 100 /server  at 5   /' \
	"$top_srcdir/data/scenarios/fin-wait-2.tcpviz" >"$tmp/fin-wait-2.tcpviz"
kd fin-wait-2 "$tmp/fin-wait-2.tcpviz" --set fin_timeout=2 --settle 1
# SYN retries from 6 down to 2; the client's "on connected" (never
# true) makes sockplay report when connect() fails.
{
	cat "$top_srcdir/data/scenarios/syn-timeout.tcpviz"
	echo 'client  on connected            close'
} >"$tmp/syn-timeout.tcpviz"
kd syn-timeout "$tmp/syn-timeout.tcpviz" --set syn_retries=2 --fails

echo
echo "the engine against the kernel: $(((${EPOCHREALTIME//[!0-9]/} - start) / 1000)) ms"
echo "Compared: each segment's sender, flags, relative seq and ack, length,"
echo "order and time.  Never compared: TCP options (timestamps, window"
echo "scale, SACK) and windows, absolute numbers (random ISNs), and states,"
echo "which are not on the wire (TIME_WAIT shows only by what follows it)."
awk -F'\t' 'BEGIN {
	f = "%-19s %8s %5s  %-40s %-14s %s\n"
	printf f, "scenario", "compared", "match", "largest timing difference",
	    "result", "declared differences seen"
}
{ printf f, $1, $2, $3, $4, $6, $5 }' "$rows"
exit "$fail"
