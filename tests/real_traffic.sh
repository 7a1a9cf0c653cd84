#!/usr/bin/env bash
#
# real_traffic.sh: tcpviz reading what a real TCP stack sent.  Each case
# plays a scenario with the kernel's own TCP in a network namespace
# (tests/netns.sh: sockplay for the programs, nftables losing segments,
# tcpdump recording), reads the capture back with `tcpviz -r --json`,
# and checks the segments (who sent which flags, in order), every
# packet's flags, seq, ack and length against tshark's reading of the
# same file, and the states tcpviz infers for both sides and the notes
# it puts on the segments.  Skips (77) without root, namespaces, nftables
# or tcpdump.
#
# The loopback is instant, so SYNs (FINs) sent at the same moment could
# not cross: the simultaneous cases run over a veth pair that is a wire
# with 50 ms each way, as in the engine's profiles.

# The awk programs below are single-quoted on purpose: awk expands them.
# shellcheck disable=SC2016

set -u
: "${TCPVIZ:?}" "${top_srcdir:?}" "${top_builddir:?}"
[ -x "$TCPVIZ" ] || exit 77
# shellcheck source=tests/netns.sh disable=SC1091 # found with -x
. "$top_srcdir/tests/netns.sh"
netns_require

tmp=$(mktemp -d) || exit 1
trap 'netns_cleanup; rm -rf "$tmp"' EXIT
fail=0
ok() { printf 'ok: %s\n' "$1"; }
bad() { printf 'FAIL: %s\n' "$1"; fail=1; }

