#!/usr/bin/env bash
#
# capture_files.sh: tcpviz reading captures (-r) as users meet it.  The
# pcap that `tcpviz -w` writes for every scenario, read back, gives the
# scenario's own segments (flags, seq, ack, len, relative and raw); so
# do its pcapng form, standard input, a pipe and a copy cut to a small
# snap length.  A file cut in the middle of a record shows everything
# before the damage and reports the offset once; garbage, a missing
# file and a bad filter are one line and exit status 2.  With tshark,
# each packet is also compared with tshark's decoding of the same file.

# The awk program below is single-quoted on purpose: awk expands it.
# shellcheck disable=SC2016

set -u
: "${TCPVIZ:?}"
[ -x "$TCPVIZ" ] || exit 77

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

ok() { printf 'ok: %s\n' "$1"; }
bad() { printf 'FAIL: %s\n' "$1"; fail=1; }

# segments < JSON: one line per segment: flags seq ack len abs_seq abs_ack
# (the tcpviz-trace writer always prints these keys in this order).
segments() {
	sed -n 's/.*"type":"segment".*"flags":"\([^"]*\)","seq":\([0-9]*\),"ack":\([0-9]*\),"len":\([0-9]*\),.*"abs_seq":\([0-9]*\),"abs_ack":\([0-9]*\),.*/\1 \2 \3 \4 \5 \6/p'
}

# same DESC A B: the two files of segment lines are equal and not empty.
same() {
	if [ ! -s "$2" ]; then
		bad "$1: no segments"
	elif cmp -s "$2" "$3"; then
		ok "$1 ($(wc -l <"$2") segments)"
	else
		bad "$1: segments differ"
		diff "$2" "$3" | head -5
	fi
}

# expect_error STATUS PATTERN ARGS...: one line on stderr matching
# PATTERN, nothing on stdout, exit status STATUS.
expect_error() {
	local want=$1 pattern=$2
	shift 2
	"$TCPVIZ" "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" -ne "$want" ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
	    ! grep -q -- "$pattern" "$tmp/err" || [ -s "$tmp/out" ]; then
		bad "tcpviz $* exited $got (want $want): $(cat "$tmp/err")"
	else
		ok "tcpviz $* -> $want: $(cat "$tmp/err")"
	fi
}

ids=$("$TCPVIZ" --list | awk '{ print $1 }')
[ -n "$ids" ] || { bad "--list names no scenario"; exit 1; }

# ---- Every scenario, written and read back ----
for id in $ids; do
	"$TCPVIZ" --json "$id" | segments >"$tmp/$id.want"
	if ! "$TCPVIZ" -w "$tmp/$id.pcap" "$id" 2>"$tmp/err"; then
		bad "$id: -w failed: $(cat "$tmp/err")"
		continue
	fi
	"$TCPVIZ" -r "$tmp/$id.pcap" --json 2>"$tmp/err" | segments >"$tmp/$id.got"
	[ -s "$tmp/err" ] && bad "$id: -r printed: $(cat "$tmp/err")"
	same "$id: -r of its pcap" "$tmp/$id.want" "$tmp/$id.got"
done

full=$tmp/lifecycle.pcap
want=$tmp/lifecycle.want
n=$(wc -l <"$want")

"$TCPVIZ" -r - --json <"$full" | segments >"$tmp/stdin"
same "-r - from a file" "$want" "$tmp/stdin"
cat "$full" | "$TCPVIZ" -r - --json | segments >"$tmp/pipe"
same "-r - from a pipe" "$want" "$tmp/pipe"

# The text ladder of a capture: one line per segment, the source named.
"$TCPVIZ" -r "$full" --text >"$tmp/text" 2>&1
if grep -q "pcap:$full" "$tmp/text" && [ "$(grep -c -- '--' "$tmp/text")" -ge "$n" ]; then
	ok "--text of a capture"
else
	bad "--text of a capture: $(head -3 "$tmp/text")"
fi

# ---- -c, -w and the filter ----
"$TCPVIZ" -r "$full" -c 3 --json | segments >"$tmp/c3"
head -3 "$want" >"$tmp/c3.want"
same "-c 3" "$tmp/c3.want" "$tmp/c3"

"$TCPVIZ" -r "$full" -w "$tmp/copy.pcap" >"$tmp/out" 2>&1
[ -s "$tmp/out" ] && bad "-r -w printed: $(cat "$tmp/out")"
"$TCPVIZ" -r "$tmp/copy.pcap" --json | segments >"$tmp/copy"
same "-r then -w then -r" "$want" "$tmp/copy"
if ls "$tmp"/copy.pcap.tmp-* >/dev/null 2>&1; then
	bad "-w left a temporary file"
fi
# What is not a regular file is written to, never renamed over.
if "$TCPVIZ" -r "$full" -w /dev/stdout | cmp -s - "$tmp/copy.pcap"; then
	ok "-w /dev/stdout writes to the pipe"
else
	bad "-w /dev/stdout"
fi

