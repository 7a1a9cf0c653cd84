#!/usr/bin/env bash
# ui_tmux.sh: the interactive view as a person sees it.  tcpviz runs in
# tmux at several sizes; the test sends keys and reads the screen with
# capture-pane: the lifecycle's arrows and states, stepping back to an
# identical screen, a dropped FIN coming back retransmitted, resizing
# while it plays, ASCII under LANG=C, Chinese narration that fits, the
# "please enlarge" notice, the terminal restored after q, Ctrl-C,
# SIGTERM and a crash, no CPU used while paused.  Every wait polls the
# screen with a time limit; nothing relies on a long sleep.  Exit 77
# (skip) when tmux or the program is missing.
set -u
: "${TCPVIZ:?}" "${top_srcdir:?}"
[ -x "$TCPVIZ" ] || { echo "SKIP: $TCPVIZ not built"; exit 77; }
. "$top_srcdir/tests/tmux.sh"
tmux_setup ui
trap tmux_cleanup EXIT

# start NAME WIDTH HEIGHT LOCALE ARGS...: run tcpviz ARGS in a new
# session.  A wrapper records its pid, its exit status and the terminal
# modes after it, then keeps the pane open so that it can be read.
start() {
	local name=$1 w=$2 h=$3 loc=$4
	shift 4
	{
		printf '#!/usr/bin/env bash\n'
		printf 'trap true INT\n'
		printf 'unset NO_COLOR LANGUAGE LC_MESSAGES\n'
		printf 'export LANG=%q LC_ALL=%q TCPVIZ_DATADIR=%q\n' \
			"$loc" "$loc" "$TCPVIZ_DATADIR"
		printf 'sh -c %q sh %q' 'echo $$ >"$1"; shift; exec "$@"' \
			"$tmp/$name.pid"
		printf ' %q' "$TCPVIZ" "$@"
		printf '\necho "exit $?" >%q\n' "$tmp/$name.status"
		printf 'stty -a >%q\n' "$tmp/$name.stty"
		printf 'echo "shell prompt"\n'
		printf 'exec sleep 600\n'
	} >"$tmp/$name.sh"
	rm -f "$tmp/$name.pid" "$tmp/$name.status" "$tmp/$name.stty"
	tm new-session -d -s "$name" -x "$w" -y "$h" "bash $tmp/$name.sh"
}

# settle NAME: wait until two captures a moment apart agree (the view
# draws once per key when paused), leaving it in $tmp/NAME.screen.
settle() {
	local name=$1 end=$((SECONDS + limit)) prev=
	while :; do
		screen "$name" >"$tmp/$name.screen"
		[ "$(cat "$tmp/$name.screen")" = "$prev" ] && return 0
		prev=$(cat "$tmp/$name.screen")
		((SECONDS >= end)) && return 1
		sleep 0.2
	done
}

# step_to NAME K: the cursor on event K (the title says "K/N").
step_to() {
	wait_for "$1" " $2/[0-9]+ *\$" || {
		bad "$1: cursor did not reach event $2"
		cat "$tmp/$1.screen"
	}
}

# finish NAME: quit with q; tcpviz must end with status 0 (a sanitizer
# build ends otherwise when it finds a leak).
finish() {
	# Esc first closes a page or leaves a mode (alone: Esc and q sent
	# together would read as Alt-q).
	keys "$1" Escape
	sleep 0.2
	keys "$1" q
	local end=$((SECONDS + limit))
	until [ -s "$tmp/$1.status" ] || ((SECONDS >= end)); do sleep 0.1; done
	grep -qx 'exit 0' "$tmp/$1.status" 2>/dev/null ||
		bad "$1: q ended tcpviz with '$(cat "$tmp/$1.status" 2>/dev/null)'"
	tm kill-session -t "$1" 2>/dev/null
}

# The number of events from the title, "k/N".
nsteps() { grep -Eo ' [0-9]+/[0-9]+ *$' "$tmp/$1.screen" | head -1 | cut -d/ -f2 | tr -d ' '; }

