# shellcheck shell=bash
#
# netns.sh: real TCP traffic for the tests, made where it cannot leak.
# Sourced by test scripts (tests/real_traffic.sh; the engine-against-
# kernel comparison can use it the same way):
#
#	. "$top_srcdir/tests/netns.sh"
#	netns_require			# or exit 77 (the automake skip)
#	trap netns_cleanup EXIT
#	netns_play "$tmp/x.pcap" lifecycle [OPTION]... || ...
#	"$TCPVIZ" -r "$tmp/x.pcap" --json
#
# netns_play plays one scenario with the kernel's own TCP: a fresh
# network namespace (or two joined by a veth pair), the profile values
# the scenario (and --set) gives as the namespaces' sysctls, the
# scenario's lost segments as nftables rules, tcpdump recording, and
# tests/sockplay playing the client and the server (and the attacker)
# from the same time zero.  Everything is deleted afterwards; nothing is
# sent outside the namespaces.  What happened goes to PCAP.log.
#
# Options:
#   --v6            IPv6 on the loopback (::1) instead of 127.0.0.1
#   --veth          the server in one namespace (10.0.0.2 on veth0), the
#                   client and the attacker in a second (10.0.0.1); the
#                   capture is the server's veth.  Needed for spoofed
#                   sources, which the loopback drops.
#   --set KEY=VALUE a profile value, as tcpviz --set.  Those with a sysctl
#                   become the namespaces' (sockplay --plan says which);
#                   delay, delay_c2s and delay_s2c make the veth pair a
#                   wire with those one-way delays (tests/delayline.c),
#                   so that segments sent at once cross, as in the engine.
#   --drop SIDE:KIND#N  lose one more segment, as tcpviz --drop
#   --outage "FROM TO [both|c2s|s2c]"  a link outage (seconds); any
#                   --outage replaces the scenario's own `link down`s
#   --min S         record at least S seconds from time zero
#   --max S         record at most S seconds (default 15): for sides that
#                   wait for something that never comes
#   --settle S      record S seconds more once every side is done
#                   (default 0.5), for the kernel's own timers
# After it, NETNS_T0 holds scenario time 0 in microseconds since the
# epoch: a packet's pcap timestamp minus it is its scenario time.
# Returns 0 when played, 77 when the scenario needs what this cannot do
# (delay one segment, forge one, IPv6 over the veth), 1 on any other
# failure.
#
# Losing the Nth segment of a kind: a rule in the input hook of both
# hosts' namespaces, so the segment is lost after tcpdump saw it leave
# (the capture shows it once, and then its retransmission).  The rule
# matches the side (source address and the server's port: the client's
# segments go to it, the server's come from it), then the kind by its
# flags, then counts with `numgen inc`: a counter of the rule's own that
# only packets which matched everything before it reach, so `numgen inc
# mod 1000000000 { 0, 2 }` is true for the 1st and the 3rd of them alone.
# (nftables' quota counts bytes, not packets.)  Kinds are the engine's
# (segment_kind()): SYN, SYN-ACK, FIN, RST, and DATA or ACK, told apart
# by the payload length, which nftables cannot compute but can compare: a
# segment is empty exactly when the IP length equals the headers' (IPv4:
# 20 + 4 * data offset; IPv6: 4 * data offset), written as a set of
# (length . offset byte) pairs.  The kernel sends no IP options.

NETNS_SOCKPLAY=${NETNS_SOCKPLAY:-${top_builddir:-.}/tests/sockplay}
NETNS_DELAYLINE=${NETNS_DELAYLINE:-${top_builddir:-.}/tests/delayline}
NETNS_LIST=()
NETNS_PIDS=()
NETNS_T0=0
netns_count=0

netns_say() { printf 'netns: %s\n' "$*"; }

