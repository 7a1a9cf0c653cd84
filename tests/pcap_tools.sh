#!/usr/bin/env bash
#
# pcap_tools.sh: checks tcpviz's pcap writer against real tools.  For
# every scenario that `$TCPVIZ --list` names, the capture written by -w
# must agree packet by packet with the --json trace (flags, raw sequence
# and acknowledgement numbers, payload length, and relative numbers where
# Wireshark's notion of them is ours) and carry no bad checksum, as
# tshark reads it; without tshark, as tcpdump reads it.  Exits 77 (the
# automake code for "skipped") when neither tool is installed.

# The awk programs below are single-quoted on purpose: awk expands them.
# shellcheck disable=SC2016

set -u

if [ -z "${TCPVIZ:-}" ]; then
	echo "pcap_tools.sh: TCPVIZ is not set" >&2
	exit 2
fi
if command -v tshark >/dev/null 2>&1; then
	tool=tshark
elif command -v tcpdump >/dev/null 2>&1; then
	tool=tcpdump
else
	echo "pcap_tools.sh: neither tshark nor tcpdump is installed; skipped"
	exit 77
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# Each tool's view of a packet, normalised to one line:
#   flags seq_raw ack_raw rel_seq rel_ack len tcp_cksum_ok ip_cksum_ok
# with "-" for what the tool does not show.  Flags are the numeric byte.

# tshark -E separator=, : flags(hex) seq_raw ack_raw seq ack len
# tcp.checksum.status ip.checksum.status (1 = good; empty for IPv6).
from_tshark='
function hex(s,   v, i, c) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}
{
	print hex($1) % 256, $2, $3, $4, $5, $6, ($7 == "1"), ($8 == "1" || $8 == "")
}'

# tcpdump -S -v: IPv4 packets take two lines; the TCP length is the
# last "length N"; a bad checksum says "incorrect" (TCP) or "bad cksum".
from_tcpdump='
function letters(f,   v, i) {
	v = 0
	if (f == "none")
		return 0
	for (i = 1; i <= length(f); i++)
		v += 2 ^ (index("FSRP.UEW", substr(f, i, 1)) - 1)
	return v
}
function emit(l,   p, rest, flags, seq, ack, len, s) {
	p = index(l, "Flags [")
	if (p == 0)
		return
	rest = substr(l, p + 7)
	flags = substr(rest, 1, index(rest, "]") - 1)
	seq = "-"
	if (match(l, /, seq [0-9]+/))
		seq = substr(l, RSTART + 6, RLENGTH - 6)
	ack = "-"
	if (match(l, /, ack [0-9]+/))
		ack = substr(l, RSTART + 6, RLENGTH - 6)
	len = "-"
	s = l
	while (match(s, /length [0-9]+/)) {
		len = substr(s, RSTART + 7, RLENGTH - 7)
		s = substr(s, RSTART + RLENGTH)
	}
	print letters(flags), seq, ack, "-", "-", len, \
	    (l ~ /cksum 0x[0-9a-f]+ \(correct\)/), (l !~ /bad cksum/)
}
/^[ \t]/ { line = line " " $0; next }
{ if (line != "") emit(line); line = $0 }
END { if (line != "") emit(line) }'