# Only the server's segments (port 80 is the source).
"$TCPVIZ" -r "$full" --json src port 80 | segments >"$tmp/filtered"
m=$(wc -l <"$tmp/filtered")
if [ "$m" -gt 0 ] && [ "$m" -lt "$n" ]; then
	ok "a trailing filter (src port 80) keeps $m of $n"
else
	bad "a trailing filter kept $m of $n"
fi

# ---- Damage ----
# The offset of the last record: the size of the file without it.
"$TCPVIZ" -r "$full" -c $((n - 1)) -w "$tmp/first.pcap"
off=$(wc -c <"$tmp/first.pcap")
size=$(wc -c <"$full")
head -n $((n - 1)) "$want" >"$tmp/first.want"
for cut in $((off + 7)) $((off + 16 + 10)) $((size - 1)); do
	head -c "$cut" "$full" >"$tmp/cut.pcap"
	"$TCPVIZ" -r "$tmp/cut.pcap" --json >"$tmp/cut.json" 2>"$tmp/err"
	status=$?
	segments <"$tmp/cut.json" >"$tmp/cut"
	if [ "$status" -ge 128 ]; then
		bad "cut at $cut: crashed ($status)"
	elif [ "$status" -ne 1 ]; then
		bad "cut at $cut: exit $status, want 1"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "byte $off," "$tmp/err"; then
		bad "cut at $cut: want one line naming byte $off: $(cat "$tmp/err")"
	else
		ok "cut at $cut: $(cat "$tmp/err")"
	fi
	same "cut at $cut: everything before the damage" "$tmp/first.want" "$tmp/cut"
done

# ---- One line and exit 2 ----
for i in 1 2 3 4 5 6 7 8; do
	echo "this is not a capture file, just text $i"
done >"$tmp/garbage"
expect_error 2 "garbage" -r "$tmp/garbage"
: >"$tmp/empty"
expect_error 2 "empty" -r "$tmp/empty"
expect_error 2 "missing" -r "$tmp/missing.pcap"
expect_error 2 "bad filter" -r "$full" tcp port eighty
expect_error 2 "one source" -r "$full" -i lo
expect_error 2 "-c" -r "$full" -c many
expect_error 2 "nosuchdev0" -i nosuchdev0
if [ "$(id -u)" -eq 0 ]; then
	expect_error 2 "no user" -i lo -Z no-such-user-tcpviz
fi

# ---- pcapng and a small snap length, made by Wireshark's editcap ----
if command -v editcap >/dev/null 2>&1; then
	editcap -F pcapng "$full" "$tmp/full.pcapng"
	"$TCPVIZ" -r "$tmp/full.pcapng" --json | segments >"$tmp/ng"
	same "pcapng" "$want" "$tmp/ng"
	"$TCPVIZ" -r - --json <"$tmp/full.pcapng" | segments >"$tmp/ngstdin"
	same "pcapng on standard input" "$want" "$tmp/ngstdin"
	editcap -s 50 "$full" "$tmp/snap.pcap"
	"$TCPVIZ" -r "$tmp/snap.pcap" --json | segments >"$tmp/snap"
	same "snap length 50: true lengths from the IP header" "$want" "$tmp/snap"
	# pcapng cut: everything before, one line.
	ngsize=$(wc -c <"$tmp/full.pcapng")
	head -c $((ngsize - 30)) "$tmp/full.pcapng" >"$tmp/cut.pcapng"
	"$TCPVIZ" -r "$tmp/cut.pcapng" --json 2>"$tmp/err" | segments >"$tmp/ngcut"
	if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "damaged" "$tmp/err"; then
		ok "pcapng cut: $(cat "$tmp/err")"
	else
		bad "pcapng cut: $(cat "$tmp/err")"
	fi
	same "pcapng cut: everything before the damage" "$tmp/first.want" "$tmp/ngcut"
else
	echo "skip: no editcap, so no pcapng or snap-length cases"
fi

# ---- Packet by packet against tshark ----
# Both as: flags-byte seq_raw ack_raw(- without ACK) len.
to_numbers='
function flagbyte(f,   v, i) {
	v = 0
	for (i = 1; i <= length(f); i++)
		v += 2 ^ (index("FSRP.UEW", substr(f, i, 1)) - 1)
	return v
}
{ v = flagbyte($1); print v, $5, (v % 32 >= 16 ? $6 : "-"), $4 }'
from_tshark='
function hex(s,   v, i) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
{ v = hex($1) % 256; print v, $2, (v % 32 >= 16 ? $3 : "-"), $4 }'
if command -v tshark >/dev/null 2>&1; then
	for id in $ids; do
		[ -s "$tmp/$id.pcap" ] || continue
		awk "$to_numbers" "$tmp/$id.got" >"$tmp/$id.ours"
		tshark -r "$tmp/$id.pcap" -Y tcp -T fields -e tcp.flags \
		    -e tcp.seq_raw -e tcp.ack_raw -e tcp.len \
		    -E separator=' ' 2>/dev/null | awk "$from_tshark" >"$tmp/$id.tshark"
		same "$id: tshark agrees" "$tmp/$id.tshark" "$tmp/$id.ours"
	done
else
	echo "skip: no tshark to compare with"
fi

exit "$fail"
