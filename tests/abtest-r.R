# abtest-r.R DIR SEED: writes DIR/cases.ndjson and DIR/events/*.ndjson, a
# set of reference cases in the format of ../shared/data/abtest (see its
# README), drawn at random from SEED with R's own functions as the
# reference: t.test, prop.test, chisq.test, p.adjust, power.prop.test and
# power.t.test, and pt/pnorm with log.p for the far tails.  Sizes, rates
# and spreads are random, and the degenerate corners are drawn on purpose:
# one or two units, an arm of constant values, no conversions, every unit
# converting, an empty configured arm, tied and missing p-values.
# tests/abtest-cases DIR then runs them through abtest.
args <- commandArgs(TRUE)
dir <- args[1]
set.seed(as.integer(args[2]))
dir.create(file.path(dir, "events"), recursive = TRUE, showWarnings = FALSE)
out <- file(file.path(dir, "cases.ndjson"), "w")

fmt <- function(v) {
	if (length(v) != 1 || is.na(v) || !is.finite(v)) "null"
	else sprintf("%.17g", v)
}
# An expected value: a number (or null) with tolerances, or a list.
ev <- function(v, rtol = 1e-9, atol = 1e-12) {
	if (length(v) > 1 || is.list(v))
		sprintf('{"value":[%s],"rtol":%s,"atol":%s}',
		    paste(sapply(v, fmt), collapse = ","), fmt(rtol), fmt(atol))
	else if (is.na(v) || !is.finite(v)) '{"value":null}'
	else sprintf('{"value":%s,"rtol":%s,"atol":%s}', fmt(v), fmt(rtol),
	    fmt(atol))
}
exact <- function(v) sprintf('{"value":%s}', paste0(if (length(v) > 1) "[",
    paste(v, collapse = ","), if (length(v) > 1) "]"))
jstr <- function(s) sprintf('"%s"', s)
case <- function(id, kind, input, params, expected) {
	p <- paste(sprintf('"%s":%s', names(params), params), collapse = ",")
	e <- paste(sprintf('"%s":%s', names(expected), expected),
	    collapse = ",")
	writeLines(sprintf('{"id":"%s","kind":"%s","input":%s,"params":{%s},"expected":{%s}}',
	    id, kind, input, p, e), out)
}

# Events of one experiment under the README's rules: an exposure per unit
# (some twice), each unit's value in cents of each metric split over 0-3
# outcome events, outcomes of units never exposed, a decoy experiment,
# shuffled.  metrics: a list by metric name of per-arm lists of cents.
write_events <- function(id, exp, metric, arms, cents) {
	ms <- if (is.list(cents[[1]])) cents else
	    setNames(list(cents), metric)
	lines <- character(0)
	for (a in seq_along(arms)) {
		for (i in seq_along(ms[[1]][[a]])) {
			u <- sprintf("u%s%d", arms[a], i)
			ex <- sprintf('{"exp":"%s","variant":"%s","unit":"%s","metric":"exposure","value":1}',
			    exp, arms[a], u)
			lines <- c(lines, ex)
			if (runif(1) < 0.02)
				lines <- c(lines, ex)
			for (m in names(ms)) {
				cc <- ms[[m]][[a]][i]
				k <- if (cc == 0) sample(0:1, 1) else
				    sample(1:3, 1)
				parts <- integer(0)
				if (k > 0) {
					parts <- round(cc / k) +
					    sample(-50:50, k, TRUE)
					parts[k] <- cc - sum(parts[-k])
				}
				for (p in parts)
					lines <- c(lines, sprintf('{"exp":"%s","variant":"%s","unit":"%s","metric":"%s","value":%s}',
					    exp, arms[a], u, m,
					    formatC(p / 100, format = "f",
					    digits = 2)))
			}
			if (runif(1) < 0.01)
				lines <- c(lines, sprintf('{"exp":"%s","variant":"%s","unit":"x%s%d","metric":"%s","value":5}',
				    exp, arms[a], arms[a], i, names(ms)[1]))
			if (runif(1) < 0.05)
				lines <- c(lines, sprintf('{"exp":"%s-other","variant":"%s","unit":"%s","metric":"exposure","value":1}',
				    exp, arms[a], u))
		}
	}
	f <- sprintf("events/%s.ndjson", id)
	writeLines(sample(lines), file.path(dir, f))
	sprintf('{"events":"%s"}', f)
}