# netns_require: everything netns_play needs, or exit 77 saying what is
# missing.
netns_require() {
	local c
	if [ "$(id -u)" -ne 0 ]; then
		netns_say "skip: needs root (network namespaces, nftables, tcpdump)"
		exit 77
	fi
	for c in ip nft tcpdump; do
		if ! command -v "$c" >/dev/null 2>&1; then
			netns_say "skip: no $c (Debian: iproute2 nftables tcpdump)"
			exit 77
		fi
	done
	for c in "$NETNS_SOCKPLAY" "$NETNS_DELAYLINE"; do
		if [ ! -x "$c" ]; then
			netns_say "skip: no $c (make check builds it)"
			exit 77
		fi
	done
	local probe="tcpviz-probe-$$"
	if ! ip netns add "$probe" 2>/dev/null; then
		netns_say "skip: cannot create a network namespace"
		exit 77
	fi
	if ! ip netns exec "$probe" nft add table inet probe 2>/dev/null; then
		ip netns del "$probe"
		netns_say "skip: nftables does not work in a namespace"
		exit 77
	fi
	ip netns del "$probe"
}

# netns_stop: end the processes netns_play started (only those).
netns_stop() {
	local p
	for p in "${NETNS_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${NETNS_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	NETNS_PIDS=()
}

# netns_cleanup: end what netns_play left running and delete its
# namespaces (for an EXIT trap; netns_play cleans up after itself).
netns_cleanup() {
	local n
	netns_stop
	for n in "${NETNS_LIST[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	NETNS_LIST=()
}

# Time in microseconds since the epoch (whatever the locale's decimal
# point), and back to seconds.
netns_now() { echo "${EPOCHREALTIME//[!0-9]/}"; }
netns_secs() { printf '%d.%06d' $(($1 / 1000000)) $(($1 % 1000000)); }
netns_us() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000000 }'; }

# netns_add NAME: a namespace with its loopback up.
netns_add() {
	ip netns add "$1" || return 1
	NETNS_LIST+=("$1")
	ip -n "$1" link set lo up
}

# netns_match SIDE: the nftables match for segments SIDE sends.
netns_match() {
	if [ "$1" = client ]; then
		echo "$nn_fam saddr $nn_caddr tcp dport $nn_sport"
	else
		echo "$nn_fam saddr $nn_saddr tcp sport $nn_sport"
	fi
}

# netns_drop_rule SIDE:KIND N...: the rule that loses those segments.
netns_drop_rule() {
	local side=${1%%:*} kind=${1#*:} d pairs='' sep='' nths=''
	shift
	for d in 5 6 7 8 9 10 11 12 13 14 15; do
		if [ "$nn_fam" = ip ]; then
			pairs+="$sep$((20 + 4 * d)) . $((d * 16))"
		else
			pairs+="$sep$((4 * d)) . $((d * 16))"
		fi
		sep=', '
	done
	local len="$nn_fam length . @th,96,8"
	case $kind in
	SYN) kind='tcp flags & (syn|rst|ack) == syn' ;;
	SYN-ACK) kind='tcp flags & (syn|rst|ack) == syn|ack' ;;
	FIN) kind='tcp flags & (fin|syn|rst) == fin' ;;
	RST) kind='tcp flags & rst == rst' ;;
	DATA) kind="tcp flags & (fin|syn|rst) == 0 $len != { $pairs }" ;;
	ACK) kind="tcp flags & (fin|syn|rst) == 0 $len { $pairs }" ;;
	ANY) kind='' ;;
	*) return 1 ;;
	esac
	case $side in client | server) ;; *) return 1 ;; esac
	sep=''
	for d in "$@"; do
		nths+="$sep$((d - 1))"
		sep=', '
	done
	echo "$(netns_match "$side") $kind numgen inc mod 1000000000 { $nths } counter drop"
}

