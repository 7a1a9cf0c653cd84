#!/usr/bin/env bash
# fuzz_replay.sh: every saved input of each fuzz target runs through that
# target again, built by the ordinary compiler (fuzz/replay.c): the
# regressions (inputs that once crashed it, fuzz/regressions/TARGET/)
# and the seeds (fuzz/corpus/TARGET/).  Under --enable-sanitizers this
# is a sanitizer run too.
#
# To keep a crash that libFuzzer found (a file crash-<sha1>, or the
# path that .ci/run prints): copy it to fuzz/regressions/TARGET/ under a
# name that says what it was, check that
#   fuzz/replay-TARGET fuzz/regressions/TARGET/NAME
# fails, fix the code, and commit both.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"

# A UBSan report fails the run, as it does under libFuzzer.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
for t in decode pcapfile scenario bank; do
	replay=$top_builddir/fuzz/replay-$t
	if [ ! -x "$replay" ]; then
		echo "FAIL: $replay is not built"
		fail=1
		continue
	fi
	dirs=()
	for kind in regressions corpus; do
		d=$top_srcdir/fuzz/$kind/$t
		if [ -d "$d" ]; then
			dirs+=("$d")
		else
			echo "note: no $d"
		fi
	done
	if [ ${#dirs[@]} -eq 0 ]; then
		echo "FAIL: $t: no inputs to replay"
		fail=1
		continue
	fi
	# Only the last name and the summary: the log of a crash ends with
	# the input that caused it.
	if "$replay" "${dirs[@]}" >"$tmp/$t" 2>&1; then
		echo "ok: $t: $(tail -n 1 "$tmp/$t")"
	else
		echo "FAIL: $t: the last input named below crashed it"
		tail -n 40 "$tmp/$t"
		fail=1
	fi
done
exit $fail
