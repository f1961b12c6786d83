# reel build configuration; override on the command line, e.g.
#	make PREFIX=/usr/local CC=clang
VERSION	= 0.1.0

PREFIX	= /usr/local
BINDIR	= $(PREFIX)/bin
MANDIR	= $(PREFIX)/share/man
DATADIR	= $(PREFIX)/share/reel

CC	= cc
PKG_CONFIG = pkg-config

# Every library of the suite.  Tools are linked with --as-needed, so each
# binary keeps only the shared objects it really uses.
PKGS	= libavformat libavcodec libavfilter libswscale libswresample \
	  libavutil jansson sndfile fftw3f fftw3 gsl libpcre2-8 \
	  uchardet libunibreak libxml-2.0

OPT	= -O2 -g
CFLAGS	= $(OPT) -std=c11 -Wall -Wextra -Wno-unused-parameter \
	  -Wmissing-prototypes -Wshadow -Wpointer-arith -Wstrict-prototypes
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	  -DREEL_VERSION=\"$(VERSION)\" -DREEL_DATADIR=\"$(DATADIR)\"
LDFLAGS	= -Wl,--as-needed
LDLIBS	= -lm -lpthread

# make SAN=1: AddressSanitizer and UndefinedBehaviorSanitizer.
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined

# Fuzzing (make fuzz): clang's libFuzzer.
FUZZCC	= clang
FUZZFLAGS = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
FUZZTIME = 60