# --- t tests -----------------------------------------------------------
ttest_case <- function(id, nA, nB, kind, constA = FALSE, constB = FALSE,
    far = FALSE) {
	mA <- runif(1, 0, 50)
	mB <- mA + if (far) runif(1, 30, 60) else rnorm(1, 0, 3)
	sA <- if (far) 0.5 else runif(1, 0.5, 20)
	sB <- if (far) 0.5 else runif(1, 0.5, 20)
	cA <- if (constA) rep(round(mA * 100), nA) else round(rnorm(nA, mA, sA) * 100)
	cB <- if (constB) rep(round(mB * 100), nB) else round(rnorm(nB, mB, sB) * 100)
	yA <- cA / 100
	yB <- cB / 100
	exp <- paste0("r-", id)
	input <- write_events(id, exp, "watch_s", c("A", "B"), list(cA, cB))
	alpha <- sample(c(0.05, 0.01, 0.1), 1)
	e <- list(n_A = exact(nA), n_B = exact(nB), mean_A = ev(mean(yA)),
	    mean_B = ev(mean(yB)), diff = ev(mean(yB) - mean(yA)),
	    var_A = ev(if (nA > 1) var(yA) else NA),
	    var_B = ev(if (nB > 1) var(yB) else NA))
	r <- tryCatch(t.test(yB, yA, var.equal = kind == "student_t",
	    conf.level = 1 - alpha), error = function(x) NULL)
	if (is.null(r) || !is.finite(r$statistic)) {
		e$t <- ev(NA); e$p <- ev(NA); e$ci_low <- ev(NA)
		e$ci_high <- ev(NA)
	} else {
		e$t <- ev(unname(r$statistic)); e$df <- ev(unname(r$parameter))
		e$p <- ev(r$p.value, 1e-6, 1e-300)
		e$log10_p <- ev((log(2) + pt(-abs(unname(r$statistic)),
		    r$parameter, log.p = TRUE)) / log(10), 1e-6)
		e$ci_low <- ev(r$conf.int[1]); e$ci_high <- ev(r$conf.int[2])
	}
	case(id, kind, input, list(exp = jstr(exp), metric = '"watch_s"',
	    agg = '"sum"', control = '"A"', treatment = '"B"',
	    alpha = fmt(alpha)), e)
}

# --- proportions -------------------------------------------------------
prop_case <- function(id, nA, nB, pA, pB) {
	xA <- rbinom(1, nA, pA)
	xB <- rbinom(1, nB, pB)
	exp <- paste0("r-", id)
	input <- write_events(id, exp, "click", c("A", "B"),
	    list(c(rep(100, xA), rep(0, nA - xA)),
	    c(rep(100, xB), rep(0, nB - xB))))
	alpha <- sample(c(0.05, 0.01), 1)
	z <- qnorm(1 - alpha / 2)
	qA <- xA / nA; qB <- xB / nB; d <- qB - qA
	pbar <- (xA + xB) / (nA + nB)
	se0 <- sqrt(pbar * (1 - pbar) * (1 / nA + 1 / nB))
	se1 <- sqrt(qA * (1 - qA) / nA + qB * (1 - qB) / nB)
	zp <- if (se0 > 0) d / se0 else NA
	zu <- if (se1 > 0) d / se1 else NA
	e <- list(n_A = exact(nA), n_B = exact(nB), x_A = exact(xA),
	    x_B = exact(xB), p_A = ev(qA), p_B = ev(qB), diff = ev(d),
	    z_pooled = ev(zp), p_pooled = ev(2 * pnorm(-abs(zp)), 1e-6, 1e-300),
	    z_unpooled = ev(zu),
	    p_unpooled = ev(2 * pnorm(-abs(zu)), 1e-6, 1e-300),
	    ci_low_unpooled = ev(if (se1 > 0) d - z * se1 else NA),
	    ci_high_unpooled = ev(if (se1 > 0) d + z * se1 else NA))
	for (cc in c(FALSE, TRUE)) {
		r <- suppressWarnings(prop.test(c(xB, xA), c(nB, nA),
		    correct = cc, conf.level = 1 - alpha))
		k <- if (cc) "yates" else "nocc"
		e[[sprintf("prop_test_%s_chisq", k)]] <- ev(unname(r$statistic))
		e[[sprintf("prop_test_%s_p", k)]] <- ev(r$p.value, 1e-6, 1e-300)
		e[[sprintf("prop_test_%s_ci_low", k)]] <- ev(r$conf.int[1])
		e[[sprintf("prop_test_%s_ci_high", k)]] <- ev(r$conf.int[2])
	}
	case(id, "prop_test", input, list(exp = jstr(exp), metric = '"click"',
	    agg = '"binary"', control = '"A"', treatment = '"B"',
	    alpha = fmt(alpha)), e)
}

