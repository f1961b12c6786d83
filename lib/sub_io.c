/*
 * sub_io: what every tool that reads or writes subtitle files shares:
 * the options -e, -i and --fps, the load of an input (its first bytes
 * read to tell the format; cue NDJSON then streamed through ndj_each, any
 * other format read whole and parsed), and the atomic save of an output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "sub.h"

/* The first read of an input: enough to tell the format. */
#define SUB_PEEK	(64 * 1024)

int
sub_fmt_arg(const char *s, const char *opt, enum sub_fmt *f, struct rerr *e)
{
	if ((*f = sub_fmt_parse(s)) == SUB_NONE)
		return rerr_set(e, EX_USAGE, NULL, 0, "%s: unknown format: %s",
		    opt, s), -1;
	return 0;
}

int
sub_ropts_parse(struct sub_ropts *o, int ch, const char *arg,
    struct rerr *e)
{
	double v;

	switch (ch) {
	case 'e':
		o->encoding = arg;
		return 1;
	case 'i':
		return sub_fmt_arg(arg, "-i", &o->fmt, e) == 0 ? 1 : -1;
	case SUB_OPT_FPS:
		if (cli_parse_num(arg, 1, 1000, "--fps", &v, e) != 0)
			return -1;
		o->fps = v;
		return 1;
	default:
		return 0;
	}
}

void
sub_warn_stderr(void *arg, const struct rerr *w)
{
	(void)arg;
	cli_report(w);
}

/* How many bytes of in are not white space (or a BOM), up to 2. */
static int
nonblank(const struct sub_input *in)
{
	size_t i = 0;
	int k = 0;

	if (in->len >= 3 && memcmp(in->buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < in->len && k < 2; i++)
		if (in->buf[i] != ' ' && in->buf[i] != '\t' &&
		    in->buf[i] != '\r' && in->buf[i] != '\n')
			k++;
	return k;
}

int
sub_input_open(struct sub_input *in, const char *path, struct rerr *e)
{
	struct stat st;
	int rv;

	memset(in, 0, sizeof(*in));
	in->path = path != NULL ? path : "-";
	in->name = cli_name(path);
	in->is_stdin = strcmp(in->path, "-") == 0;
	if (in->is_stdin)
		in->fd = STDIN_FILENO;
	else if ((in->fd = open(in->path, O_RDONLY | O_CLOEXEC)) < 0)
		return rerr_set(e, EX_NOINPUT, in->name, 0, "%s",
		    strerror(errno));
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		sub_input_close(in);
		return rerr_set(e, EX_NOINPUT, in->name, 0, "%s",
		    strerror(EISDIR));
	}
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
		in->size = st.st_size;
	/*
	 * From a pipe, read only until the format can be told (two bytes
	 * that are not white space), so a filter answers its first record
	 * at once; a file gives its first 64 KiB in one read.
	 */
	do {
		size_t upto = in->len + (in->size > 0 ? SUB_PEEK : 1);

		if ((rv = sub_input_read(in, upto, e)) != 0)
			return rv;
	} while (!in->eof && in->len < SUB_PEEK && nonblank(in) < 2);
	return 0;
}

