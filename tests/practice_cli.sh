#!/usr/bin/env bash
# practice_cli.sh: `tcpviz --practice` without a terminal.  The worksheet
# (--text): questions, a form feed, the answers, the same for the same
# seed, in either language.  A session answered line by line from a
# pipe: the score and the review agree with the answers given, and the
# records are saved.  Damaged and missing records, and a state directory
# that cannot be made, each cost one warning line and nothing else.
# Exit 77 (skip) when the program is missing.
set -u
: "${TCPVIZ:?}" "${top_srcdir:?}"
[ -x "$TCPVIZ" ] || { echo "SKIP: $TCPVIZ not built"; exit 77; }

unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME=$tmp/state
fail=0
ok() { printf 'ok: %s\n' "$1"; }
bad() {
	printf 'FAIL: %s\n' "$1"
	fail=1
}

# ---- The worksheet ----
"$TCPVIZ" --practice --text --seed 7 --questions 6 >"$tmp/ws" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && ok "worksheet exits 0" || bad "worksheet exit $st: $(cat "$tmp/err")"
[ ! -s "$tmp/err" ] && ok "worksheet: nothing on stderr" ||
	bad "worksheet stderr: $(cat "$tmp/err")"
if [ "$(grep -c $'^\f----- answers -----$' "$tmp/ws")" = 1 ]; then
	ok "one answers separator, on a new page"
else
	bad "no form feed + '----- answers -----' line"
fi
questions=$(sed -n $'/^\f/q;p' "$tmp/ws" | grep -cE '^[0-9]+\. ')
answers=$(sed -n $'/^\f/,$p' "$tmp/ws" | grep -cE '^[0-9]+\. ')
[ "$questions" = 6 ] && [ "$answers" = 6 ] && ok "6 questions, 6 answers" ||
	bad "questions $questions, answers $answers (want 6 and 6)"
"$TCPVIZ" --practice --text --seed 7 --questions 6 >"$tmp/ws2" 2>/dev/null
cmp -s "$tmp/ws" "$tmp/ws2" && ok "same seed, same worksheet" ||
	bad "the same seed gave another worksheet"
"$TCPVIZ" --practice --text --seed 7 --questions 6 --lang zh >"$tmp/ws.zh" 2>/dev/null
grep -q $'^\f----- 答案 -----$' "$tmp/ws.zh" && ok "Chinese worksheet" ||
	bad "no Chinese answers separator"
[ ! -e "$XDG_STATE_HOME" ] && ok "a worksheet keeps no records" ||
	bad "a worksheet wrote $XDG_STATE_HOME"

# A filter: a lesson id, or a topic; anything else is a usage error.
"$TCPVIZ" --practice --text --seed 1 syn-lost >"$tmp/f" 2>&1 &&
	grep -q "syn-lost" "$tmp/f" && ok "filter by lesson" ||
	bad "--practice syn-lost: $(head -3 "$tmp/f")"
"$TCPVIZ" --practice --text --seed 1 time-wait >/dev/null 2>&1 &&
	ok "filter by topic" || bad "--practice time-wait failed"
"$TCPVIZ" --practice --text no-such-topic >/dev/null 2>"$tmp/err"
st=$?
[ $st -eq 2 ] && grep -q "no-such-topic" "$tmp/err" &&
	ok "unknown filter: exit 2" || bad "unknown filter: exit $st"
for args in "--questions 0" "--practice --json" "--questions x"; do
	# shellcheck disable=SC2086
	"$TCPVIZ" $args >/dev/null 2>&1
	st=$?
	[ $st -eq 2 ] && ok "$args: exit 2" || bad "$args: exit $st"
done

# ---- A session from a pipe ----
# The right letters, from the worksheet of the same session.
"$TCPVIZ" --practice --text --seed 11 --questions 4 lifecycle >"$tmp/key" 2>/dev/null
mapfile -t right < <(sed -n $'/^\f/,$p' "$tmp/key" |
	sed -nE 's/^([0-9]+)\. ([a-e])\) .*/\1 \2/p; s/^([0-9]+)\. [^a-e].*/\1 open/p;
		s/^([0-9]+)\. [a-e][^)].*/\1 open/p')
[ ${#right[@]} = 4 ] || bad "worksheet key has ${#right[@]} answers, want 4"
# Questions 1 and 3 right, 2 and 4 wrong.
input=
want_right=0
for line in "${right[@]}"; do
	n=${line%% *} r=${line#* }
	if [ "$r" = open ]; then
		input+=$'\n'
		if ((n % 2)); then input+=$'y\n'; want_right=$((want_right + 1)); else input+=$'n\n'; fi
	elif ((n % 2)); then
		input+="$r"$'\n'
		want_right=$((want_right + 1))
	else
		[ "$r" = a ] && input+=$'b\n' || input+=$'a\n'
	fi
done
printf '%s' "$input" |
	"$TCPVIZ" --practice --seed 11 --questions 4 lifecycle >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && ok "session exits 0" || bad "session exit $st"
grep -q "Score: $want_right of 4" "$tmp/out" && ok "score $want_right of 4" ||
	bad "no 'Score: $want_right of 4': $(grep Score "$tmp/out")"
review=$(sed -n '/^To review:/,$p' "$tmp/out")
if grep -q '^2\. ' <<<"$review" && grep -q '^4\. ' <<<"$review" &&
	! grep -q '^1\. ' <<<"$review" && ! grep -q '^3\. ' <<<"$review"; then
	ok "the review lists the two mistakes"
else
	bad "review: $review"
fi
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "starting afresh" "$tmp/err" &&
	ok "first session: one warning line" || bad "stderr: $(cat "$tmp/err")"
progress=$XDG_STATE_HOME/tcpviz/progress
if [ -f "$progress" ] && grep -q '^sessions 1$' "$progress" &&
	[ "$(grep -c '^q ' "$progress")" = 4 ]; then
	ok "records saved"
else
	bad "records: $(cat "$progress" 2>&1)"
fi
ls "$XDG_STATE_HOME/tcpviz" | grep -q tmp && bad "a temporary file was left" ||
	ok "no temporary file left"

# Quitting early keeps what was answered.
printf 'q\n' | "$TCPVIZ" --practice --seed 12 --questions 3 >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q '^sessions 1$' "$progress" &&
	ok "q: nothing answered, records kept" || bad "q: exit $st, $(cat "$tmp/err")"

# A damaged file: one warning, kept aside, a fresh start, saved again.
printf 'garbage\n' >"$progress"
printf 'a\n' | "$TCPVIZ" --practice --seed 12 --questions 1 >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -eq 0 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	grep -q "damaged" "$tmp/err" && [ "$(cat "$progress.bad")" = garbage ] &&
	grep -q '^sessions 1$' "$progress"; then
	ok "damaged records: one warning, kept as .bad, a fresh start"
else
	bad "damaged records: exit $st, $(cat "$tmp/err")"
fi

# A state directory that cannot be made (under a regular file, which
# stops root too): one warning, and the session still scores.
: >"$tmp/a-file"
printf 'a\n' | XDG_STATE_HOME=$tmp/a-file/state \
	"$TCPVIZ" --practice --seed 12 --questions 1 >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -eq 0 ] && grep -q "Score: " "$tmp/out" &&
	[ "$(grep -c "cannot save" "$tmp/err")" = 1 ]; then
	ok "unwritable state directory: a warning, the session works"
else
	bad "unwritable: exit $st, $(cat "$tmp/err")"
fi

exit $fail