# --- sample-ratio mismatch ---------------------------------------------
srm_case <- function(id, k, empty = FALSE) {
	arms <- LETTERS[1:k]
	w <- sample(1:3, k, TRUE)
	n <- as.vector(rmultinom(1, sample(50:3000, 1),
	    (w + runif(k, -0.2, 0.2)) / sum(w)))
	if (empty)
		n[k] <- 0
	exp <- paste0("r-", id)
	input <- write_events(id, exp, "watch_s", arms,
	    lapply(n, function(m) rep(100, m)))
	r <- suppressWarnings(chisq.test(n, p = w / sum(w)))
	sa <- sample(c(0.001, 0.01), 1)
	case(id, "srm", input, list(exp = jstr(exp),
	    variants = sprintf("[%s]", paste(jstr(arms), collapse = ",")),
	    weights = sprintf("[%s]", paste(w, collapse = ",")),
	    srm_alpha = fmt(sa)),
	    list(counts = exact(n), chisq = ev(unname(r$statistic)),
	    df = exact(k - 1), p = ev(r$p.value, 1e-6, 1e-300),
	    srm_detected = exact(tolower(r$p.value < sa))))
}

# --- power, p.adjust ---------------------------------------------------
power_case <- function(id) {
	alpha <- sample(c(0.05, 0.01, 0.1), 1)
	pw <- runif(1, 0.5, 0.95)
	if (runif(1) < 0.4) {		# the power of a given n
		n <- sample(5:20000, 1)
		if (runif(1) < 0.5) {
			p1 <- round(runif(1, 0.01, 0.6), 3)
			p2 <- round(p1 * runif(1, 1.05, 1.6), 3)
			pw <- power.prop.test(n = n, p1 = p1, p2 = p2,
			    sig.level = alpha)$power
			case(id, "power_prop", '{"params_only":true}',
			    list(p1 = fmt(p1), p2 = fmt(p2), alpha = fmt(alpha),
			    n = fmt(n)), list(power = ev(pw, 1e-9)))
		} else {
			d <- round(runif(1, 0.05, 2), 3)
			sd <- round(runif(1, 0.5, 3), 3)
			pw <- power.t.test(n = n, delta = d, sd = sd,
			    sig.level = alpha)$power
			case(id, "power_t", '{"params_only":true}',
			    list(delta = fmt(d), sd = fmt(sd),
			    alpha = fmt(alpha), n = fmt(n)),
			    list(power = ev(pw, 1e-9)))
		}
		return(invisible())
	}
	if (runif(1) < 0.5) {
		p1 <- round(runif(1, 0.01, 0.6), 3)
		p2 <- round(p1 * runif(1, 1.05, 1.6), 3)
		n <- power.prop.test(p1 = p1, p2 = p2, sig.level = alpha,
		    power = pw, tol = 1e-12)$n
		case(id, "power_prop", '{"params_only":true}', list(p1 = fmt(p1),
		    p2 = fmt(p2), alpha = fmt(alpha), power = fmt(pw)),
		    list(n_per_arm = ev(n, 1e-9), n_per_arm_ceil = exact(ceiling(n))))
	} else {
		d <- round(runif(1, 0.05, 2), 3)
		sd <- round(runif(1, 0.5, 3), 3)
		n <- power.t.test(delta = d, sd = sd, sig.level = alpha,
		    power = pw, tol = 1e-12)$n
		case(id, "power_t", '{"params_only":true}', list(delta = fmt(d),
		    sd = fmt(sd), alpha = fmt(alpha), power = fmt(pw)),
		    list(n_per_arm = ev(n, 1e-7), n_per_arm_ceil = exact(ceiling(n))))
	}
}