# netns_drop_rules SIDE:KIND#N...: one rule per side and kind, since a
# rule's counter only sees the packets that reach it: with a rule per
# segment, the second rule would not count the segment the first dropped.
# For the same reason a side's ANY cannot be combined with its other
# kinds (the engine counts a dropped segment for both).
netns_drop_rules() {
	local spec key
	local -A nths=()
	for spec in "$@"; do
		key=${spec%%#*}
		case $spec in *'#'*) nths[$key]+=" ${spec#*#}" ;; *) nths[$key]+=" 1" ;; esac
	done
	local k
	for key in "${!nths[@]}"; do
		[ "${key#*:}" = ANY ] || continue
		for k in "${!nths[@]}"; do
			if [ "$k" != "$key" ] && [ "${k%%:*}" = "${key%%:*}" ]; then
				netns_say "cannot count $key together with $k"
				return 1
			fi
		done
	done
	for key in "${!nths[@]}"; do
		# shellcheck disable=SC2086 # the list of numbers, split
		netns_drop_rule "$key" ${nths[$key]} || {
			netns_say "bad drop '$key'"
			return 1
		}
	done
}

# netns_nft NAMESPACE...: the ruleset text on stdin, into each.
netns_nft() {
	local rules n
	rules=$(cat)
	for n in "$@"; do
		ip netns exec "$n" nft -f - <<<"$rules" || return 1
	done
}

# netns_done FILE...: every side has written "done" (read, a builtin).
netns_done() {
	local f line
	for f in "$@"; do
		line=''
		read -r line <"$f"
		[ "$line" = "done" ] || return 1
	done
}

# netns_play PCAP SCENARIO [OPTION]...: see the top of this file.
netns_play() {
	local status
	netns_play_in "$@"
	status=$?
	netns_cleanup
	return "$status"
}

# The work of netns_play, which cleans up whatever this returns.
netns_play_in() {
	local pcap=$1 scen=$2
	shift 2
	local v6=0 veth=0 min=0 max=15 settle=0.5
	local sets=() drops=() outages=() own_outages=0 attack=0
	while [ $# -gt 0 ]; do
		case $1 in
		--v6) v6=1 ;;
		--veth) veth=1 ;;
		--set) sets+=(--set "$2"); shift ;;
		--drop) drops+=("$2"); shift ;;
		--outage) outages+=("$2"); own_outages=1; shift ;;
		--min) min=$2; shift ;;
		--max) max=$2; shift ;;
		--settle) settle=$2; shift ;;
		*) netns_say "netns_play: unknown option '$1'"; return 1 ;;
		esac
		shift
	done
	local log=$pcap.log
	: >"$log"

	# ---- What the scenario asks of the network ----
	local plan what a b c sysctls=() link=''
	if ! plan=$("$NETNS_SOCKPLAY" --plan "${sets[@]}" "$scen" 2>>"$log"); then
		cat "$log"
		return 1
	fi
	nn_sport=''
	while read -r what a b c; do
		case $what in
		server) nn_sport=${a##*:} ;;
		sysctl) sysctls+=("$a=$b") ;;
		ignore) echo "profile value $a has no kernel setting: not applied" >>"$log" ;;
		link) link="$a $b" ;;
		drop) drops+=("$a") ;;
		delay) netns_say "skip $scen: nftables cannot delay $a"; return 77 ;;
		outage) [ "$own_outages" = 1 ] || outages+=("$a $b $c") ;;
		attack)
			[ "$a" = synflood ] || { netns_say "skip $scen: cannot $a"; return 77; }
			attack=1
			;;
		esac
	done <<<"$plan"

	# ---- The namespaces ----
	[ -n "$link" ] && veth=1
	if [ "$attack" = 1 ] && [ "$veth" = 0 ]; then
		netns_say "skip $scen: a SYN flood needs --veth"
		return 77
	fi
	if [ "$v6" = 1 ] && [ "$veth" = 1 ]; then
		netns_say "skip $scen: IPv6 is only on the loopback"
		return 77
	fi
	netns_count=$((netns_count + 1))
	local ns="tcpviz-$$-$netns_count"
	local peer=$ns-peer wire=$ns-wire cns=$ns iface=lo nss=("$ns")
	netns_add "$ns" || return 1
	if [ "$veth" = 1 ]; then
		netns_add "$peer" || return 1
		nss+=("$peer")
		cns=$peer
		iface=veth0
		nn_fam=ip nn_caddr=10.0.0.1 nn_saddr=10.0.0.2
		if [ -n "$link" ]; then
			# Both veths end in the wire's namespace, where
			# delayline joins them.
			netns_add "$wire" &&
				ip -n "$ns" link add veth0 address 02:00:00:00:00:02 \
					type veth peer name w0 netns "$wire" &&
				ip -n "$peer" link add veth1 address 02:00:00:00:00:01 \
					type veth peer name w1 netns "$wire" &&
				ip -n "$wire" link set w0 up &&
				ip -n "$wire" link set w1 up || return 1
		else
			ip -n "$ns" link add veth0 address 02:00:00:00:00:02 type veth \
				peer name veth1 address 02:00:00:00:00:01 netns "$peer" ||
				return 1
		fi
		# Known neighbours: ARP would hold the first segment back
		# (a round trip over a wire with a delay).
		ip -n "$ns" addr add 10.0.0.2/24 dev veth0 &&
			ip -n "$peer" addr add 10.0.0.1/24 dev veth1 &&
			ip -n "$ns" link set veth0 up &&
			ip -n "$peer" link set veth1 up &&
			ip -n "$ns" neigh add 10.0.0.1 lladdr 02:00:00:00:00:01 \
				dev veth0 nud permanent &&
			ip -n "$peer" neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 \
				dev veth1 nud permanent || return 1
		if [ "$attack" = 1 ]; then
			# Answers to the spoofed sources go back over the veth
			# and end there: nobody has those addresses.
			ip -n "$ns" route add 10.66.0.0/16 via 10.0.0.1 &&
				ip -n "$peer" route add blackhole 10.66.0.0/16 || return 1
		fi
	elif [ "$v6" = 1 ]; then
		nn_fam=ip6 nn_caddr=::1 nn_saddr=::1
	else
		nn_fam=ip nn_caddr=127.0.0.1 nn_saddr=127.0.0.1
	fi

	local n kv
	for kv in "${sysctls[@]}"; do
		for n in "${nss[@]}"; do
			if ! ip netns exec "$n" sysctl -q -w "$kv" >/dev/null 2>&1; then
				echo "sysctl $kv: not in this kernel, not applied" >>"$log"
				break
			fi
		done
	done

	local rules
	rules=$(netns_drop_rules "${drops[@]}") || return 1
	netns_nft "${nss[@]}" <<EOF || return 1
