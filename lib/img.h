/*
 * img: small image operations on analysis frames (the grey and RGB copies
 * media.c makes).  Pure functions on caller-owned buffers: nothing here
 * allocates, except where a comment says so, and nothing keeps state.
 *
 * Conventions: grey images are 8-bit, w x h, stride w.  RGB images are
 * packed RGB24, stride 3 * w.  Results are on a 0..1 scale unless said.
 */
#ifndef REEL_IMG_H
#define REEL_IMG_H

#include <stddef.h>
#include <stdint.h>

/* Mean and standard deviation of the grey levels, both in 0..1. */
void	 img_mean_std(const uint8_t *g, int w, int h, double *mean,
	    double *sd);

/*
 * Sharpness: mean absolute 4-neighbour Laplacian over the inner pixels,
 * in grey levels / 255.  Higher is sharper; a flat picture gives 0.
 */
double	 img_sharpness(const uint8_t *g, int w, int h);

/*
 * Colourfulness after Hasler and Suesstrunk (2003), "Measuring
 * colourfulness in natural images": sigma_rgyb + 0.3 mu_rgyb with
 * rg = R - G and yb = (R + G) / 2 - B, on 0..255 channel values.  Grey
 * pictures give 0; their scale puts "highly colourful" near 110.
 */
double	 img_colourfulness(const uint8_t *rgb, int w, int h);

/*
 * Perceptual hash (DCT hash): the picture averaged to 32 x 32, its 2-D
 * DCT-II, and one bit per coefficient of the 8 x 8 lowest frequencies
 * (the DC term excluded, bit 0 is then the (0,1) coefficient) set when
 * that coefficient is above their median.  Insensitive to brightness and
 * contrast changes; Hamming distance compares.
 */
uint64_t img_phash(const uint8_t *g, int w, int h);
int	 img_hamming(uint64_t a, uint64_t b);

/* Mean absolute difference of two grey images of one size, in 0..1. */
double	 img_absdiff(const uint8_t *a, const uint8_t *b, size_t n);

/*
 * Colour histogram: 16 bins per R, G, B channel, normalised so each
 * channel sums to 1.  img_histdist is half the L1 distance averaged over
 * the channels: 0 for equal histograms, 1 for disjoint ones.
 */
#define IMG_HBINS	16
void	 img_hist(const uint8_t *rgb, int w, int h, float hist[3 * IMG_HBINS]);
double	 img_histdist(const float *a, const float *b);

/*
 * Motion energy between two grey images of one size: block matching of
 * 8 x 8 blocks on the images halved, search +-4 pixels there, mean motion
 * vector length as a fraction of the image width per frame.  Blocks
 * without texture (nothing to match) count as still.
 */
double	 img_motion(const uint8_t *prev, const uint8_t *cur, int w, int h);

/*
 * Averages an image of w x h with c interleaved channels down to dw x dh
 * (box filter over the covered source pixels).  For signatures.
 */
void	 img_box(const uint8_t *src, int w, int h, int c, uint8_t *dst,
	    int dw, int dh);

/* base64 (RFC 4648) of n bytes into out (4 * ceil(n / 3) + 1 bytes). */
void	 img_b64(const uint8_t *in, size_t n, char *out);
/* Decodes base64; returns the byte count, or -1 when malformed. */
long	 img_unb64(const char *in, uint8_t *out, size_t cap);

/*
 * Spectral-residual saliency after Hou and Zhang (2007), "Saliency
 * detection: a spectral residual approach": the grey image averaged to
 * IMG_SAL_W pixels wide, the log amplitude of its 2-D DFT less that log
 * amplitude smoothed by a 3 x 3 mean (the residual), back through the
 * inverse DFT with the original phase, squared, and blurred.  The map is
 * written to sal (w x h, bilinear from the small map), scaled to 0..1.
 * Allocates (FFTW buffers and plan, freed before return).  Returns 0, or
 * -1 when out of memory.
 */
#define IMG_SAL_W	64
int	 img_saliency(const uint8_t *g, int w, int h, float *sal);

/*
 * Where to crop a picture of W x H pixels to the aspect ratio aspect
 * (width / height) so as to keep the most saliency: the largest crop of
 * that shape slid along the free axis to the position whose window holds
 * the greatest saliency sum (sal is w x h over the whole picture; ties go
 * to the position nearest the centre).  Fills x, y, cw, ch in picture
 * pixels, even numbers, within the picture.
 */
void	 img_salient_crop(const float *sal, int w, int h, int W, int H,
	    double aspect, int *x, int *y, int *cw, int *ch);

/*
 * How concentrated a saliency map is, 0..1: the share of the total
 * saliency held by the most salient tenth of the pixels, rescaled so that
 * an even map gives 0.  A clear subject scores high.
 */
double	 img_saliency_focus(const float *sal, int w, int h);

#endif /* REEL_IMG_H */