padj_case <- function(id) {
	m <- sample(1:25, 1)
	p <- signif(runif(m)^sample(1:6, 1), 6)
	if (m > 3) {
		p[sample(m, 2)] <- p[1]			# ties
		if (runif(1) < 0.4)
			p[sample(m, 1)] <- NA		# a missing p
	}
	e <- list()
	for (meth in c("bonferroni", "holm", "hochberg", "BH", "BY"))
		e[[meth]] <- ev(as.list(p.adjust(p, meth)), 1e-12, 1e-300)
	case(id, "p_adjust", '{"params_only":true}',
	    list(p = sprintf("[%s]", paste(sapply(p, fmt), collapse = ","))), e)
}

# --- lift, ratio, CUPED (the README's closed forms) -------------------
twoarm <- function(id) list(exp = jstr(paste0("r-", id)), agg = '"sum"',
    control = '"A"', treatment = '"B"', alpha = fmt(0.05))
lift_case <- function(id, nA, nB) {
	mA <- runif(1, 5, 50); mB <- mA * runif(1, 0.9, 1.2)
	yA <- round(pmax(rnorm(nA, mA, mA / 2), 0) * 100) / 100
	yB <- round(pmax(rnorm(nB, mB, mB / 2), 0) * 100) / 100
	input <- write_events(id, paste0("r-", id), "watch_s", c("A", "B"),
	    list(round(yA * 100), round(yB * 100)))
	z <- qnorm(0.975)
	ma <- mean(yA); mb <- mean(yB); va <- var(yA); vb <- var(yB)
	d <- mb - ma; se <- sqrt(va / nA + vb / nB)
	rl <- mb / ma - 1
	rse <- sqrt(vb / (nB * ma^2) + mb^2 * va / (nA * ma^4))
	case(id, "lift_ci", input, c(twoarm(id), metric = '"watch_s"'),
	    list(abs_diff = ev(d), abs_se = ev(se), abs_ci_low = ev(d - z * se),
	    abs_ci_high = ev(d + z * se), abs_p = ev(2 * pnorm(-abs(d / se)),
	    1e-6, 1e-300), rel_lift = ev(rl), rel_se = ev(rse),
	    rel_ci_low = ev(rl - z * rse), rel_ci_high = ev(rl + z * rse),
	    rel_p = ev(2 * pnorm(-abs(rl / rse)), 1e-6, 1e-300)))
}

