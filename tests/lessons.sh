#!/usr/bin/env bash
# lessons.sh: every installed lesson is sound: `tcpviz --check` accepts
# it, its id is its file name (so `tcpviz ID` finds it), no two share an
# id, it has narration, and --list shows it in both languages.
set -u
: "${TCPVIZ:?}" "${top_srcdir:?}"
[ -x "$TCPVIZ" ] || exit 77

fail=0 n=0
bad() { printf 'FAIL: %s\n' "$1"; fail=1; }
declare -A seen

for file in "$top_srcdir"/data/scenarios/*.tcpviz; do
	name=$(basename "$file" .tcpviz)
	n=$((n + 1))
	if ! out=$("$TCPVIZ" --check "$file" 2>&1); then
		bad "--check $name: $out"
		continue
	fi
	id=$(awk '$1 == "id" { print $2; exit }' "$file")
	[ "$id" = "$name" ] || bad "$file: id '$id' is not the file name"
	[ -z "${seen[$id]:-}" ] || bad "$file: id '$id' also in ${seen[$id]}"
	seen[$id]=$file
	grep -q '^narrate ' "$file" || bad "$name has no narration"
	man_id=${id//-/\\-}
	grep -qxF ".B $man_id" "$top_srcdir/man/tcpviz.1" ||
		bad "man/tcpviz.1 does not list lesson $id"
	for lang in en zh; do
		line=$("$TCPVIZ" --lang "$lang" --list | awk -v id="$id" '$1 == id')
		[ -n "$line" ] || bad "--list --lang $lang does not show $id"
	done
	# The Chinese list shows the Chinese title.
	title_zh=$(sed -n 's/^title\.zh[[:space:]]*//p' "$file" | sed 's/[[:space:]]*#.*//')
	"$TCPVIZ" --lang zh --list | grep -qF -- "$title_zh" ||
		bad "--list --lang zh lacks the Chinese title of $id"
done
[ "$n" -ge 24 ] || bad "only $n lessons; the library needs at least 24"
echo "lessons: $n checked"
exit $fail
