# shellcheck shell=bash
#
# tmux.sh: what the terminal tests (tests/*_tmux.sh) share: a private
# tmux server with no user configuration, a scratch directory, and
# reading the screen by polling it with a time limit, never by a long
# sleep.
#
#	. "$top_srcdir/tests/tmux.sh"
#	tmux_setup NAME			# exit 77 without tmux; sets tmp
#	trap tmux_cleanup EXIT
#	tm new-session -d -s S -x 100 -y 40 "COMMAND"
#	keys S Enter
#	check S 'REGEX' "what a person would see"
#	exit $fail
#
# UI_TMUX_WAIT: the seconds a check waits for its pattern (15; a
# sanitizer build is slow).

# tmux_setup NAME: the server's socket name and the scratch directory.
tmux_setup() {
	command -v tmux >/dev/null ||
		{ echo "SKIP: tmux is not installed"; exit 77; }
	tmp=$(mktemp -d) || exit 1
	tmux_sock=tcpviz-$1-test-$$
	fail=0
	limit=${UI_TMUX_WAIT:-15}
}

tm() { LC_ALL=C.UTF-8 tmux -u -L "$tmux_sock" -f /dev/null "$@"; }

tmux_cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -rf "$tmp"
}

ok() { printf 'ok: %s\n' "$1"; }
bad() {
	printf 'FAIL: %s\n' "$1"
	fail=1
}

# screen NAME: what the pane shows now.
screen() { tm capture-pane -p -t "$1"; }

# keys NAME KEY...: type keys (tmux key names: Enter, Escape, Home ...).
keys() {
	local name=$1
	shift
	tm send-keys -t "$name" "$@"
}

# wait_for NAME PATTERN: poll until the screen matches the extended
# regular expression, leaving it in $tmp/NAME.screen; 1 on time-out.
wait_for() {
	local name=$1 pattern=$2 end=$((SECONDS + limit))
	while :; do
		screen "$name" >"$tmp/$name.screen"
		grep -Eq -- "$pattern" "$tmp/$name.screen" && return 0
		((SECONDS >= end)) && return 1
		sleep 0.1
	done
}

# check NAME PATTERN WHAT: ok when the screen comes to match, else a
# failure that shows the screen.
check() {
	if wait_for "$1" "$2"; then
		ok "$3"
	else
		bad "$3: /$2/ is not on the screen, which shows:"
		sed 's/^/  | /' "$tmp/$1.screen"
	fi
}
