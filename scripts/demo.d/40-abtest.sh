# demo: thumbnail A/B test: plan, assign, events, results, map-reduce
#
# Plans a two-arm thumbnail test, assigns 20000 generated users to three
# thumbnails by hash, simulates their clicks and watch time (thumbnail C
# is better), and analyses the events: once in one pass, once as two
# partial shards merged, and once for the next period's traffic split.
echo "sample size per arm to see 10% -> 11% clicks at 80% power:"
abtest plan --p1 0.10 --p2 0.11
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"unit\":\"user%d\"}\n", i }' |
    abtest assign -e thumb-42 --salt demo --variants A,B,C --weights 2,1,1 \
    >assigned.ndjson
awk 'BEGIN { srand(42) } {
	match($0, /"unit":"[^"]*"/); u = substr($0, RSTART, RLENGTH)
	match($0, /"variant":"[^"]*"/); v = substr($0, RSTART + 11, RLENGTH - 12)
	ev = "{\"exp\":\"thumb-42\",\"variant\":\"" v "\"," u
	print ev ",\"metric\":\"exposure\",\"value\":1}"
	p = (v == "C") ? 0.12 : 0.10
	if (rand() < p) print ev ",\"metric\":\"click\",\"value\":1}"
	n = int(rand() * 3)
	for (i = 0; i < n; i++)
		printf "%s,\"metric\":\"watch_s\",\"value\":%.2f}\n", ev, rand() * 90
}' assigned.ndjson >events.ndjson
echo "$(wc -l <events.ndjson) events; results (primary click, guardrail watch_s):"
abtest -b click -m click --guardrail watch_s --variants A,B,C \
    --weights 2,1,1 events.ndjson >results.ndjson
jq -c 'select(.type == "srm") | {counts, p, srm_detected}' results.ndjson
jq -c 'select(.type == "result" and .metric == "click") |
    {variant, diff, p: .prop.p_pooled, holm: .p_adjust.holm,
     p_best: .bayes.p_B_gt_A, decision, reason}' results.ndjson
echo "map and reduce: two shards of users as partial summaries, merged:"
grep -E '"user[0-9]*[0-4]"' events.ndjson | abtest -b click --partial >part1
grep -E '"user[0-9]*[5-9]"' events.ndjson | abtest -b click --partial >part2
cat part1 part2 | abtest --merge -m click |
    jq -c 'select(.type == "result") | {variant, n_B, x_B, diff}'
echo "Thompson-sampling traffic for the next period:"
abtest -b click -m click --allocate events.ndjson | jq -c '{variant, weight}'
echo "... and by mean watch time (normal posteriors of the means):"
abtest -m watch_s --allocate events.ndjson | jq -c '{variant, weight}'