int
sub_input_read(struct sub_input *in, size_t upto, struct rerr *e)
{
	size_t want;
	ssize_t n;
	char *p;

	while (!in->eof && in->len < upto) {
		if (in->len + 1 >= in->cap) {
			size_t cap = in->cap ? in->cap * 2 : SUB_PEEK + 1;

			/* A regular file read whole: one allocation. */
			if (in->cap == 0 && upto > SUB_PEEK && in->size > 0 &&
			    (unsigned long long)in->size < SIZE_MAX / 2)
				cap = (size_t)in->size + 2;
			else if (in->cap > 0 && in->size > 0 &&
			    (unsigned long long)in->size < SIZE_MAX / 2 &&
			    (size_t)in->size + 2 > cap)
				cap = (size_t)in->size + 2;
			if ((p = realloc(in->buf, cap)) == NULL)
				return rerr_set(e, EX_SOFTWARE, in->name, 0,
				    "out of memory");
			in->buf = p;
			in->cap = cap;
		}
		want = in->cap - in->len - 1;
		if (want > upto - in->len)
			want = upto - in->len;
		n = read(in->fd, in->buf + in->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rerr_set(e, errno == EISDIR ? EX_NOINPUT :
			    EX_IOERR, in->name, 0, "read error: %s",
			    strerror(errno));
		if (n == 0)
			in->eof = 1;
		in->len += (size_t)n;
	}
	if (in->buf != NULL)
		in->buf[in->len] = '\0';
	return 0;
}

void
sub_input_close(struct sub_input *in)
{
	if (!in->is_stdin && in->fd >= 0)
		close(in->fd);
	in->fd = -1;
	free(in->buf);
	in->buf = NULL;
	in->len = in->cap = 0;
}

int
sub_input_ndjson(const struct sub_input *in, const struct sub_ropts *o)
{
	size_t i = 0;

	if (o->encoding != NULL)
		return 0;
	if (o->fmt != SUB_NONE)
		return o->fmt == SUB_NDJSON;
	if (in->len >= 3 && memcmp(in->buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < in->len && (in->buf[i] == ' ' || in->buf[i] == '\t' ||
	    in->buf[i] == '\r' || in->buf[i] == '\n'))
		i++;
	return i + 1 < in->len && in->buf[i] == '{' && in->buf[i + 1] == '"';
}

int
sub_input_each(struct sub_input *in, struct ndj_loop *l)
{
	/* A file is read again from its start; a pipe goes on after the
	 * bytes read so far. */
	if (in->is_stdin) {
		l->prefix = in->buf;
		l->nprefix = in->len;
	} else {
		close(in->fd);
		in->fd = -1;
	}
	return ndj_each(in->path, l);
}

/* The NDJSON record loop's function for sub_load. */
static int
load_rec(void *arg, struct ndj_reader *r, json_t *rec, struct rerr *e)
{
	return sub_ndj_add(arg, r, rec, e);
}

int
sub_load_input(struct sub_input *in, const struct sub_ropts *o,
    struct ndj_policy *pol, struct sub_doc *doc)
{
	struct ndj_policy none = NDJ_POLICY_DEFAULT;
	struct sub_ropts ro = *o;
	struct rerr e = { 0 };
	long nrec;
	int rv;

	if (pol == NULL)
		pol = &none;
	if (ro.name == NULL)
		ro.name = in->name;
	if (ro.hint == SUB_NONE)
		ro.hint = sub_fmt_from_path(in->path);
	if (sub_input_ndjson(in, &ro)) {
		struct ndj_loop l = { NULL, NULL, NULL, NULL, NULL, 0, NULL,
			0 };

		l.rec = load_rec;
		l.pol = pol;
		l.arg = doc;
		doc->fmt = SUB_NDJSON;
		doc->markup = SUB_SRT;
		doc->keep_rec = ro.passthrough;
		nrec = pol->nrec + pol->nbad;
		rv = sub_input_each(in, &l);
		if (rv == 0 && pol->nrec + pol->nbad == nrec) {
			rerr_set(&e, EX_DATAERR, in->name, 0, "empty input");
			rv = cli_report(&e);
		}
	} else if ((rv = sub_input_read(in, (size_t)-1, &e)) != 0 ||
	    (rv = sub_read(in->buf, in->len, &ro, pol, doc, &e)) != 0)
		cli_report(&e);
	return rv;
}

int
sub_load(const char *path, const struct sub_ropts *o,
    struct ndj_policy *pol, struct sub_doc *doc)
{
	struct sub_input in;
	struct rerr e = { 0 };
	int rv;

	if ((rv = sub_input_open(&in, path, &e)) != 0)
		return cli_report(&e);
	rv = sub_load_input(&in, o, pol, doc);
	sub_input_close(&in);
	return rv;
}

int
sub_save_with(const char *path, int (*fn)(FILE *fp, void *arg), void *arg,
    struct rerr *e)
{
	struct atomic_file *af = NULL;
	FILE *fp;
	int err;

	if ((fp = atomic_open_output(path, &af, e)) == NULL)
		return e->code;
	if (fn(fp, arg) != 0 || (af != NULL && ferror(fp))) {
		err = errno;	/* before atomic_close_output clobbers it */
		if (af == NULL)
			return 0;	/* stdout: cli_finish reports it */
		atomic_close_output(af, 0, e);
		return rerr_set(e, EX_IOERR, path, 0, "%s", strerror(err));
	}
	return atomic_close_output(af, 1, e);
}

struct save_doc {
	const struct sub_doc	*doc;
	enum sub_fmt		 f;
};

static int
save_doc(FILE *fp, void *arg)
{
	const struct save_doc *s = arg;

	return sub_write(fp, s->doc, s->f);
}

int
sub_save(const char *path, const struct sub_doc *doc, enum sub_fmt f,
    struct rerr *e)
{
	struct save_doc s = { doc, f };

	return sub_save_with(path, save_doc, &s, e);
}
