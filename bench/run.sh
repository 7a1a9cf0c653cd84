#!/usr/bin/env bash
# bench/run.sh: `make bench`.  Times tcpviz on a generated capture of a
# million packets against the libpcap floor (tcpdump -r -w /dev/null),
# tshark and tcpdump, all in the same run, and prints each figure (the
# median of BENCH_RUNS runs, interleaved so that a busy moment hits all
# of them alike) next to its target.  A number never fails the build:
# the script fails only when something could not run at all.  A missing
# tcpdump or tshark makes its comparisons "n/a".
#
# Environment (the Makefile sets the first four):
#   TCPVIZ BENCH_GEN BENCH_LAYOUT  the programs
#   top_srcdir                     for bench/synflood.tcpviz
#   BENCH_DIR                      where the captures go (bench/data)
#   BENCH_PACKETS                  the big capture's size (1000000)
#   BENCH_RUNS                     runs per figure (5)
set -u
: "${TCPVIZ:?}" "${BENCH_GEN:?}" "${BENCH_LAYOUT:?}" "${top_srcdir:?}"
dir=${BENCH_DIR:-bench/data}
packets=${BENCH_PACKETS:-1000000}
runs=${BENCH_RUNS:-5}
# English and no surprises from the caller's locale.
export LANG=C LC_ALL=C
unset LANGUAGE

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
have tcpdump && tcpdump=$(command -v tcpdump) || tcpdump=
have tshark && tshark=$(command -v tshark) || tshark=
[[ -x /usr/bin/time ]] && gnutime=/usr/bin/time || gnutime=

mkdir -p "$dir" || die "cannot make $dir"
big=$dir/big.pcap
# Growth: a hundredth, a tenth and all of the big capture.
sizes=("$((packets / 100))" "$((packets / 10))" "$packets")

# ---- The captures: the same seed gives the same bytes, so a capture
# is made again only when the generator is newer ----
fresh() { [[ -s $1 && $1 -nt $BENCH_GEN ]]; }
for n in "${sizes[@]}"; do
	f=$dir/p$n.pcap
	fresh "$f" || "$BENCH_GEN" -n "$n" -o "$f" || die "gen -n $n failed"
done
ln -sf "p$packets.pcap" "$big"
"$BENCH_GEN" -n 10 -o "$dir/tiny.pcap" || die "gen -n 10 failed"
# Bulk downloads: few connections, so the cost of a packet shows alone.
fresh "$dir/bulk.pcap" || "$BENCH_GEN" -b -c 200 -n "$packets" \
    -o "$dir/bulk.pcap" || die "gen -b failed"

# ---- Timing ----
# secs COMMAND...: wall-clock seconds of one run, output thrown away.
secs() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo fail; return; }
	t1=$(date +%s%N)
	awk -v d=$((t1 - t0)) 'BEGIN { printf "%.4f", d / 1e9 }'
}

# Figures by name: each run appends its time to T[name].
declare -A T
# time_as NAME COMMAND...
time_as() {
	local name=$1
	shift
	T[$name]+="$(secs "$@") "
}

median() {
	tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0 || v[1] == "fail") { print "n/a"; exit }
			print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# One connection of the capture for the ladder: the first IPv4 one.
sel=$("$TCPVIZ" -r "$big" -c 200 --json | sed -n \
    's/.*"client":"\([0-9.]*\):\([0-9]*\)","server":"\([0-9.]*\):\([0-9]*\)".*/\1 \2 \3 \4/p' |
    head -1)
read -r ca cp sa sp <<<"$sel"
[[ -n ${sp:-} ]] || die "no IPv4 connection in the first packets of $big"
bpf="host $ca and port $cp and host $sa and port $sp"
dfilter="ip.addr==$ca && tcp.port==$cp && ip.addr==$sa && tcp.port==$sp"

flood=$top_srcdir/bench/synflood.tcpviz
printf 'bench: %s runs of each figure on %s (%s packets)\n' "$runs" "$big" \
    "$packets" >&2
for ((r = 1; r <= runs; r++)); do
	printf 'bench: run %d of %d\n' "$r" "$runs" >&2
	[[ -n $tcpdump ]] && time_as floor "$tcpdump" -r "$big" -w /dev/null
	time_as summary "$TCPVIZ" -r "$big" --summary
	time_as json "$TCPVIZ" -r "$big" --json
	time_as ladder "$TCPVIZ" -r "$big" --text "$bpf"
	if [[ -n $tshark ]]; then
		time_as tshark_conv "$tshark" -r "$big" -q -z conv,tcp
		time_as tshark_flow "$tshark" -r "$big" -q \
		    -z "flow,tcp,standard,$dfilter"
	fi
	for n in "${sizes[@]}"; do
		time_as "sum$n" "$TCPVIZ" -r "$dir/p$n.pcap" --summary
		[[ -n $tcpdump ]] &&
			time_as "dump$n" "$tcpdump" -nr "$dir/p$n.pcap"
	done
	time_as flood "$TCPVIZ" --summary "$flood"
	time_as flood_json "$TCPVIZ" --json "$flood"
	time_as flood_text "$TCPVIZ" --text "$flood"
done

declare -A M
for k in "${!T[@]}"; do
	M[$k]=$(median "${T[$k]}")
done
m() { echo "${M[$1]:-n/a}"; }

