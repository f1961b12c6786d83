# reel: one build for the whole suite.
#
#	make			every cmd/<tool> into bin/
#	make check		all tests (make check SAN=1: under ASan+UBSan)
#	make bench		each tool against its reference, as ratios
#	make fuzz		libFuzzer targets, FUZZTIME seconds each
#	make demo		the workflows on generated data
#	make install		binaries and man pages (PREFIX, DESTDIR)
#	make clean
#
# Tools are discovered: cmd/<tool>/main.c plus any other .c in that folder
# make bin/<tool>.  Every lib/*.c goes into libreel.a.  Unit tests are
# tests/unit/test_*.c; each links libreel.a and the parts (all but main.o)
# of every tool.  Fuzz targets are tests/fuzz/fuzz_*.c.

include config.mk

O	= build
BIN	= bin
ifeq ($(SAN),1)
O	= build/san
BIN	= build/san/bin
CFLAGS	+= $(SANFLAGS)
LDFLAGS	+= $(SANFLAGS)
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CPPFLAGS = $(CPPFLAGS) -Ilib $(PKG_CFLAGS)

TOOLS	:= $(patsubst cmd/%/main.c,%,$(wildcard cmd/*/main.c))
LIBSRC	:= $(wildcard lib/*.c)
LIBOBJ	:= $(LIBSRC:%.c=$(O)/%.o)
LIBA	:= $(O)/libreel.a
UNITSRC	:= $(wildcard tests/unit/test_*.c)
UNITBIN	:= $(UNITSRC:tests/unit/%.c=$(O)/tests/bin/%)
UNITAUX	:= $(filter-out $(UNITSRC),$(wildcard tests/unit/*.c))
FUZZSRC	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZBIN	:= $(FUZZSRC:tests/fuzz/%.c=build/fuzz/%)
REPLAYBIN := $(FUZZSRC:tests/fuzz/%.c=$(O)/tests/replay/%)
MAN1	:= $(wildcard man/*.1)
MAN5	:= $(wildcard man/*.5)
MAN7	:= $(wildcard man/*.7)

all: $(TOOLS:%=$(BIN)/%)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIBOBJ)
	@rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

# One rule set per tool: its parts archive and its binary.
define tool_rules
$(1)_SRC := $$(wildcard cmd/$(1)/*.c)
$(1)_PARTS := $$(patsubst %.c,$(O)/%.o,$$(filter-out cmd/$(1)/main.c,$$($(1)_SRC)))
$(O)/cmd/$(1)/parts.a: $$($(1)_PARTS)
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$($(1)_PARTS)
$(BIN)/$(1): $(O)/cmd/$(1)/main.o $(O)/cmd/$(1)/parts.a $(LIBA)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $(O)/cmd/$(1)/main.o $(O)/cmd/$(1)/parts.a \
	    $(LIBA) $$(PKG_LIBS) $$(LDLIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))
PARTS_A := $(TOOLS:%=$(O)/cmd/%/parts.a)

$(O)/tests/bin/test_%: $(O)/tests/unit/test_%.o $(UNITAUX:%.c=$(O)/%.o) \
    $(PARTS_A) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(UNITAUX:%.c=$(O)/%.o) \
	    -Wl,--start-group $(PARTS_A) $(LIBA) -Wl,--end-group \
	    $(PKG_LIBS) $(LDLIBS)

# The fuzz targets again, with the ordinary compiler and a main that
# replays their seeds: make check runs every seed and past crash.
$(O)/tests/replay/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o \
    $(PARTS_A) $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/tests/fuzz/replay.o \
	    -Wl,--start-group $(PARTS_A) $(LIBA) -Wl,--end-group \
	    $(PKG_LIBS) $(LDLIBS)

unit: $(UNITBIN) $(REPLAYBIN)

check: all unit
	REEL_BIN=$(BIN) REEL_BUILD=$(O) REEL_SAN=$(SAN) tests/run

# Fuzz targets: lib/ and tool parts rebuilt with clang and libFuzzer.
FUZZ_LIBOBJ := $(LIBSRC:%.c=build/fuzz/%.o)
FUZZ_PARTSRC := $(filter-out cmd/%/main.c,$(wildcard cmd/*/*.c))
FUZZ_PARTOBJ := $(FUZZ_PARTSRC:%.c=build/fuzz/%.o)
build/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZCC) $(ALL_CPPFLAGS) $(FUZZFLAGS) -c -o $@ $<
build/fuzz/libfuzz.a: $(FUZZ_LIBOBJ) $(FUZZ_PARTOBJ)
	@rm -f $@
	$(AR) rcs $@ $^
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libfuzz.a
	$(FUZZCC) $(ALL_CPPFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer -o $@ $< \
	    build/fuzz/libfuzz.a $(PKG_LIBS) $(LDLIBS)

fuzz-build: $(FUZZBIN)

# Runs every target for FUZZTIME seconds on its seeds in testdata/fuzz/.
fuzz: fuzz-build
	FUZZTIME=$(FUZZTIME) tests/fuzz/run $(FUZZBIN)

bench: all
	REEL_BIN=$(BIN) tests/bench/run

demo: all
	REEL_BIN=$(BIN) scripts/demo

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)
	$(if $(TOOLS),cp -f $(TOOLS:%=$(BIN)/%) $(DESTDIR)$(BINDIR)/)
	$(if $(MAN1),cp -f $(MAN1) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN5),cp -f $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	cp -f $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	if [ -d share ]; then cp -Rf share/. $(DESTDIR)$(DATADIR)/; fi

# The langid model from Debian packages (scripts/install-model-deps):
# fetch and unpack them, extract text per language, train (held-out
# accuracy per language in build/langid-model-report.txt).  The same
# package versions (share/langid.manifest) give the same model bytes.
MODELSRC = build/model-src
MODELCORPUS = build/model-corpus
$(O)/langid-train: scripts/langid-train.c $(O)/cmd/langid/parts.a $(LIBA)
	$(CC) $(ALL_CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(O)/cmd/langid/parts.a $(LIBA) $(PKG_LIBS) $(LDLIBS) -lm

model: $(O)/langid-train
	scripts/install-model-deps $(MODELSRC)
	rm -rf $(MODELCORPUS)
	scripts/langid-corpus $(MODELSRC) $(MODELCORPUS)
	mkdir -p share
	$(O)/langid-train $(MODELCORPUS) share/langid.model \
	    build/langid-model-report.txt
	cp $(MODELSRC)/MANIFEST share/langid.manifest

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -f $(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%)

clean:
	rm -rf build bin

.SECONDARY:
.PHONY: all unit check fuzz fuzz-build bench demo install uninstall clean model

-include $(shell find build -path build/model-src -prune -o -name '*.d' -type f -print 2>/dev/null)
