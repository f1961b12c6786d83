# trailer.mk: trailer.sh as a Makefile, so a change of the video or of an
# option remakes only what depends on it (the options are kept in stamp
# files that change only when the options do):
#
#	make -f trailer.mk IN=movie.mp4 OUT=movie.d [DUR=30] [N=3] [SEED=0]
#
# The reel tools write -o and image outputs atomically; the other targets
# go to a temporary renamed on success (and removed on failure), and
# .DELETE_ON_ERROR removes any target whose recipe failed, so make never
# trusts half a file and stops, non-zero, at the first failed step.
IN	=
OUT	= trailer.d
DUR	= 30
N	= 3
SEED	= 0
ASPECTS	= 16:9,1:1,9:16,4:5

.DELETE_ON_ERROR:
all: $(OUT)/scenes.ndjson $(OUT)/thumbs.ndjson $(OUT)/trailer.mp4

$(OUT)/.dir:
	mkdir -p $(OUT)
	touch $@

$(OUT)/.thumb-opts: FORCE $(OUT)/.dir
	@echo "$(N) $(ASPECTS)" | cmp -s - $@ || echo "$(N) $(ASPECTS)" >$@

$(OUT)/.trailer-opts: FORCE $(OUT)/.dir
	@echo "$(DUR) $(SEED)" | cmp -s - $@ || echo "$(DUR) $(SEED)" >$@

# One decode gives the frame and audio records; both steps below use it.
$(OUT)/frames.ndjson: $(IN) $(OUT)/.dir
	vframes -a $(IN) >$@.tmp || { s=$$?; rm -f $@.tmp; exit $$s; }
	mv -f $@.tmp $@

$(OUT)/scenes.ndjson: $(OUT)/frames.ndjson
	vscenes -o $@ $(OUT)/frames.ndjson

$(OUT)/audio.ndjson: $(OUT)/frames.ndjson
	sed -n '/"type":"\(audio\|media\)"/p' $(OUT)/frames.ndjson >$@.tmp || \
	    { s=$$?; rm -f $@.tmp; exit $$s; }
	mv -f $@.tmp $@

$(OUT)/thumbs.ndjson: $(IN) $(OUT)/scenes.ndjson $(OUT)/.thumb-opts
	vthumb -n $(N) -a $(ASPECTS) -o $(OUT) --sheet $(OUT)/sheet.jpg \
	    -S $(OUT)/scenes.ndjson $(IN) >$@.tmp || \
	    { s=$$?; rm -f $@.tmp; exit $$s; }
	mv -f $@.tmp $@

$(OUT)/segments.ndjson: $(OUT)/scenes.ndjson $(OUT)/audio.ndjson \
    $(OUT)/.trailer-opts
	vtrailer -d $(DUR) -s $(SEED) $(OUT)/scenes.ndjson \
	    $(OUT)/audio.ndjson >$@.tmp || { s=$$?; rm -f $@.tmp; exit $$s; }
	mv -f $@.tmp $@

$(OUT)/trailer.mp4: $(IN) $(OUT)/segments.ndjson
	vcut -o $@ -s $(OUT)/segments.ndjson $(IN) \
	    >$(OUT)/render.ndjson.tmp || \
	    { s=$$?; rm -f $(OUT)/render.ndjson.tmp; exit $$s; }
	mv -f $(OUT)/render.ndjson.tmp $(OUT)/render.ndjson

clean:
	rm -rf $(OUT)

FORCE:
.PHONY: all clean FORCE
