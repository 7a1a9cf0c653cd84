#!/usr/bin/env bash
# golden.sh: every scenario's output equals the file under tests/golden/:
# ID.txt (--text in English), ID.zh.txt (--text --lang zh) and ID.json.
# After an intended change, regenerate them with
#   TCPVIZ_UPDATE_GOLDEN=1 make check TESTS=tests/golden.sh
# and read the diff before committing it.
set -u
: "${TCPVIZ:?}" "${top_srcdir:?}"
[ -x "$TCPVIZ" ] || exit 77

# --lang decides, whatever the caller's environment says.
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C

golden=$top_srcdir/tests/golden
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 checked=0

for file in "$top_srcdir"/data/scenarios/*.tcpviz; do
	id=$(basename "$file" .tcpviz)
	for kind in txt zh.txt json; do
		case $kind in
		txt) opts=(--lang en --text) ;;
		zh.txt) opts=(--lang zh --text) ;;
		json) opts=(--lang en --json) ;;
		esac
		if ! "$TCPVIZ" "${opts[@]}" "$id" >"$tmp/out" 2>"$tmp/err"; then
			echo "FAIL: tcpviz ${opts[*]} $id exited non-zero: $(cat "$tmp/err")"
			fail=1
			continue
		fi
		want=$golden/$id.$kind
		if [ "${TCPVIZ_UPDATE_GOLDEN:-}" = 1 ]; then
			cp "$tmp/out" "$want"
		elif [ ! -f "$want" ]; then
			echo "FAIL: no golden file $want"
			fail=1
		elif ! diff -u "$want" "$tmp/out"; then
			echo "FAIL: tcpviz ${opts[*]} $id differs from $want"
			fail=1
		fi
		checked=$((checked + 1))
	done
done
[ "$checked" -gt 0 ] || { echo "FAIL: no scenarios found"; exit 1; }
echo "golden: $checked outputs compared"
exit $fail
