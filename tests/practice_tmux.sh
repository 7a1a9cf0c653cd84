#!/usr/bin/env bash
# practice_tmux.sh: the interactive practice screens as a learner sees
# them.  tcpviz --practice runs in tmux; the test answers a short
# session, some questions right and some wrong (it knows which from the
# worksheet of the same seed), and checks every verdict, the score, the
# review of the mistakes and the records saved.  Then teacher mode: the
# projector theme, no score, a key that reveals the answer.  Every wait
# polls the screen with a time limit.  Exit 77 (skip) when tmux or the
# program is missing.
set -u
: "${TCPVIZ:?}" "${top_srcdir:?}"
[ -x "$TCPVIZ" ] || { echo "SKIP: $TCPVIZ not built"; exit 77; }
. "$top_srcdir/tests/tmux.sh"
tmux_setup practice
trap tmux_cleanup EXIT
n=4
seed=21

# start NAME ARGS...: tcpviz ARGS in a 100x50 pane that stays open.
start() {
	local name=$1
	shift
	{
		printf '#!/usr/bin/env bash\n'
		printf 'unset NO_COLOR LANGUAGE LC_MESSAGES\n'
		printf 'export LANG=C.UTF-8 LC_ALL=C.UTF-8 TCPVIZ_DATADIR=%q ' \
			"$TCPVIZ_DATADIR"
		printf 'XDG_STATE_HOME=%q\n' "$tmp/state"
		printf '%q' "$TCPVIZ"
		printf ' %q' "$@"
		printf '\necho "exit $?" >%q\n' "$tmp/$name.status"
		printf 'exec sleep 600\n'
	} >"$tmp/$name.sh"
	tm new-session -d -s "$name" -x 100 -y 50 "bash $tmp/$name.sh"
}
wait_exit() {
	local name=$1 end=$((SECONDS + limit))
	while [ ! -s "$tmp/$name.status" ]; do
		((SECONDS >= end)) && return 1
		sleep 0.1
	done
}

# The right answers of the session: the worksheet of the same seed
# holds the same questions (no records yet, so nothing is due).
"$TCPVIZ" --practice --text --seed $seed --questions $n >"$tmp/key" 2>/dev/null ||
	{ echo "FAIL: no worksheet"; exit 1; }
declare -A right
while read -r q r; do
	right[$q]=$r
done < <(sed -n $'/^\f/,$p' "$tmp/key" |
	sed -nE 's/^([0-9]+)\. ([a-e])\) .*/\1 \2/p; t; s/^([0-9]+)\. .*/\1 open/p')
[ ${#right[@]} = $n ] || { echo "FAIL: ${#right[@]} answers in the key"; exit 1; }

# ---- A session: odd questions right, even ones wrong ----
start s --practice --seed $seed --questions $n
score=0
for ((q = 1; q <= n; q++)); do
	if ! wait_for s "question $q of $n"; then
		bad "question $q never shown"
		cat "$tmp/s.screen"
		break
	fi
	r=${right[$q]}
	if [ "$r" = open ]; then
		keys s Space
		wait_for s "Did you know it" || bad "question $q: no 'Did you know it'"
		if ((q % 2)); then keys s y; else keys s n; fi
	elif ((q % 2)); then
		keys s "$r"
	elif [ "$r" = a ]; then
		keys s b
	else
		keys s a
	fi
	if ((q % 2)); then
		want=Right score=$((score + 1))
	else
		want=Wrong
	fi
	if wait_for s "^  ($want)\.$"; then
		ok "question $q: $want"
	else
		bad "question $q: no '$want.'"
		cat "$tmp/s.screen"
	fi
	grep -q "score $score/$q" "$tmp/s.screen" && ok "question $q: score $score/$q" ||
		bad "question $q: title without 'score $score/$q'"
	keys s Enter
done
if wait_for s "Score: $score of $n"; then
	ok "review: Score: $score of $n"
	grep -q "To review:" "$tmp/s.screen" && ok "review: the mistakes listed" ||
		bad "review: no 'To review:'"
	for ((q = 2; q <= n; q += 2)); do
		grep -Eq "^  $q\. " "$tmp/s.screen" && ok "review: question $q" ||
			bad "review: question $q missing"
	done
	for ((q = 1; q <= n; q += 2)); do
		grep -Eq "^  $q\. " "$tmp/s.screen" && bad "review: question $q was right"
	done
else
	bad "no review with 'Score: $score of $n'"
	cat "$tmp/s.screen"
fi
keys s q
if wait_exit s && grep -q "exit 0" "$tmp/s.status"; then
	ok "q leaves with status 0"
else
	bad "exit: $(cat "$tmp/s.status" 2>/dev/null)"
fi
progress=$tmp/state/tcpviz/progress
if grep -q '^sessions 1$' "$progress" 2>/dev/null &&
	[ "$(grep -c '^q ' "$progress")" = $n ]; then
	ok "records saved"
else
	bad "records: $(cat "$progress" 2>&1)"
fi

# ---- Teacher mode: nothing scored, Space reveals ----
start t --teacher --seed $seed --questions 2
if wait_for t "teaching.*question 1 of 2"; then
	ok "teacher: projector session starts"
	grep -q "score" "$tmp/t.screen" && bad "teacher: a score is shown"
	keys t Space
	if wait_for t "Enter next question"; then
		ok "teacher: Space reveals the answer"
		[ "${right[1]}" = open ] || grep -q "✓" "$tmp/t.screen" ||
			bad "teacher: the right choice is not marked"
		grep -Eq "^  (Right|Wrong)\.$" "$tmp/t.screen" &&
			bad "teacher: an answer was judged"
	else
		bad "teacher: nothing revealed"
	fi
	keys t q
	wait_exit t && grep -q "exit 0" "$tmp/t.status" && ok "teacher: q quits" ||
		bad "teacher: exit $(cat "$tmp/t.status" 2>/dev/null)"
	grep -q '^sessions 1$' "$progress" && ok "teacher: no records changed" ||
		bad "teacher changed the records"
else
	bad "teacher session not shown"
	cat "$tmp/t.screen"
fi

# ---- P in the lesson view: a session on this lesson, then back ----
start v lifecycle
if wait_for v "tcpviz  lifecycle"; then
	keys v P
	if wait_for v "tcpviz  practice  lifecycle"; then
		ok "P opens a practice session on the lesson being watched"
		keys v q
		wait_for v "Score:" || bad "P: no score page after q"
		keys v q
		if wait_for v "tcpviz  lifecycle  The whole life"; then
			ok "P: after the session the lesson view is back"
		else
			bad "P: the lesson view did not come back"
		fi
	else
		bad "P did not open practice"
		cat "$tmp/v.screen"
	fi
	keys v q
	wait_exit v || bad "P: the view did not quit"
else
	bad "the lesson view did not open"
fi

exit $fail
