# demo: recommendations: train, rank with reasons, evaluate (generated events)
gen-events -u 300 -i 120 -e 6000 -s 5 recsys
recommend.sh recsys/events.ndjson recsys/items.ndjson recsys/out
echo "offline metrics (time split, 80/20):"
cat recsys/out/metrics.ndjson
echo "the first list, with reasons:"
head -n 1 recsys/out/recs.ndjson | jq -c '.user as $u | .items[:3][] |
    {user: $u, item, score, reason}'
echo "a second run while the first holds the lock is refused:"
(flock 9; recommend.sh recsys/events.ndjson recsys/items.ndjson recsys/out ||
    echo "exit $?") 9>recsys/out/.lock
