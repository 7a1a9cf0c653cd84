#!/usr/bin/env bash
# cli.sh: the command line as a user meets it: help, version, defaults,
# one-line errors with exit status 2, pcap written whole, write errors.
set -u
: "${TCPVIZ:?}" "${top_srcdir:?}"
[ -x "$TCPVIZ" ] || exit 77

# English unless a test asks otherwise, whatever the caller's locale.
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

ok() { printf 'ok: %s\n' "$1"; }
bad() { printf 'FAIL: %s\n' "$1"; fail=1; }
# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else bad "$desc"; fi
}

# expect_error STATUS PATTERN ARGS...: exactly one line on stderr that
# matches PATTERN, nothing on stdout, and exit status STATUS.
expect_error() {
	local want=$1 pattern=$2
	shift 2
	"$TCPVIZ" "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	local lines
	lines=$(wc -l <"$tmp/err")
	if [ "$got" -ne "$want" ]; then
		bad "tcpviz $* exited $got, expected $want"
	elif [ "$lines" -ne 1 ]; then
		bad "tcpviz $* printed $lines lines of error: $(cat "$tmp/err")"
	elif ! grep -q -- "$pattern" "$tmp/err"; then
		bad "tcpviz $*: '$(cat "$tmp/err")' does not match '$pattern'"
	elif [ -s "$tmp/out" ]; then
		bad "tcpviz $* printed to stdout on error"
	else
		ok "tcpviz $* -> $want: $(cat "$tmp/err")"
	fi
}

"$TCPVIZ" --help >"$tmp/help" || bad "--help failed"
check "--help shows usage" grep -q '^Usage: tcpviz' "$tmp/help"
check "--help lists --set keys" grep -q 'msl' "$tmp/help"
"$TCPVIZ" --version >"$tmp/version"
check "--version" grep -Eq '^tcpviz [0-9]+\.[0-9]+' "$tmp/version"

# No scenario: the default one's text diagram.
"$TCPVIZ" --lang en --text >"$tmp/default" 2>"$tmp/err" || bad "--text alone failed: $(cat "$tmp/err")"
"$TCPVIZ" --lang en --text lifecycle >"$tmp/lifecycle"
check "default is lifecycle" cmp -s "$tmp/default" "$tmp/lifecycle"
check "diagram shows TIME_WAIT" grep -q 'TIME_WAIT' "$tmp/default"

# No output option: the interactive view, which needs a terminal
# (tests/ui_tmux.sh gives it one).
expect_error 1 "standard output is not a terminal; use --text" --lang en
expect_error 2 "expected default, projector or mono, got 'neon'" --theme neon
"$TCPVIZ" --lang en --keys >"$tmp/keys"
check "--keys lists the keys" grep -q "$(printf '^q\tquit$')" "$tmp/keys"

n=$("$TCPVIZ" --list | wc -l)
check "--list shows $n scenarios" [ "$n" -ge 6 ]
for id in lifecycle syn-lost last-ack-lost simultaneous-open simultaneous-close refused; do
	"$TCPVIZ" --list | grep -q "^$id " || bad "--list lacks $id"
done

expect_error 2 "unknown option '--bogus'" --bogus
expect_error 2 "unknown option '-z'" -z
expect_error 2 "needs a value" --drop
expect_error 2 "unknown scenario 'no-such-thing'" no-such-thing
expect_error 2 "unknown kind 'SYNN'" --drop client:SYNN
expect_error 2 "unknown setting 'mls'" --set mls=30
expect_error 2 "expected a time" --set msl=abc
expect_error 2 "unknown profile 'bsd'" --profile bsd
expect_error 2 "expected en or zh" --lang fr
expect_error 2 "expected a whole number" --seed -3
expect_error 2 "unexpected argument 'extra'" lifecycle extra
expect_error 2 "cannot open" ./missing.tcpviz

# A scenario file with a mistake is refused with its position.
printf 'id x\nclient 10.0.0.1:1\nserver 10.0.0.2:2\nclient at 0 lisen\n' >"$tmp/broken.tcpviz"
expect_error 2 "broken.tcpviz:4:" "$tmp/broken.tcpviz"

# --check validates a good file and says so.
"$TCPVIZ" --check "$top_srcdir/data/scenarios/lifecycle.tcpviz" >"$tmp/check"
check "--check accepts lifecycle" grep -q ': ok$' "$tmp/check"

# A drop that never happens is reported, not silently ignored.
"$TCPVIZ" --text --drop client:RST#1 lifecycle >/dev/null 2>"$tmp/err"
check "unmatched --drop warns" grep -q "never matched" "$tmp/err"

# -w writes a complete pcap under the requested name and nothing else.
"$TCPVIZ" -w "$tmp/out.pcap" lifecycle >"$tmp/stdout" || bad "-w failed"
check "-w alone prints nothing" [ ! -s "$tmp/stdout" ]
magic=$(od -An -tx1 -N4 "$tmp/out.pcap" | tr -d ' ')
check "-w writes pcap magic" [ "$magic" = d4c3b2a1 ]
leftover=$(find "$tmp" -name '*tmp-*')
check "-w leaves no temporary file" test -z "$leftover"
expect_error 1 "No such file or directory" -w "$tmp/no/such/dir/x.pcap" lifecycle