# An awk function: the value of key k in a tcpviz-trace JSON line (a
# string or an array without its quotes and brackets, a number as it is).
json_field='
function field(k,   s) {
	if (!match($0, "\"" k "\":(\"[^\"]*\"|\\[[^]]*\\]|[^,}]*)"))
		return ""
	s = substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
	gsub(/["\[\]]/, "", s)
	return s
}'

# segments < JSON: per segment "conn from flags seq ack len abs_seq abs_ack
# notes" (notes comma-separated, "-" for none).
segments() {
	awk "$json_field"'
	/"type":"segment"/ {
		n = field("notes")
		print field("conn"), field("from"), field("flags"), field("seq"),
		    field("ack"), field("len"), field("abs_seq"), field("abs_ack"),
		    (n == "" ? "-" : n)
	}'
}

# tokens < segments: "c:S s:S. 2c:S ..." (connection 1 unnamed).
tokens() {
	awk '{ printf "%s%s%s:%s", (NR > 1 ? " " : ""), ($1 == 1 ? "" : $1),
	    substr($2, 1, 1), $3 } END { print "" }'
}

# numbers < segments: per packet as tshark shows it: flags byte, raw seq,
# raw ack ("-" without ACK), relative seq and ack ("-" where the sender's
# or the receiver's SYN is not in the capture: no ISN to count from), len.
numbers() {
	awk '
	function flagbyte(f,   v, i) {
		v = 0
		for (i = 1; i <= length(f); i++)
			v += 2 ^ (index("FSRP.UEW", substr(f, i, 1)) - 1)
		return v
	}
	{
		peer = ($2 == "client" ? "server" : "client")
		if ($3 ~ /S/)
			syn[$1, $2] = 1
		v = flagbyte($3)
		acked = v % 32 >= 16
		print v, $7, (acked ? $8 : "-"), (($1, $2) in syn ? $4 : "-"),
		    (acked && ($1, peer) in syn ? $5 : "-"), $6
	}'
}

# tshark_numbers PCAP: the same from tshark, "-" where numbers() has one.
tshark_numbers() {
	tshark -r "$1" -T fields -E separator=' ' -e tcp.flags -e tcp.seq_raw \
		-e tcp.ack_raw -e tcp.seq -e tcp.ack -e tcp.len 2>/dev/null |
		awk '
	function hex(s,   v, i) {
		v = 0
		s = tolower(s)
		sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	{ v = hex($1) % 256; print v, $2, (v % 32 >= 16 ? $3 : "-"), $4, $5, $6 }'
}

# same_numbers NAME: numbers() and tshark agree packet by packet.
same_numbers() {
	local name=$1
	if ! command -v tshark >/dev/null 2>&1; then
		echo "skip: $name: no tshark to compare with"
		return
	fi
	numbers <"$tmp/$name.seg" >"$tmp/$name.ours"
	tshark_numbers "$tmp/$name.pcap" >"$tmp/$name.tshark"
	# Where ours says "-", tshark's number is not compared.
	if awk 'NR == FNR { want[FNR] = $0; n = FNR; next }
	{
		split(want[FNR], w)
		for (i = 1; i <= 6; i++)
			if (w[i] != "-" && w[i] != $i)
				exit 1
	}
	END { exit FNR != n }' "$tmp/$name.ours" "$tmp/$name.tshark"; then
		ok "$name: $(wc -l <"$tmp/$name.ours") packets as tshark reads them"
	else
		bad "$name: packets differ from tshark's (flags seq ack rel-seq rel-ack len)"
		diff "$tmp/$name.ours" "$tmp/$name.tshark" | head -10
	fi
}

# real NAME SCENARIO PATTERN [netns_play OPTION]...: play, read back, and
# match the tokens against the extended regular expression PATTERN
# (whole).  False if it could not be played or read.
real() {
	local name=$1 scen=$2 want=$3 status
	shift 3
	netns_play "$tmp/$name.pcap" "$scen" "$@"
	status=$?
	if [ "$status" = 77 ]; then
		echo "skip: $name"
		return 1
	elif [ "$status" != 0 ]; then
		bad "$name: could not be played"
		return 1
	fi
	if ! "$TCPVIZ" -r "$tmp/$name.pcap" --json >"$tmp/$name.json" 2>"$tmp/err"; then
		bad "$name: tcpviz -r failed: $(cat "$tmp/err")"
		return 1
	fi
	segments <"$tmp/$name.json" >"$tmp/$name.seg"
	local got
	got=$(tokens <"$tmp/$name.seg")
	if [[ $got =~ ^($want)$ ]]; then
		ok "$name: $got"
	else
		bad "$name: got   $got"
		echo "      want $want"
		sed 's/^/      /' "$tmp/$name.pcap.log"
	fi
	same_numbers "$name"
}

# The notes these tests are about; others (dup-ack, out-of-window ...)
# are tcpviz's business, not the scenario's.
notes_words='retransmission|keepalive|tfo-data|refused|abort|half-open|challenge'

# states < JSON: each side's inferred path, "CONN SIDE: FROM TO TO ...".
states() {
	awk "$json_field"'
	/"type":"state"/ {
		k = field("conn") " " field("side") ":"
		if (!(k in path)) {
			order[++n] = k
			path[k] = field("from")
		}
		path[k] = path[k] " " field("to")
	}
	END {
		for (i = 1; i <= n; i++)
			print order[i], path[order[i]]
	}'
}

# inferred NAME NOTES PATH...: the tokens that carry notes of
# $notes_words (only those notes) match the extended regular expression
# NOTES (whole; '' for none), and each PATH ("1 client: CLOSED SYN_SENT
# ...") is one that states() prints.
inferred() {
	local name=$1 want=$2 path got
	shift 2
	[ -s "$tmp/$name.seg" ] || return 0
	if ! grep -q '"type":"state"' "$tmp/$name.json"; then
		echo "skip: $name: tcpviz infers no states from captures"
		return 0
	fi
	got=$(awk -v words="^($notes_words)\$" '{
		n = split($9, w, ",")
		kept = ""
		for (i = 1; i <= n; i++)
			if (w[i] ~ words)
				kept = kept (kept == "" ? "" : ",") w[i]
		if (kept != "")
			printf "%s%s%s:%s[%s]", (found++ ? " " : ""),
			    ($1 == 1 ? "" : $1), substr($2, 1, 1), $3, kept
	} END { print "" }' "$tmp/$name.seg")
	if [[ $got =~ ^($want)$ ]]; then
		ok "$name: notes: ${got:-none}"
	else
		bad "$name: notes: got '$got', want '$want'"
	fi
	states <"$tmp/$name.json" >"$tmp/$name.states"
	for path; do
		if grep -qxF "$path" "$tmp/$name.states"; then
			ok "$name: $path"
		else
			bad "$name: no '$path' among the inferred states:"
			sed 's/^/      /' "$tmp/$name.states"
		fi
	done
}

# at NAME N T: packet N of the capture left at scenario time T: not more
# than 20 ms early, nor 150 ms late (the kernel's timer wheel lets a
# timeout of 1 s fire up to an eighth later, to batch timers).
at() {
	local got
	got=$(tcpdump -tt -nr "$tmp/$1.pcap" 2>/dev/null |
		awk -v n="$2" -v t0="$NETNS_T0" 'NR == n { printf "%.3f", $1 - t0 / 1e6 }')
	if awk -v got="$got" -v want="$3" 'BEGIN { d = got - want
		exit !(got != "" && d > -0.02 && d < 0.15) }'; then
		ok "$1: packet $2 at ${got} s, scenario time $3"
	else
		bad "$1: packet $2 at '${got}' s, want scenario time $3"
	fi
}

start=${EPOCHREALTIME//[!0-9]/}

# A request of 100 bytes and a reply of 300, on a loopback.
req='c:S s:S\. c:\. c:P\. s:\. s:P\. c:\.'
# Both sides' paths for a client that closes first, and the other way.
client_first=('1 client: CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT'
	'1 server: LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED')
server_first=('1 client: CLOSED SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED'
	'1 server: LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT')
opened=('1 client: CLOSED SYN_SENT ESTABLISHED' '1 server: LISTEN SYN_RCVD ESTABLISHED')
reset=('1 client: CLOSED SYN_SENT ESTABLISHED CLOSED'
	'1 server: LISTEN SYN_RCVD ESTABLISHED CLOSED')

real lifecycle lifecycle "$req c:F\\. s:\\. s:F\\. c:\\." &&
	inferred lifecycle '' "${client_first[@]}"
real close-server-first close-server-first "$req s:F\\. c:\\. c:F\\. s:\\." &&
	inferred close-server-first '' "${server_first[@]}"
real refused refused 'c:S s:R\.' &&
	inferred refused 's:R\.\[refused\]' '1 client: CLOSED SYN_SENT CLOSED'
real abort abort "$req c:R\\." &&
	inferred abort 'c:R\.\[abort\]' "${reset[@]}"
real half-close half-close \
	'c:S s:S\. c:\. c:P\. s:\. c:F\. s:\. s:P\. c:\. s:P\. c:\. s:F\. c:\.' &&
	inferred half-close '' "${client_first[@]}"
# connect() at 0.1; its SYN again when the initial RTO, 1 s, runs out.
real syn-lost syn-lost 'c:S c:S s:S\. c:\. c:F\. s:\. s:F\. c:\.' &&
	at syn-lost 1 0.1 && at syn-lost 2 1.1 &&
	inferred syn-lost 'c:S\[retransmission\]' "${client_first[@]}"
# The client's SYN timer and the server's SYN-ACK timer race; the first
# three SYN-ACKs are lost whoever wins, the fourth gets through.
real synack-lost synack-lost 'c:S s:S\.( c:S| s:S\.)* s:S\. c:\.( s:S\. c:\.)?' &&
	inferred synack-lost '(c:S|s:S\.)\[retransmission\]( (c:S|s:S\.)\[retransmission\])*' \
		"${opened[@]}"
real third-ack-lost third-ack-lost 'c:S s:S\. c:\. c:P\. s:\.' &&
	inferred third-ack-lost '' "${opened[@]}"
real last-ack-lost last-ack-lost "$req c:F\\. s:\\. s:F\\. c:\\. s:F\\. c:\\." \
	--settle 1 &&
	inferred last-ack-lost 's:F\.\[retransmission\]' "${client_first[@]}"
# Over the wire the FINs cross: both sides pass CLOSING.
real simultaneous-close simultaneous-close 'c:S s:S\. c:\. s:F\. c:F\. s:\. c:\.' \
	--set delay=0.05 &&
	inferred simultaneous-close '' \
		'1 client: CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT' \
		'1 server: LISTEN SYN_RCVD ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT'
# The SYNs cross; the capture is the server's, so the server's SYN is
# seen first and tcpviz calls it the client.
real simultaneous-open simultaneous-open 'c:S s:S c:S\. s:S\. c:\. s:\. s:F\. c:F\. s:\.' \
	--set delay=0.05 &&
	inferred simultaneous-open '' \
		'1 client: CLOSED SYN_SENT SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED' \
		'1 server: CLOSED SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 TIME_WAIT'
# Probes 1 s apart once idle for 1 s.  From 2.5 s the client's answers
# are lost (the client still hears, so a capture can tell when it learns
# of the end); after three unanswered probes the server gives up: RST.
real keepalive keepalive 'c:S s:S\. c:\.( s:\. c:\.){5} s:R\.' \
	--set keepalive_time=1 --set keepalive_intvl=1 --set keepalive_probes=3 \
	--outage "2.5 30 c2s" --min 7 &&
	inferred keepalive '(s:\.\[keepalive\] ){5}s:R\.\[abort\]' "${reset[@]}"
# The first connection gets a cookie, the second sends data in its SYN.
real tfo fast-open \
	"c:S s:S\\. c:P\\. s:\\. s:P\\. c:\\. c:F\\. s:F\\. c:\\. 2c:S 2s:S\\. (2c:\\. 2s:P\\.|2s:P\\.) 2c:\\. 2c:F\\. 2s:F\\. 2c:\\." &&
	inferred tfo '2c:S\[tfo-data\]' \
		'1 client: CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT' \
		'1 server: LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED' \
		'2 client: CLOSED SYN_SENT ESTABLISHED FIN_WAIT_1 TIME_WAIT' \
		'2 server: LISTEN SYN_RCVD ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED'
# The client's host forgets the connection without a word; the server's
# data 5 s later meets a RST from a host that knows nothing of it.
real crash half-open 'c:S s:S\. c:\. c:P\. s:\. s:P\. c:R' &&
	inferred crash 'c:R\[half-open\]' "${reset[@]}"
real ipv6 lifecycle "$req c:F\\. s:\\. s:F\\. c:\\." --v6 &&
	inferred ipv6 '' "${client_first[@]}"
# Spoofed SYNs from the second namespace fill the listen(4) queue; the
# client's SYNs (syn_retries=2) go unanswered, and it gives up at 8 s.
# The kernel decides how many half-open entries fit (backlog + 1 on
# Linux 6), so the pattern counts none: flooders are connections 1 to 6,
# the client the 7th.  The entries outlive the capture (63 s); the
# client's end does not show in it (no packet comes after it).
if real syn-flood syn-flood '([1-6]?c:S|[1-6]?s:S\.|7c:S)( ([1-6]?c:S|[1-6]?s:S\.|7c:S))*' \
	--veth --max 9; then
	awk -v name=syn-flood '
	$1 < 7 && $3 == "S" { syn++ }
	$1 < 7 && $3 == "S." { answered[$1] = 1 }
	$1 == 7 { client++ }
	END {
		for (c in answered)
			half++
		ok = syn == 6 && half >= 4 && half < 6 && client == 3
		printf "%s: %s: 6 spoofed SYNs (%d), %d half-open, the rest dropped; the client'\''s 3 SYNs (%d) unanswered\n",
		    (ok ? "ok" : "FAIL"), name, syn, half, client
		exit !ok
	}' "$tmp/syn-flood.seg" || fail=1
	inferred syn-flood '(([1-6]?s:S\.|7c:S)\[retransmission\] ?)+' \
		'1 server: LISTEN SYN_RCVD' '7 client: CLOSED SYN_SENT'
fi

echo "real traffic: $(((${EPOCHREALTIME//[!0-9]/} - start) / 1000)) ms"
exit "$fail"
