/*
 * fuzz_media: lib/media on arbitrary bytes, through its custom AVIOContext
 * (media_open_mem): open, decode video and audio, downscale, resample,
 * and compute the frame features of lib/vrec on every picture.  Anything
 * may fail; nothing may crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>

#include "media.h"
#include "vrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_opts o = MEDIA_OPTS_DEFAULT;
	struct rerr e = { 0 };
	struct media *m;
	struct media_frame f;
	struct vfeat_ctx vc = { 0 };
	struct vfeat v;
	const struct media_info *mi;
	char msg[512];
	int n = 0;

	media_set_verbosity(0);
	o.audio_rate = 8000;
	o.threads = 1;
	o.max_errors = 50;
	if ((m = media_open_mem(data, size, &o, &e)) == NULL)
		return 0;
	mi = media_info(m);
	if (vfeat_init(&vc, mi->gw, mi->gh) == 0)
		while (n++ < 300 && media_next(m, &f, &e) == 1)
			if (f.kind == MEDIA_VIDEO)
				vfeat_compute(&vc, &f, mi->cw, mi->ch, &v);
	media_errors_msg(m, msg, sizeof(msg));
	vfeat_free(&vc);
	media_close(m);
	return 0;
}