# A device stays a device: -w must not rename a file over /dev/null.
if [ -c /dev/null ] && [ -w /dev/null ]; then
	"$TCPVIZ" -w /dev/null lifecycle || bad "-w /dev/null failed"
	check "-w /dev/null leaves the device in place" test -c /dev/null
fi

# A full disk is an error, not a silent truncation.
if [ -w /dev/full ]; then
	"$TCPVIZ" --json lifecycle >/dev/full 2>"$tmp/err"
	st=$?
	check "/dev/full -> exit 1 ($st): $(cat "$tmp/err")" \
		grep -q "write error" "$tmp/err"
	[ "$st" -eq 1 ] || bad "/dev/full: exit $st"
fi

# The JSON contract: one object per line, meta first.
"$TCPVIZ" --json lifecycle >"$tmp/json"
check "--json starts with meta" grep -q \
	'^{"type":"meta","version":1,"source":"scenario:lifecycle","profile":"linux"' "$tmp/json"

# Languages: --lang beats the environment both ways, and only the text
# changes.  C.UTF-8 is the only UTF-8 locale CI machines are sure to have.
"$TCPVIZ" --lang zh --help >"$tmp/help.zh"
check "--lang zh --help is Chinese" grep -q '^用法：tcpviz' "$tmp/help.zh"
check "--lang zh --help translates the --set keys" grep -q '报文段最大生存时间' "$tmp/help.zh"
check "--lang zh --help keeps option names" grep -q -- '--drop SIDE:KIND' "$tmp/help.zh"
LANG=zh_CN.UTF-8 "$TCPVIZ" --lang en --help >"$tmp/help.en"
check "LANG=zh_CN.UTF-8 --lang en --help is English" grep -q '^Usage: tcpviz' "$tmp/help.en"
LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$TCPVIZ" --lang en --help >"$tmp/help.en2"
check "--lang en beats LANGUAGE=zh_CN" cmp -s "$tmp/help.en" "$tmp/help.en2"
LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$TCPVIZ" --help >"$tmp/help.env"
check "LANGUAGE=zh_CN alone gives Chinese" cmp -s "$tmp/help.zh" "$tmp/help.env"
LANG=zh_CN.UTF-8 "$TCPVIZ" --help >"$tmp/help.lang"
check "LANG=zh_CN.UTF-8 alone gives Chinese, installed or not" \
	cmp -s "$tmp/help.zh" "$tmp/help.lang"
# Wherever --lang stands, even after the option that is wrong.
LANG=C "$TCPVIZ" --lang zh --text lifecycle >"$tmp/ladder.zh"
check "LANG=C --lang zh: Chinese column titles" grep -q '^客户端 10.0.0.1:49152 .* 服务器 10.0.0.2:80$' "$tmp/ladder.zh"
check "LANG=C --lang zh: Chinese timer line" grep -q '\[TIME_WAIT 定时器超时\]' "$tmp/ladder.zh"
check "LANG=C --lang zh: Chinese title" grep -q '^scenario:lifecycle: 一条 TCP 连接的一生' "$tmp/ladder.zh"
expect_error 2 "未知选项“--bogus”" --lang zh --bogus
expect_error 2 "未知选项“--bogus”" --bogus --lang=zh
expect_error 2 "未知场景“no-such-thing”" --lang zh no-such-thing
# A bad --lang is reported in the language of the good one.
expect_error 2 "--lang：应为 en 或 zh" --lang zh --lang fr
same=0
for file in "$top_srcdir"/data/scenarios/*.tcpviz; do
	id=$(basename "$file" .tcpviz)
	"$TCPVIZ" --lang en --json "$id" >"$tmp/en.json" 2>/dev/null
	LANG=zh_CN.UTF-8 "$TCPVIZ" --lang zh --json "$id" >"$tmp/zh.json" 2>/dev/null
	if cmp -s "$tmp/en.json" "$tmp/zh.json"; then
		same=$((same + 1))
	else
		bad "--json $id differs between --lang en and --lang zh"
	fi
done
check "--json is byte-identical in both languages ($same scenarios)" [ "$same" -gt 0 ]

# Profiles and --set change what happens.
"$TCPVIZ" --profile textbook --json lifecycle >"$tmp/textbook"
check "--profile textbook" grep -q '"profile":"textbook"' "$tmp/textbook"
"$TCPVIZ" --profile textbook --set msl=30 --json lifecycle >"$tmp/msl"
# TIME_WAIT armed for 60 s: expires 60 s after it was armed.
check "--set msl=30 gives a 60 s TIME_WAIT" grep -q \
	'"timer":"time-wait","action":"armed","expires":61.100000' "$tmp/msl"

exit $fail
