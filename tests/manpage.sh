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
exit "$status"
