#!/usr/bin/env bash
# tests/manpage.sh: man/tcpviz.1 documents every long option that
# `tcpviz --help` prints, and names no long option that --help lacks.
# Exit 77 (skip) when the program has not been built.
set -euo pipefail

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${TCPVIZ:=${top_builddir:-$top_srcdir}/src/tcpviz}"
man=$top_srcdir/man/tcpviz.1

if [[ ! -x $TCPVIZ ]]; then
	echo "SKIP: $TCPVIZ not built"
	exit 77
fi
[[ -r $man ]] || { echo "FAIL: cannot read $man"; exit 1; }

help=$("$TCPVIZ" --help)
help_opts=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
# In roff a long option is written \-\-name.
man_opts=$(grep -oE -- '\\-\\-[a-z][a-z0-9\\-]*' "$man" |
	sed 's/\\-/-/g; s/-*$//' | sort -u)

if [[ -z $help_opts ]]; then
	echo "FAIL: no long options found in --help output"
	exit 1
fi

status=0
while IFS= read -r opt; do
	echo "FAIL: $opt is in --help but not in man/tcpviz.1"
	status=1
done < <(comm -23 <(echo "$help_opts") <(echo "$man_opts"))
while IFS= read -r opt; do
	echo "FAIL: $opt is in man/tcpviz.1 but not in --help"
	status=1
done < <(comm -13 <(echo "$help_opts") <(echo "$man_opts"))

if ((status == 0)); then
	echo "ok: every long option is documented: $(tr '\n' ' ' <<<"$help_opts")"
fi

# The KEYS section is the keymap: the same keys with the same words, in
# the same order, as `tcpviz --keys` prints from the table the view
# itself uses.  Each .TP item there is ".B name" and a line of text.
keys_prog=$("$TCPVIZ" --lang en --keys | grep "$(printf '\t')")
keys_man=$(awk '
	function flush() { if (state == 2) print name "\t" desc; state = 0 }
	/^\.SH KEYS/ { inside = 1; next }
	/^\.SH/ { flush(); inside = 0 }
	!inside { next }
	/^\.TP/ { flush(); state = 1; next }
	/^\.(SS|PP)/ { flush(); next }
	state == 1 { name = $0; sub(/^\.B /, "", name); gsub(/"/, "", name)
		state = 2; desc = ""; next }
	state == 2 { desc = desc (desc == "" ? "" : " ") $0 }
	END { flush() }' "$man" | sed 's/\\-/-/g; s/\\e/\\/g')
if [[ -z $keys_prog ]]; then
	echo "FAIL: tcpviz --keys printed no keys"
	status=1
elif [[ $keys_prog != "$keys_man" ]]; then
	echo "FAIL: the KEYS section of man/tcpviz.1 differs from tcpviz --keys:"
	diff <(echo "$keys_man") <(echo "$keys_prog") || true
	status=1
else
	echo "ok: KEYS documents all $(wc -l <<<"$keys_prog") keys of tcpviz --keys"
fi
exit "$status"
