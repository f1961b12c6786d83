# recommend.mk: the nightly recommendation job as a Makefile, for cron:
#
#	0 3 * * *  flock -n /srv/reel/.lock make -f recommend.mk -C /srv/reel
#
# (flock: one run at a time.)  Each target is written by a reel tool
# atomically or to a temporary renamed on success; .DELETE_ON_ERROR removes
# a target whose recipe failed, so make never trusts half a file, and make
# exits non-zero on the first failed step.
EVENTS	= events.ndjson
ITEMS	= items.ndjson
TRAIN	= -m als,knn -k 8 --alpha 50 --half-life 7

.DELETE_ON_ERROR:
all: metrics.ndjson recs.ndjson

train.ndjson test.ndjson: $(EVENTS)
	receval split --time 0.8 --train train.ndjson --test test.ndjson $(EVENTS)

eval.reel: train.ndjson $(ITEMS)
	cf-train $(TRAIN) --items $(ITEMS) -o $@ train.ndjson

metrics.ndjson: eval.reel test.ndjson
	jq -r .user test.ndjson | sort -u >$@.users
	rank -m eval.reel $@.users >$@.lists
	receval score --train train.ndjson --test test.ndjson $@.lists >$@.tmp
	mv -f $@.tmp $@
	rm -f $@.users $@.lists

model.reel: $(EVENTS) $(ITEMS)
	cf-train $(TRAIN) --items $(ITEMS) -o $@ $(EVENTS)

recs.ndjson: model.reel
	jq -r .user $(EVENTS) | sort -u >$@.users
	rank -m model.reel $@.users >$@.tmp
	mv -f $@.tmp $@
	rm -f $@.users