# ---- Every size shows the whole frame ----
for size in 80x24 120x40 200x60; do
	w=${size%x*} h=${size#*x}
	name=size$w
	start "$name" "$w" "$h" C.UTF-8 --lang en lifecycle
	check "$name" 'LISTEN' "$size: the first event, listen(), shows LISTEN"
	s=$tmp/$name.screen
	[ "$(wc -l <"$s")" -eq "$h" ] || bad "$size: capture has $(wc -l <"$s") lines"
	head -1 "$s" | grep -q 'tcpviz  lifecycle' && ok "$size: title line" ||
		bad "$size: no title line: $(head -1 "$s")"
	tail -1 "$s" | grep -q 'Space play' && ok "$size: key hint on the last line" ||
		bad "$size: no key hint: $(tail -1 "$s")"
	grep -q '│' "$s" && ok "$size: UTF-8 lifelines" ||
		bad "$size: no UTF-8 lifelines under C.UTF-8"
	grep -q 'CLIENT' "$s" && grep -q 'SERVER' "$s" &&
		grep -Eq 'SND\.UNA.*SND\.UNA|SND\.UNA.*SND\.NXT' "$s" &&
		ok "$size: both state tables" || bad "$size: state tables missing"
	if [ "$w" -ge 120 ]; then
		# Wide: the tables stand left and right of the ladder.
		grep -Eq '^ *ISS +[-0-9]+ .* ISS +[-0-9]+ *$' "$s" &&
			ok "$size: tables left and right" ||
			bad "$size: tables are not side by side"
	fi
	finish "$name"
done

# ---- The lifecycle, event by event: arrows and states appear ----
name=walk
start $name 120 40 C.UTF-8 --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$' || bad "walk: no event counter"
total=$(nsteps $name)
: >"$tmp/walk.all"
for ((k = 2; k <= total; k++)); do
	keys $name n
	step_to $name "$k"
	cat "$tmp/$name.screen" >>"$tmp/walk.all"
done
for state in SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 \
	CLOSE_WAIT LAST_ACK TIME_WAIT CLOSED; do
	grep -q "$state" "$tmp/walk.all" && ok "walk: $state appears" ||
		bad "walk: $state never appears"
done
for flags in 'S ' 'S\. ' 'F\. ' 'P\. '; do
	grep -Eq "(^|[^A-Za-z])$flags" "$tmp/walk.all" &&
		ok "walk: flags '$flags' appear" || bad "walk: flags '$flags' never appear"
done
grep -Eq '─+▶|◀─+|-+>|<-+' "$tmp/walk.all" && ok "walk: arrows are drawn" ||
	bad "walk: no arrows"
grep -Eq '(TIME_WAIT|time-wait).*[0-9]+\.[0-9] s' "$tmp/walk.all" &&
	ok "walk: the TIME_WAIT timer shows its time left" ||
	bad "walk: no TIME_WAIT countdown"
finish $name

# ---- Stepping back restores the earlier screen exactly ----
for size in 80x24 120x40; do
	w=${size%x*} h=${size#*x}
	name=back$w
	start "$name" "$w" "$h" C.UTF-8 --lang en lifecycle
	wait_for "$name" ' 1/[0-9]+ *$'
	for k in 2 3 4 5 6 7 8 9 10; do keys "$name" n; done
	step_to "$name" 10
	settle "$name"
	cp "$tmp/$name.screen" "$tmp/$name.before"
	keys "$name" n n n Right
	step_to "$name" 14
	keys "$name" p p Left p
	step_to "$name" 10
	settle "$name"
	if cmp -s "$tmp/$name.before" "$tmp/$name.screen"; then
		ok "$size: 4 steps on and 4 back give the same screen"
	else
		bad "$size: stepping back changed the screen:"
		diff "$tmp/$name.before" "$tmp/$name.screen"
	fi
	# The same across TIME_WAIT's long quiet stretch, at the end.
	keys "$name" End
	wait_for "$name" ' ([0-9]+)/\1 *$'
	settle "$name"
	cp "$tmp/$name.screen" "$tmp/$name.end"
	keys "$name" p p p n n n
	sleep 0.3
	settle "$name"
	if cmp -s "$tmp/$name.end" "$tmp/$name.screen"; then
		ok "$size: back and forth across TIME_WAIT gives the same screen"
	else
		bad "$size: back and forth at the end changed the screen:"
		diff "$tmp/$name.end" "$tmp/$name.screen"
	fi
	finish "$name"
done

# ---- Drop mode: losing the server's FIN brings it back retransmitted ----
name=dropfin
start $name 120 40 C.UTF-8 --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$'
keys $name / 'server FIN' Enter
check $name 'server FIN → client +F\.' "search puts the cursor on the server's FIN"
keys $name d
check $name 'DROP' "d enters drop mode"
keys $name Enter
check $name 'FIN \(segment [0-9]+, sent at [0-9.]+ s\) is lost' \
	"Enter in drop mode loses the FIN under the cursor"
check $name 'drops 1' "the title counts the drop"
keys $name / retransmission Enter
check $name 'server FIN → client +F\..*\[retransmission\]' \
	"the FIN is retransmitted on screen"
keys $name End
wait_for $name ' ([0-9]+)/\1 *$'
keys $name u
check $name 'is undone' "u undoes the drop"
wait_for $name 'Space play'
grep -q 'drops' "$tmp/$name.screen" && bad "the drop count stays after undo" ||
	ok "after undo no drop is counted"
finish $name

# Dropping "the client's next" from the start loses the SYN.
name=dropsyn
start $name 80 24 C.UTF-8 --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$'
keys $name d c
check $name "client's SYN \\(segment 1" "d c loses the client's next segment, the SYN"
keys $name / retransmission Enter
check $name 'client SYN → server +S .*\[retransmission\]' \
	"the SYN is retransmitted on screen"
finish $name

# ---- Resizing while it plays keeps the diagram intact ----
name=resize
start $name 120 40 C.UTF-8 --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$'
keys $name Space
wait_for $name ' [3-9]/[0-9]+ *$|[1-9][0-9]/[0-9]+ *$' ||
	bad "resize: the animation does not advance"
tm resize-window -t $name -x 90 -y 30
sleep 0.3
tm resize-window -t $name -x 50 -y 14
wait_for $name 'enlarge' || bad "resize: no notice at 50x14 while playing"
tm resize-window -t $name -x 61 -y 17
sleep 0.3
tm resize-window -t $name -x 200 -y 60
keys $name End
wait_for $name ' ([0-9]+)/\1 *$'
settle $name
cp "$tmp/$name.screen" "$tmp/resize.after"
name=fresh
start $name 200 60 C.UTF-8 --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$'
keys $name End
wait_for $name ' ([0-9]+)/\1 *$'
settle $name
if cmp -s "$tmp/resize.after" "$tmp/$name.screen"; then
	ok "resizing mid-animation: the end is drawn as in a fresh 200x60 run"
else
	bad "resizing mid-animation left a different picture:"
	diff "$tmp/resize.after" "$tmp/$name.screen"
fi
finish resize
finish $name

# ---- LANG=C: plain ASCII ----
name=ascii
start $name 100 30 C --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$'
: >"$tmp/ascii.all"
for k in 2 3 4 5 6 7 8 9 10 11 12; do
	keys $name n
	step_to $name "$k"
	cat "$tmp/$name.screen" >>"$tmp/ascii.all"
done
keys $name End
wait_for $name ' ([0-9]+)/\1 *$'
cat "$tmp/$name.screen" >>"$tmp/ascii.all"
keys $name '?'
check $name 'play or pause' "LANG=C: the help page opens"
cat "$tmp/$name.screen" >>"$tmp/ascii.all"
high=$(LC_ALL=C tr -d '\000-\177' <"$tmp/ascii.all" | wc -c)
[ "$high" -eq 0 ] && ok "LANG=C: no byte above 0x7f on screen" ||
	bad "LANG=C: $high bytes above 0x7f on screen"
grep -Eq -- '-+>|<-+' "$tmp/ascii.all" && ok "LANG=C: ASCII arrows" ||
	bad "LANG=C: no ASCII arrows"
grep -q 'ESTABLISHED' "$tmp/ascii.all" && ok "LANG=C: states shown" ||
	bad "LANG=C: no states"
finish $name

# ---- Chinese narration, wrapped by display width ----
for size in 80x24 120x40; do
	w=${size%x*} h=${size#*x}
	name=zh$w
	start "$name" "$w" "$h" C.UTF-8 --lang zh lifecycle
	wait_for "$name" ' 1/[0-9]+ *$'
	for k in 2 3 4 5 6; do keys "$name" n; done
	step_to "$name" 6
	settle "$name"
	s=$tmp/$name.screen
	grep -q '握手' "$s" && ok "zh $size: Chinese narration" ||
		{ bad "zh $size: no Chinese narration:"; cat "$s"; }
	widest=$(LC_ALL=C.UTF-8 wc -L <"$s")
	[ "$widest" -le "$w" ] && ok "zh $size: no line wider than $w columns ($widest)" ||
		bad "zh $size: a line is $widest columns wide"
	# The narration's lines all start at the pane's margin.
	lines=$(LC_ALL=C.UTF-8 grep -cP '^  [^ ].*[\x{4e00}-\x{9fff}]' "$s")
	[ "$lines" -ge 2 ] && ok "zh $size: $lines lines of narration at the margin" ||
		bad "zh $size: Chinese narration is not laid out in lines"
	head -1 "$s" | grep -q '^ tcpviz' && ok "zh $size: title line still first" ||
		bad "zh $size: first line is $(head -1 "$s")"
	finish "$name"
done

# ---- Too small: a polite notice until the terminal grows ----
name=small
start $name 40 12 C.UTF-8 --lang en lifecycle
wait_for $name 'enlarge'
tr -s ' \n' ' ' <"$tmp/$name.screen" >"$tmp/small.flat"
grep -q 'Please enlarge the terminal (now 40x12, needs 60x16)' "$tmp/small.flat" &&
	ok "40x12: the notice says the size now and the size needed" ||
	{ bad "40x12: no notice:"; cat "$tmp/$name.screen"; }
tm resize-window -t $name -x 80 -y 24
check $name 'LISTEN' "40x12 grown to 80x24: the diagram appears"
finish $name

# ---- Pages: help, inspect, the scenario picker ----
name=pages
start $name 100 30 C.UTF-8 --lang en lifecycle
wait_for $name ' 1/[0-9]+ *$'
keys $name '?'
check $name 'play or pause the animation' "? opens the help page"
keys $name Escape
check $name 'Space play' "Esc closes it"
keys $name / 'client SYN' Enter
wait_for $name 'client SYN → server'
keys $name Enter
check $name 'initial sequence number' "Enter inspects the SYN: its ISN explained"
keys $name PgDn
check $name 'MSS +1460' "inspect shows the SYN's MSS option"
keys $name Escape
# The list starts on the scenario playing; the next one down is the
# next id in sorted order.
ids=$(cd "$top_srcdir/data/scenarios" && ls -- *.tcpviz | sed 's/\.tcpviz$//' |
	LC_ALL=C sort)
prev=$(grep -B1 -x lifecycle <<<"$ids" | head -1)
next=$(grep -A1 -x lifecycle <<<"$ids" | tail -1)
keys $name s
check $name "^ *│? *$prev " "s lists the scenarios ($prev above lifecycle)"
keys $name Down Enter
check $name "tcpviz  $next" "Down, Enter plays the next scenario, $next"
keys $name t
check $name 'Theme: projector' "t switches the theme"
finish $name

# ---- q, Ctrl-C and SIGTERM give the terminal back ----
check_restored() {
	local name=$1 want=$2 how=$3 end=$((SECONDS + limit))
	until [ -s "$tmp/$name.stty" ] || ((SECONDS >= end)); do sleep 0.1; done
	if ! grep -qx "exit $want" "$tmp/$name.status" 2>/dev/null; then
		bad "$how: tcpviz ended with '$(cat "$tmp/$name.status" 2>/dev/null)', not exit $want"
	elif grep -Eq '(^| )-(icanon|echo)( |$)' "$tmp/$name.stty"; then
		bad "$how: terminal left without icanon/echo: $(grep -Eo -- '-?(icanon|echo) ' "$tmp/$name.stty" | tr '\n' ' ')"
	elif ! grep -Eq '(^| )icanon( |$)' "$tmp/$name.stty" ||
		! grep -Eq '(^| )echo( |$)' "$tmp/$name.stty"; then
		bad "$how: stty shows neither icanon nor echo"
	elif ! wait_for "$name" 'shell prompt'; then
		bad "$how: the shell did not get the screen back"
	elif grep -q 'Space play' "$tmp/$name.screen"; then
		bad "$how: the diagram is still on the screen after it ended"
	else
		ok "$how: exit $want, icanon and echo restored, the screen is the shell's"
	fi
	tm kill-session -t "$name" 2>/dev/null
}

name=quit
start $name 80 24 C.UTF-8 --lang en lifecycle
wait_for $name 'Space play'
keys $name q
check_restored $name 0 "q"

name=ctrlc
start $name 80 24 C.UTF-8 --lang en lifecycle
wait_for $name 'Space play'
keys $name Space
keys $name C-c
check_restored $name 130 "Ctrl-C while playing"

name=term
start $name 80 24 C.UTF-8 --lang en lifecycle
wait_for $name 'Space play'
kill -TERM "$(cat "$tmp/$name.pid")"
check_restored $name 143 "SIGTERM"

# The crash path: a fatal signal restores the terminal, then kills.
name=crash
start $name 80 24 C.UTF-8 --lang en lifecycle
wait_for $name 'Space play'
kill -SEGV "$(cat "$tmp/$name.pid")"
check_restored $name 139 "a crash (SIGSEGV)"

# ---- No busy loop: paused, it sleeps ----
name=idle
start $name 80 24 C.UTF-8 --lang en lifecycle
wait_for $name 'Space play'
pid=$(cat "$tmp/$name.pid")
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
if [ -r "/proc/$pid/stat" ]; then
	before=$(cpu)
	sleep 1
	after=$(cpu)
	# Clock ticks are 1/100 s: two would be 2% of a second.
	[ $((after - before)) -le 2 ] &&
		ok "paused: $((after - before)) ticks of CPU in one second" ||
		bad "paused: $((after - before)) ticks of CPU in one second (busy loop?)"
fi
finish $name

exit $fail
