#!/bin/sh
# recommend.sh: the nightly recommendation job, safe to run from cron.
#
#	recommend.sh [-k count] [-m cf-train-options] EVENTS ITEMS OUTDIR
#
# 1. evaluates: splits EVENTS by time (80 %), trains on the first part,
#    ranks the test users and scores the lists into OUTDIR/metrics.ndjson;
# 2. serves: trains on all of EVENTS into OUTDIR/model.reel and ranks every
#    user into OUTDIR/recs.ndjson.
# Only one run per OUTDIR at a time (a lock, OUTDIR/.lock; a second run
# exits 75 at once).  Every output appears whole or not at all (written
# to a temporary name and renamed), so a failed night leaves yesterday's
# files in place; any failed step ends the job with its status.
set -eu
k=10
topts="-m als,knn -k 8 --alpha 50 --half-life 7"
usage() {
	echo "usage: recommend.sh [-k count] [-m cf-train-options] EVENTS ITEMS OUTDIR" >&2
	exit 64
}
while getopts k:m: ch; do
	case $ch in
	k) k=$OPTARG ;;
	m) topts=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || usage
events=$1 items=$2 out=$3
[ -r "$events" ] || { echo "recommend.sh: $events: cannot read" >&2; exit 66; }
[ -r "$items" ] || { echo "recommend.sh: $items: cannot read" >&2; exit 66; }
mkdir -p "$out" || exit 73

exec 9>"$out/.lock"
if ! flock -n 9; then
	echo "recommend.sh: $out: another run holds the lock" >&2
	exit 75
fi
work=$(mktemp -d "$out/.work.XXXXXX") || exit 73
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# step NAME CMD...: runs one step, naming it when it fails.
step() {
	name=$1
	shift
	"$@" || { rc=$?; echo "recommend.sh: $name failed (exit $rc)" >&2; exit $rc; }
}
# Every user once, from a stream of events.
users() { sed -n 's/.*"user":"\([^"]*\)".*/\1/p' "$1" | sort -u; }

step split receval split --time 0.8 --train "$work/train" --test "$work/test" \
    "$events"
step train-eval cf-train $topts --items "$items" -o "$work/eval.reel" \
    "$work/train"
users "$work/test" >"$work/test-users"
step rank-eval rank -k "$k" -m "$work/eval.reel" "$work/test-users" \
    >"$work/eval-lists"
step score receval score --train "$work/train" --test "$work/test" \
    "$work/eval-lists" >"$work/metrics"
step train cf-train $topts --items "$items" -o "$out/model.reel" "$events"
users "$events" >"$work/users"
step rank rank -k "$k" -m "$out/model.reel" "$work/users" >"$work/recs"
mv -f "$work/metrics" "$out/metrics.ndjson"
mv -f "$work/recs" "$out/recs.ndjson"
