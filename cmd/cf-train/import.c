/*
 * --import-factors USERS,ITEMS: factors trained elsewhere, as Spark MLlib
 * ALS writes them with model.userFactors.write.json(...) and
 * model.itemFactors.write.json(...): one {"id": N, "features": [...]}
 * per line (Spark's ids are integers; the events must name users and items
 * by the same integers' decimal text).
 */
#include <stdlib.h>
#include <string.h>

#include "cftrain.h"

struct fac {
	uint32_t	 row;
	float		*v;
};

/* Reads one factor file into a list of (row, vector). */
static int
read_factors(const char *path, struct idmap *ids, int *k, struct fac **out,
    size_t *nout, struct rerr *e)
{
	struct ndj_reader *r;
	struct fac *f = NULL;
	size_t n = 0, cap = 0;
	json_t *rec;
	int rc, rv = 0;

	if ((r = ndj_open(path, e)) == NULL)
		return e->code;
	while ((rc = ndj_next(r, &rec, e)) == 1) {
		json_t *feat = json_object_get(rec, "features"), *x;
		const char *id;
		char tmp[32];
		size_t len, j;
		long row;

		if (ev_id(json_object_get(rec, "id"), &id, &len, tmp,
		    sizeof(tmp)) != 0 || !json_is_array(feat) ||
		    json_array_size(feat) == 0 ||
		    json_array_size(feat) > 4096 ||
		    (*k != 0 && (int)json_array_size(feat) != *k)) {
			rv = rerr_set(e, EX_DATAERR, ndj_name(r), ndj_line(r),
			    "not a factor record {\"id\", \"features\"} of "
			    "%d numbers", *k);
			json_decref(rec);
			goto out;
		}
		*k = (int)json_array_size(feat);
		if ((row = idmap_add(ids, id, len)) < 0)
			goto nomem;
		if (n == cap) {
			struct fac *f2;

			cap = cap ? cap * 2 : 1024;
			if ((f2 = realloc(f, cap * sizeof(*f2))) == NULL)
				goto nomem;
			f = f2;
		}
		f[n].row = (uint32_t)row;
		if ((f[n].v = malloc(*k * sizeof(float))) == NULL)
			goto nomem;
		json_array_foreach(feat, j, x) {
			if (!json_is_number(x)) {
				rv = rerr_set(e, EX_DATAERR, ndj_name(r),
				    ndj_line(r), "features[%zu] is not a number",
				    j);
				free(f[n].v);
				json_decref(rec);
				goto out;
			}
			f[n].v[j] = (float)json_number_value(x);
		}
		n++;
		json_decref(rec);
	}
	if (rc < 0)
		rv = e->code;
	goto out;
nomem:
	rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
out:
	ndj_close(r);
	*out = f;
	*nout = n;
	return rv;
}

static void
fac_free(struct fac *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(f[i].v);
	free(f);
}

int
import_factors(struct tdata *d, const char *spec, int *kp, float **ufp,
    float **vfp, struct rerr *e)
{
	const char *comma = strchr(spec, ',');
	char *upath;
	struct fac *fu = NULL, *fi = NULL;
	size_t nu = 0, ni = 0, i;
	float *uf, *vf;
	int k = 0, rv;

	if (comma == NULL)
		return rerr_set(e, EX_USAGE, NULL, 0,
		    "--import-factors: want USERS,ITEMS");
	if ((upath = strndup(spec, comma - spec)) == NULL)
		return rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
	rv = read_factors(upath, &d->s.users, &k, &fu, &nu, e);
	if (rv == 0)
		rv = read_factors(comma + 1, &d->s.items, &k, &fi, &ni, e);
	free(upath);
	if (rv != 0)
		goto out;
	d->nusers = d->s.users.n;
	d->nitems = d->s.items.n;
	uf = calloc((size_t)d->nusers * k + 1, sizeof(*uf));
	vf = calloc((size_t)d->nitems * k + 1, sizeof(*vf));
	if (uf == NULL || vf == NULL) {
		free(uf), free(vf);
		rv = rerr_set(e, EX_SOFTWARE, NULL, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < nu; i++)
		memcpy(uf + (size_t)fu[i].row * k, fu[i].v, k * sizeof(float));
	for (i = 0; i < ni; i++)
		memcpy(vf + (size_t)fi[i].row * k, fi[i].v, k * sizeof(float));
	*ufp = uf, *vfp = vf, *kp = k;
out:
	fac_free(fu, nu);
	fac_free(fi, ni);
	return rv;
}