ratio_case <- function(id, nA, nB) {
	oA <- rpois(nA, 1.5); oB <- rpois(nB, 1.6)
	rA <- round(oA * runif(nA, 2, 30) * 100); rB <- round(oB * runif(nB, 2, 32) * 100)
	input <- write_events(id, paste0("r-", id), NULL, c("A", "B"),
	    list(revenue = list(rA, rB), orders = list(oA * 100, oB * 100)))
	one <- function(y, zz) {
		n <- length(y); yb <- mean(y); zb <- mean(zz)
		c(yb / zb, (var(y) / zb^2 - 2 * yb * cov(y, zz) / zb^3 +
		    yb^2 * var(zz) / zb^4) / n)
	}
	a <- one(rA / 100, oA); b <- one(rB / 100, oB)
	z <- qnorm(0.975)
	d <- b[1] - a[1]; se <- sqrt(a[2] + b[2])
	rl <- b[1] / a[1] - 1; rse <- sqrt(b[2] / a[1]^2 + b[1]^2 * a[2] / a[1]^4)
	case(id, "ratio_delta", input, c(twoarm(id), numerator = '"revenue"',
	    denominator = '"orders"'),
	    list(ratio_A = ev(a[1]), ratio_B = ev(b[1]),
	    se_ratio_A = ev(sqrt(a[2])), se_ratio_B = ev(sqrt(b[2])),
	    abs_diff = ev(d), abs_se = ev(se), abs_ci_low = ev(d - z * se),
	    abs_ci_high = ev(d + z * se), abs_p = ev(2 * pnorm(-abs(d / se)),
	    1e-6, 1e-300), rel_lift = ev(rl), rel_se = ev(rse),
	    rel_ci_low = ev(rl - z * rse), rel_ci_high = ev(rl + z * rse),
	    rel_p = ev(2 * pnorm(-abs(rl / rse)), 1e-6, 1e-300)))
}

cuped_case <- function(id, nA, nB) {
	xA <- round(pmax(rnorm(nA, 40, 15), 0) * 100)
	xB <- round(pmax(rnorm(nB, 40, 15), 0) * 100)
	xA[runif(nA) < 0.2] <- 0		# no pre-period events
	xB[runif(nB) < 0.2] <- 0
	yA <- round(pmax(xA / 100 * 0.3 + rnorm(nA, 10, 5), 0) * 100)
	yB <- round(pmax(xB / 100 * 0.3 + rnorm(nB, 10.5, 5), 0) * 100)
	input <- write_events(id, paste0("r-", id), NULL, c("A", "B"),
	    list(revenue = list(yA, yB), pre_revenue = list(xA, xB)))
	xA <- xA / 100; xB <- xB / 100; yA <- yA / 100; yB <- yB / 100
	th <- cov(c(yA, yB), c(xA, xB)) / var(c(xA, xB))
	d <- mean(yB) - mean(yA)
	se <- sqrt(var(yA) / nA + var(yB) / nB)
	da <- d - th * (mean(xB) - mean(xA))
	sea <- sqrt(var(yA - th * xA) / nA + var(yB - th * xB) / nB)
	z <- qnorm(0.975)
	case(id, "cuped", input, c(twoarm(id), metric = '"revenue"',
	    covariate = '"pre_revenue"'),
	    list(theta = ev(th), mean_A = ev(mean(yA)), mean_B = ev(mean(yB)),
	    cov_mean_A = ev(mean(xA)), cov_mean_B = ev(mean(xB)),
	    diff = ev(d), se = ev(se, 1e-8), diff_adj = ev(da),
	    se_adj = ev(sea, 1e-8), z_adj = ev(da / sea, 1e-8),
	    p_adj = ev(2 * pnorm(-abs(da / sea)), 1e-6, 1e-300),
	    ci_low_adj = ev(da - z * sea, 1e-8),
	    ci_high_adj = ev(da + z * sea, 1e-8),
	    var_reduction = ev(1 - sea^2 / se^2, 1e-8)))
}