# ---- Memory: peak RSS of the big load, less that of a tiny one ----
rss() {
	[[ -n $gnutime ]] || { echo n/a; return; }
	"$gnutime" -f %M "$@" 2>&1 >/dev/null | tail -1
}
rss_big=$(rss "$TCPVIZ" -r "$big" --summary)
rss_bulk=$(rss "$TCPVIZ" -r "$dir/bulk.pcap" --summary)
rss_tiny=$(rss "$TCPVIZ" -r "$dir/tiny.pcap" --summary)
bulk_counts=$("$TCPVIZ" -r "$dir/bulk.pcap" --summary)
counts=$("$TCPVIZ" -r "$big" --summary)

# ---- The table ----
# calc EXPR: awk arithmetic on the figures, n/a if any is.
calc() {
	[[ $* == *n/a* || $* == *fail* ]] && { echo n/a; return; }
	awk "BEGIN { printf \"%.1f\", $* }"
}
# ok VALUE OP LIMIT: "yes" or "NO" (n/a when unknown).
ok() {
	[[ $1 == n/a ]] && { echo n/a; return; }
	awk -v v="$1" -v l="$3" "BEGIN { print (v $2 l) ? \"yes\" : \"NO\" }"
}
row() { printf '%-44s %-12s %-12s %-14s %s\n' "$@"; }
# s SECONDS, x RATIO: with their unit, unless n/a.
s() { [[ $1 == n/a ]] && echo n/a || echo "$1 s"; }
x() { [[ $1 == n/a ]] && echo n/a || echo "${1}x${2:-}"; }
b() { [[ $1 == n/a ]] && echo n/a || echo "$1 B"; }

floor=$(m floor) summ=$(m summary) json=$(m json) conv=$(m tshark_conv)
r_floor=$(calc "$summ / $floor")
r_conv=$(calc "$conv / $summ")
r_json=$(calc "$conv / $json")
r_flow=$(calc "$(m tshark_flow) / $(m ladder)")
# per_packet RSS_KB: bytes per packet above the tiny capture's peak.
per_packet() {
	[[ $1 =~ ^[0-9]+$ && $rss_tiny =~ ^[0-9]+$ ]] || { echo n/a; return; }
	calc "($1 - $rss_tiny) * 1024 / $packets"
}
mem=$(per_packet "$rss_big")
mem_bulk=$(per_packet "$rss_bulk")
grow=$(calc "$(m "sum$packets") / $(m "sum${sizes[1]}")")
grow_dump=$(calc "$(m "dump$packets") / $(m "dump${sizes[1]}")")
frames=$("$BENCH_LAYOUT")
f100k=$(awk '$2 >= 100000 { print $8 / 1000 }' <<<"$frames")

echo
echo "tcpviz bench: $packets packets, $(stat -L -c %s "$big" 2>/dev/null || echo '?') bytes; $counts"
echo "bulk: $bulk_counts"
echo "medians of $runs runs; ratios from the same run"
echo
row figure tcpviz reference ratio "target: met?"
row "load only (--summary) / libpcap floor" "$(s "$summ")" "$(s "$floor")" \
    "$(x "$r_floor")" "<= 3x: $(ok "$r_floor" '<=' 3)"
row "load only / tshark -z conv,tcp" "$(s "$summ")" "$(s "$conv")" \
    "$(x "$r_conv" " faster")" ">= 20x: $(ok "$r_conv" '>=' 20)"
row "--json > /dev/null / tshark -z conv,tcp" "$(s "$json")" "$(s "$conv")" \
    "$(x "$r_json" " faster")" ">= 10x: $(ok "$r_json" '>=' 10)"
row "--text, one connection / tshark -z flow" "$(s "$(m ladder)")" \
    "$(s "$(m tshark_flow)")" "$(x "$r_flow" " faster")" "-"
row "tcpdump -nr (reference)" - "$(s "$(m "dump$packets")")" - -
row "time, all / a tenth of the packets" "$grow" "$grow_dump" \
    "(tcpdump -nr)" "~10, linear: $(ok "$grow" '<=' 12)"
row "peak memory per packet (max RSS - tiny)" "$(b "$mem")" - - \
    "< 64 B: $(ok "$mem" '<' 64)"
row "  the same, bulk downloads (gen -b)" "$(b "$mem_bulk")" - - \
    "< 64 B: $(ok "$mem_bulk" '<' 64)"
row "engine: 100,000-SYN flood (--summary)" "$(s "$(m flood)")" - - \
    "< 1 s: $(ok "$(m flood)" '<' 1)"
row "  the same, --json / --text" "$(s "$(m flood_json)")" \
    "$(s "$(m flood_text)")" - "(writers linear)"
row "one UI frame, 100k-segment trace (median)" "${f100k:+$f100k ms}" - - \
    "< 2 ms: $(ok "${f100k:-n/a}" '<' 2)"
echo
echo "growth (seconds; us per packet):"
for n in "${sizes[@]}"; do
	a=$(m "sum$n") b=$(m "dump$n")
	printf '  %8s packets  tcpviz --summary %-8s (%s us)  tcpdump -nr %-8s (%s us)\n' \
	    "$n" "$a" "$(calc "$a * 1e6 / $n")" "$b" "$(calc "$b * 1e6 / $n")"
done
echo
echo "layout (bench/layout_bench):"
sed 's/^/  /' <<<"$frames"
exit 0
