#!/usr/bin/env bash
# fuzz/mkcorpus.sh: writes the seed corpora fuzz/corpus/TARGET/ again,
# from the lessons and the concept bank, with the tcpviz of this tree
# (build it first).  The seeds are checked in; run this only when the
# formats change.  Needs editcap (Wireshark) for the pcapng seeds.
#
#   decode:   packets cut from the pcaps that `tcpviz -w` writes, each
#             behind the selector byte of fuzz/decode.c (link type
#             fz_links[b % 11]; b / 11 = 0: nothing cut), the first SYN
#             in every link framing
#   pcapfile: those pcaps, pcapng copies, an Ethernet and a Linux cooked
#             v2 copy, one cut by a snap length, one cut mid-record
#   scenario: every lesson, the same without its texts, an IPv6 lesson
#   bank:     the concept bank, and single questions cut from it
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
tcpviz=${TCPVIZ:-$top/src/tcpviz}
lessons=$top/data/scenarios
out=$here/corpus

[[ -x $tcpviz ]] || { echo "mkcorpus: build $tcpviz first" >&2; exit 1; }
command -v editcap >/dev/null ||
	{ echo "mkcorpus: needs editcap (Debian: apt-get install tshark)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bytes N...: write the bytes with these decimal values.
bytes() {
	local b
	for b; do
		printf '%b' "\\$(printf '%03o' "$b")"
	done
}

# le32 N: N as four little-endian bytes.
le32() {
	bytes $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}

# u32 FILE OFF: the little-endian 32-bit number at OFF.
u32() {
	local -a b
	read -r -a b < <(od -An -tu1 -j "$2" -N4 "$1")
	echo $((b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24))
}

# records FILE: "offset caplen" of each record of a classic pcap that
# `tcpviz -w` wrote (little-endian, whatever the host).
records() {
	local off=24 size caplen
	size=$(stat -c %s "$1")
	while ((off + 16 <= size)); do
		caplen=$(u32 "$1" $((off + 8)))
		echo "$off $caplen"
		off=$((off + 16 + caplen))
	done
}

# packet FILE OFF CAPLEN: the packet bytes of the record at OFF.
packet() {
	dd if="$1" bs=1 skip=$(($2 + 16)) count="$3" status=none
}

# Link headers for an IPv4 (4) or IPv6 (6) packet, by link type.
link_header() {
	# Ethertype; address family in BSD loopback (host order, here
	# little-endian; macOS's AF_INET6) and OpenBSD loopback headers.
	local et0=8 et1=0 af=2 obsd_af=2
	if [[ $2 = 6 ]]; then
		et0=134 et1=221 af=30 obsd_af=24
	fi
	case $1 in
	null) bytes $af 0 0 0 ;;
	loop) bytes 0 0 0 $obsd_af ;;
	ether) bytes 2 0 0 0 0 2 2 0 0 0 0 1 $et0 $et1 ;;
	sll) bytes 0 0 0 1 0 6 2 0 0 0 0 1 0 0 $et0 $et1 ;;
	sll2) bytes $et0 $et1 0 0 0 0 0 1 0 1 0 6 2 0 0 0 0 1 0 0 ;;
	*) ;;
	esac
}

# relink PCAP LINK LINKTYPE V OUT: the same pcap on another link.
relink() {
	local off caplen hl
	hl=$(link_header "$2" "$4" | wc -c)
	{
		bytes 212 195 178 161 2 0 4 0 0 0 0 0 0 0 0 0 255 255 0 0
		le32 "$3"
		while read -r off caplen; do
			dd if="$1" bs=1 skip="$off" count=8 status=none
			le32 $((caplen + hl))
			le32 $(($(u32 "$1" $((off + 12))) + hl))
			link_header "$2" "$4"
			packet "$1" "$off" "$caplen"
		done < <(records "$1")
	} >"$5"
}

rm -rf "${out:?}"/{decode,pcapfile,scenario,bank}
mkdir -p "$out"/{decode,pcapfile,scenario,bank}

# ---- Captures of lessons ----
pcaps=(lifecycle fast-open refused simultaneous-open half-open)
for id in "${pcaps[@]}"; do
	"$tcpviz" -w "$tmp/$id.pcap" "$lessons/$id.tcpviz" >/dev/null
done
# lifecycle over IPv6.
sed -e 's/^\(client *\)10\.0\.0\.1:/\1[2001:db8::1]:/' \
	-e 's/^\(server *\)10\.0\.0\.2:/\1[2001:db8::2]:/' \
	-e 's/^\(id *\)lifecycle/\1lifecycle6/' \
	"$lessons/lifecycle.tcpviz" >"$tmp/lifecycle6.tcpviz"