# --- Beta-binomial -----------------------------------------------------
# P(pB > pA) by Evan Miller's closed form (integer aB); the expected loss
# E[max(pA - pB, 0)] by one integral of the inner expectation over pB.
bayes_case <- function(id, nA, nB, qA, qB) {
	xA <- rbinom(1, nA, qA); xB <- rbinom(1, nB, qB)
	pa <- sample(1:3, 1); pb <- sample(1:3, 1)
	aA <- pa + xA; bA <- pb + nA - xA; aB <- pa + xB; bB <- pb + nB - xB
	input <- write_events(id, paste0("r-", id), "click", c("A", "B"),
	    list(c(rep(100, xA), rep(0, nA - xA)),
	    c(rep(100, xB), rep(0, nB - xB))))
	i <- 0:(aB - 1)
	pgt <- sum(exp(lbeta(aA + i, bB + bA) - log(bB + i) -
	    lbeta(1 + i, bB) - lbeta(aA, bA)))
	mA <- aA / (aA + bA); mB <- aB / (aB + bB)
	sdB <- sqrt(aB * bB / ((aB + bB)^2 * (aB + bB + 1)))
	lo <- max(0, mB - 40 * sdB); hi <- min(1, mB + 40 * sdB)
	inner <- function(y) mA * pbeta(y, aA + 1, bA, lower.tail = FALSE) -
	    y * pbeta(y, aA, bA, lower.tail = FALSE)
	lossB <- integrate(function(y) dbeta(y, aB, bB) * inner(y), lo, hi,
	    rel.tol = 1e-11, subdivisions = 1000)$value
	case(id, "bayes_binomial", input, list(exp = jstr(paste0("r-", id)),
	    metric = '"click"', agg = '"binary"', control = '"A"',
	    treatment = '"B"', prior_alpha = fmt(pa), prior_beta = fmt(pb),
	    ci_level = fmt(0.95)),
	    list(post_A = ev(c(aA, bA)), post_B = ev(c(aB, bB)),
	    mean_A = ev(mA), mean_B = ev(mB), p_B_gt_A = ev(pgt, 1e-8),
	    p_A_gt_B = ev(1 - pgt, 1e-8), loss_choose_B = ev(lossB, 1e-6),
	    loss_choose_A = ev(lossB + mB - mA, 1e-6),
	    cri_A = ev(qbeta(c(0.025, 0.975), aA, bA), 1e-8),
	    cri_B = ev(qbeta(c(0.025, 0.975), aB, bB), 1e-8)))
}

i <- 0
nid <- function(s) { i <<- i + 1; sprintf("%s-%02d", s, i) }
for (j in 1:4) ttest_case(nid("welch"), sample(2:2000, 1),
    sample(2:2000, 1), "welch_t")
for (j in 1:3) ttest_case(nid("student"), sample(2:2000, 1),
    sample(2:2000, 1), "student_t")
ttest_case(nid("welch-tiny"), 2, 3, "welch_t")
ttest_case(nid("student-tiny"), 1, 3, "student_t")
ttest_case(nid("welch-one-unit"), 1, 5, "welch_t")
ttest_case(nid("welch-const-arm"), 30, 40, "welch_t", constA = TRUE)
ttest_case(nid("welch-const-both"), 30, 40, "welch_t", TRUE, TRUE)
ttest_case(nid("student-const-both"), 30, 40, "student_t", TRUE, TRUE)
ttest_case(nid("welch-far"), 400, 500, "welch_t", far = TRUE)
for (j in 1:4) prop_case(nid("prop"), sample(20:5000, 1),
    sample(20:5000, 1), runif(1, 0.01, 0.5), runif(1, 0.01, 0.5))
prop_case(nid("prop-tiny"), 3, 4, 0.5, 0.5)
prop_case(nid("prop-zero"), 200, 300, 0, 0)
prop_case(nid("prop-zero-one-arm"), 200, 300, 0, 0.05)
prop_case(nid("prop-all"), 50, 60, 1, 1)
prop_case(nid("prop-far"), 5000, 5000, 0.05, 0.5)
for (j in 1:4) srm_case(nid("srm"), sample(2:5, 1))
srm_case(nid("srm-empty-arm"), 3, empty = TRUE)
for (j in 1:6) power_case(nid("power"))
for (j in 1:5) padj_case(nid("padj"))
for (j in 1:2) lift_case(nid("lift"), sample(30:2000, 1), sample(30:2000, 1))
for (j in 1:2) ratio_case(nid("ratio"), sample(30:2000, 1), sample(30:2000, 1))
for (j in 1:2) cuped_case(nid("cuped"), sample(30:2000, 1), sample(30:2000, 1))
for (j in 1:3) bayes_case(nid("bayes"), sample(20:3000, 1),
    sample(20:3000, 1), runif(1, 0.01, 0.3), runif(1, 0.01, 0.3))
bayes_case(nid("bayes-zero"), 100, 120, 0, 0)
close(out)