# Reads the --json trace, then the normalised packets; prints each
# disagreement and exits 1 if there was any.
compare='
function field(l, key,   s) {
	if (!match(l, "\"" key "\":"))
		return ""
	s = substr(l, RSTART + RLENGTH)
	if (substr(s, 1, 1) == "\"") {
		s = substr(s, 2)
		return substr(s, 1, index(s, "\"") - 1)
	}
	match(s, /^[^,}]*/)
	return substr(s, 1, RLENGTH)
}
function letters(f,   v, i) {
	v = 0
	if (f == "none")
		return 0
	for (i = 1; i <= length(f); i++)
		v += 2 ^ (index("FSRP.UEW", substr(f, i, 1)) - 1)
	return v
}
function bad(what, ours, theirs) {
	printf "FAIL %s: packet %d (n=%s): %s is %s in the trace, %s in %s\n", \
	    id, k, n[k], what, ours, theirs, tool
	errors++
}
function badsum(what) {
	printf "FAIL %s: packet %d (n=%s): %s reports a bad %s checksum\n", \
	    id, k, n[k], tool, what
	errors++
}
NR == FNR && /"type":"conn"/ {
	tuple[field($0, "conn")] = field($0, "client") " " field($0, "server")
	uses[field($0, "client") " " field($0, "server")]++
	next
}
NR == FNR && /"type":"segment"/ {
	ns++
	c = field($0, "conn"); side = field($0, "from")
	n[ns] = field($0, "n"); conn[ns] = c; from[ns] = side
	flags[ns] = field($0, "flags")
	aseq[ns] = field($0, "abs_seq"); aack[ns] = field($0, "abs_ack")
	rseq[ns] = field($0, "seq"); rack[ns] = field($0, "ack")
	len[ns] = field($0, "len")
	# Wireshark counts from a SYN; a side whose first segment is not one
	# (a RST reply) or that sent SYNs with two ISNs is numbered its way.
	syn = index(flags[ns], "S") > 0
	if (!((c, side) in first))
		first[c, side] = syn
	if (syn && (c, side) in isn && isn[c, side] != aseq[ns])
		twoisn[c, side] = 1
	if (syn)
		isn[c, side] = aseq[ns]
	next
}
NR == FNR { next }
{
	k++
	if (k > ns) {
		bad("packet", "absent", "present")
		next
	}
	c = conn[k]; side = from[k]; peer = side == "client" ? "server" : "client"
	# Relative numbers compare only where both count from the same SYN
	# and no other connection shares the four-tuple.
	alone = uses[tuple[c]] == 1
	relseq = alone && first[c, side] && !((c, side) in twoisn)
	relack = alone && first[c, peer] && !((c, peer) in twoisn)
	hasack = index(flags[k], ".") > 0
	if (letters(flags[k]) != $1)
		bad("flags", flags[k] " (" letters(flags[k]) ")", $1)
	if ($2 != "-" && $2 != aseq[k])
		bad("raw seq", aseq[k], $2)
	if (hasack && $3 != "-" && $3 != aack[k])
		bad("raw ack", aack[k], $3)
	if (relseq && $4 != "-" && $4 != rseq[k])
		bad("relative seq", rseq[k], $4)
	if (hasack && relack && $5 != "-" && $5 != rack[k])
		bad("relative ack", rack[k], $5)
	if ($6 != len[k])
		bad("length", len[k], $6)
	if ($7 != 1)
		badsum("TCP")
	if ($8 != 1)
		badsum("IP")
}
END {
	if (k < ns) {
		k++
		bad("packet", "present", "absent")
	}
	exit errors > 0
}'

ids=$("$TCPVIZ" --list | awk 'NF { print $1 }')
if [ -z "$ids" ]; then
	echo "FAIL: $TCPVIZ --list names no scenario"
	exit 1
fi

status=0
count=0
for id in $ids; do
	if ! "$TCPVIZ" --json "$id" >"$tmp/trace.json" 2>"$tmp/err" ||
	    ! "$TCPVIZ" -w "$tmp/trace.pcap" "$id" 2>"$tmp/err"; then
		echo "FAIL $id: tcpviz failed:"
		cat "$tmp/err"
		status=1
		continue
	fi
	if [ "$tool" = tshark ]; then
		tshark -r "$tmp/trace.pcap" -n -E separator=, -T fields \
		    -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
		    -o tcp.relative_sequence_numbers:TRUE \
		    -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.seq \
		    -e tcp.ack -e tcp.len -e tcp.checksum.status \
		    -e ip.checksum.status >"$tmp/fields" 2>"$tmp/err"
		rc=$?
		awk -F, "$from_tshark" "$tmp/fields" >"$tmp/packets"
	else
		tcpdump -n -S -v -r "$tmp/trace.pcap" >"$tmp/fields" \
		    2>"$tmp/err"
		rc=$?
		awk "$from_tcpdump" "$tmp/fields" >"$tmp/packets"
	fi
	if [ $rc -ne 0 ]; then
		echo "FAIL $id: $tool cannot read the capture:"
		cat "$tmp/err"
		status=1
		continue
	fi
	awk -v id="$id" -v tool="$tool" "$compare" \
	    "$tmp/trace.json" "$tmp/packets" || status=1
	count=$((count + 1))
done
echo "pcap_tools.sh: $count scenario(s) checked with $tool"
exit $status