"$tcpviz" -w "$tmp/lifecycle6.pcap" "$tmp/lifecycle6.tcpviz" >/dev/null
pcaps+=(lifecycle6)

# ---- decode ----
# Selector bytes: indexes into fz_links of fuzz/decode.c.
declare -A sel=([null]=0 [ether]=1 [raw12]=2 [raw]=4 [loop]=5 [sll]=6
	[ipv4]=7 [ipv6]=8 [sll2]=9)
for id in "${pcaps[@]}"; do
	n=0
	while read -r off caplen; do
		n=$((n + 1))
		{ bytes "${sel[raw]}"; packet "$tmp/$id.pcap" "$off" "$caplen"; } \
			>"$out/decode/$id-$n.raw"
	done < <(records "$tmp/$id.pcap")
done
for id in lifecycle lifecycle6; do
	v=4
	[[ $id = lifecycle6 ]] && v=6
	read -r off caplen < <(records "$tmp/$id.pcap")
	for link in null ether raw12 loop sll sll2 "ipv$v"; do
		{
			bytes "${sel[$link]}"
			link_header "$link" "$v"
			packet "$tmp/$id.pcap" "$off" "$caplen"
		} >"$out/decode/$id-syn.$link"
	done
done
# The Fast Open SYN (options and data) cut after 48 bytes by a snap
# length: selector 4 + 11 * 2 says the wire had more.
read -r off caplen < <(records "$tmp/fast-open.pcap")
{ bytes $((sel[raw] + 11 * 2)); packet "$tmp/fast-open.pcap" "$off" 48; } \
	>"$out/decode/fast-open-syn.cut"

# ---- pcapfile ----
for id in "${pcaps[@]}"; do
	cp "$tmp/$id.pcap" "$out/pcapfile/$id.pcap"
done
editcap -F pcapng "$tmp/lifecycle.pcap" "$out/pcapfile/lifecycle.pcapng"
editcap -F pcapng "$tmp/lifecycle6.pcap" "$out/pcapfile/lifecycle6.pcapng"
editcap -s 60 "$tmp/fast-open.pcap" "$out/pcapfile/fast-open-snap60.pcap"
size=$(stat -c %s "$tmp/lifecycle.pcap")
head -c $((size - 7)) "$tmp/lifecycle.pcap" >"$out/pcapfile/lifecycle-cut.pcap"
relink "$tmp/lifecycle.pcap" ether 1 4 "$out/pcapfile/lifecycle-ether.pcap"
relink "$tmp/lifecycle6.pcap" sll2 276 6 "$out/pcapfile/lifecycle6-sll2.pcap"

# ---- scenario ----
for f in "$lessons"/*.tcpviz; do
	id=$(basename "$f" .tcpviz)
	cp "$f" "$out/scenario/$id.tcpviz"
	# The script alone: shorter inputs for the fuzzer to change.
	awk '$1 !~ /^(narrate|en|zh|checkpoint|ask|ask\.zh|answer|answer\.zh|summary|summary\.zh)$/' \
		"$f" >"$tmp/script.tcpviz"
	if "$tcpviz" --check "$tmp/script.tcpviz" >/dev/null 2>&1; then
		cp "$tmp/script.tcpviz" "$out/scenario/$id.script.tcpviz"
	else
		echo "mkcorpus: $id without its texts does not parse; left out" >&2
	fi
done
cp "$tmp/lifecycle6.tcpviz" "$out/scenario/lifecycle6.tcpviz"

# ---- bank ----
bank=$top/data/practice/concepts.tcpviz-bank
cp "$bank" "$out/bank/concepts.tcpviz-bank"
# Questions 1 to 6, one file each (what comes before the first is a
# comment header, kept in every file).
awk -v dir="$out/bank" '
	/^question/ { n++ }
	n == 0 { head = head $0 "\n"; next }
	n <= 6 {
		f = sprintf("%s/question-%d.tcpviz-bank", dir, n)
		if (!(f in started)) { printf "%s", head > f; started[f] = 1 }
		print > f
	}' "$bank"

chmod -R u=rwX,go=rX "$out"
for t in decode pcapfile scenario bank; do
	printf 'mkcorpus: %-9s %3d files\n' "$t" "$(find "$out/$t" -type f | wc -l)"
done
