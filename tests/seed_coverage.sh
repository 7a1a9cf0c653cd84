#!/usr/bin/env bash
# seed_coverage.sh: every question and claim of the seed articles
# (tests/seed-questions.txt) is answered by a concept question that
# exists, names that seed section, and shows a lesson that exists.
set -u
: "${top_srcdir:?}"
bank=$top_srcdir/data/practice/concepts.tcpviz-bank
list=$top_srcdir/tests/seed-questions.txt
if [ ! -r "$bank" ] || [ ! -r "$list" ]; then
	echo "FAIL: missing $bank or $list"
	exit 1
fi

# question id -> its seed sections and its lesson, from the bank's blocks.
declare -A seeds show
while read -r key rest; do
	case $key in
	question) id=$rest ;;
	seed) seeds[$id]+=" $rest " ;;
	show) show[$id]=$rest ;;
	esac
done < <(sed 's/[[:space:]]#.*//' "$bank")

fail=0 rows=0
while IFS=$'\t' read -r section ids what; do
	case $section in '' | '#'*) continue ;; esac
	rows=$((rows + 1))
	[ -n "$ids" ] || { echo "FAIL: $section ($what) has no question"; fail=1; }
	IFS=, read -ra qs <<<"$ids"
	for q in "${qs[@]}"; do
		if [ -z "${show[$q]:-}" ]; then
			echo "FAIL: $section: no question '$q' in the bank"
			fail=1
		elif [[ ${seeds[$q]:-} != *" $section "* ]]; then
			echo "FAIL: question '$q' does not name seed section $section"
			fail=1
		elif [ ! -f "$top_srcdir/data/scenarios/${show[$q]}.tcpviz" ]; then
			echo "FAIL: question '$q' shows '${show[$q]}', which is no lesson"
			fail=1
		fi
	done
done <"$list"
[ "$rows" -ge 100 ] || { echo "FAIL: only $rows seed rows"; fail=1; }
echo "seed coverage: $rows seed questions and claims checked"
exit $fail