table inet tcpviz {
	chain input {
		type filter hook input priority filter; policy accept;
$rules
		jump outage
	}
	chain outage {
	}
}
EOF
	{
		echo "plan of $scen:"
		echo "$plan"
		ip netns exec "$ns" nft list ruleset
	} >>"$log"

	# ---- Record, then play ----
	local delayline=''
	if [ -n "$link" ]; then
		# Frames from the server (w0) take the s2c delay.
		local c2s s2c
		read -r c2s s2c <<<"$link"
		ip netns exec "$wire" "$NETNS_DELAYLINE" w0 w1 "$s2c" "$c2s" \
			2>"$pcap.wire" &
		delayline=$!
		NETNS_PIDS+=("$delayline")
	fi
	# -Z root: tcpdump would open the file as user tcpdump otherwise.
	: >"$pcap.tcpdump"
	ip netns exec "$ns" tcpdump -i "$iface" -w "$pcap" --immediate-mode -U \
		-n -Z root tcp 2>"$pcap.tcpdump" &
	local tcpdump=$!
	NETNS_PIDS+=("$tcpdump")
	local i=0
	until grep -q 'listening on' "$pcap.tcpdump"; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { netns_say "tcpdump did not start"; return 1; }
		sleep 0.05
	done
	if [ -n "$delayline" ] && ! kill -0 "$delayline" 2>/dev/null; then
		netns_say "delayline failed: $(cat "$pcap.wire")"
		return 1
	fi

	local t0 caddr=$nn_caddr saddr=$nn_saddr
	t0=$(($(netns_now) + 300000))
	# shellcheck disable=SC2034 # for the script that sourced this
	NETNS_T0=$t0
	echo "t0 $(netns_secs "$t0")" >>"$log"
	[ "$nn_fam" = ip6 ] && caddr="[$caddr]" saddr="[$saddr]"
	local side sides=(server client) outs=() pids=()
	[ "$attack" = 1 ] && sides+=(attacker)
	for side in "${sides[@]}"; do
		n=$ns
		[ "$side" = server ] || n=$cns
		: >"$pcap.$side.out"
		ip netns exec "$n" "$NETNS_SOCKPLAY" --side "$side" \
			--client "$caddr" --server "$saddr" --attacker 10.66.0.1 \
			--t0 "$(netns_secs "$t0")" "${sets[@]}" "$scen" \
			>"$pcap.$side.out" 2>"$pcap.$side.log" &
		pids+=($!)
		NETNS_PIDS+=($!)
		outs+=("$pcap.$side.out")
	done

	# Wait, applying outages on time, until every side is done and the
	# kernel has settled, or until --max.  (Builtins but for sleep and
	# the outages' nft: the kernel's timers should have the machine.)
	local now stop='' deadline min_us settle_us o from to dir status=0
	local starts=() ends=() matches=()
	for o in "${outages[@]}"; do
		read -r from to dir <<<"$o"
		starts+=($((t0 + $(netns_us "$from"))))
		ends+=($((t0 + $(netns_us "$to"))))
		case ${dir:-both} in
		both) matches+=('meta l4proto tcp') ;;
		c2s) matches+=("$(netns_match client)") ;;
		s2c) matches+=("$(netns_match server)") ;;
		*) netns_say "bad outage '$o'"; return 1 ;;
		esac
	done
	deadline=$((t0 + $(netns_us "$max")))
	min_us=$((t0 + $(netns_us "$min")))
	settle_us=$(netns_us "$settle")
	while :; do
		now=${EPOCHREALTIME//[!0-9]/}
		for i in "${!starts[@]}"; do
			if [ "${starts[$i]}" -gt 0 ] && [ "$now" -ge "${starts[$i]}" ]; then
				for n in "${nss[@]}"; do
					ip netns exec "$n" nft add rule inet tcpviz outage \
						"${matches[$i]}" drop
				done
				echo "outage from $(netns_secs $((now - t0)))" >>"$log"
				starts[i]=0
			fi
			if [ "${ends[$i]}" -gt 0 ] && [ "$now" -ge "${ends[$i]}" ]; then
				for n in "${nss[@]}"; do
					ip netns exec "$n" nft flush chain inet tcpviz outage
				done
				echo "outage until $(netns_secs $((now - t0)))" >>"$log"
				ends[i]=0
			fi
		done
		for i in "${!pids[@]}"; do
			if ! kill -0 "${pids[$i]}" 2>/dev/null; then
				netns_say "sockplay --side ${sides[$i]} failed"
				status=1
			fi
		done
		[ "$status" = 0 ] || break
		if [ -z "$stop" ] && netns_done "${outs[@]}"; then
			stop=$((now + settle_us))
			[ "$stop" -lt "$min_us" ] && stop=$min_us
		fi
		[ -n "$stop" ] && [ "$now" -ge "$stop" ] && break
		[ "$now" -ge "$deadline" ] && break
		sleep 0.02
	done

	# Stop recording before the sides exit: their sockets' last words
	# (FIN or RST at exit) are not the scenario's.
	kill -INT "$tcpdump"
	wait "$tcpdump"
	netns_stop
	for side in "${sides[@]}"; do
		cat "$pcap.$side.log" >>"$log"
		rm -f "$pcap.$side.log" "$pcap.$side.out"
	done
	cat "$pcap.tcpdump" >>"$log"
	rm -f "$pcap.tcpdump"
	if [ -n "$link" ]; then
		cat "$pcap.wire" >>"$log"
		rm -f "$pcap.wire"
	fi
	[ "$status" = 0 ] || cat "$log"
	return "$status"
}
