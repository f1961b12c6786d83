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
# (some twice), each unit's value in cents split over 0-3 outcome events,
# outcomes of units never exposed, a decoy experiment, shuffled.
write_events <- function(id, exp, metric, arms, cents) {
	lines <- character(0)
	for (a in seq_along(arms)) {
		cc <- cents[[a]]
		for (i in seq_along(cc)) {
			u <- sprintf("u%s%d", arms[a], i)
			ex <- sprintf('{"exp":"%s","variant":"%s","unit":"%s","metric":"exposure","value":1}',
			    exp, arms[a], u)
			lines <- c(lines, ex)
			if (runif(1) < 0.02)
				lines <- c(lines, ex)
			k <- if (cc[i] == 0) sample(0:1, 1) else sample(1:3, 1)
			parts <- integer(0)
			if (k > 0) {
				parts <- round(cc[i] / k) +
				    sample(-50:50, k, TRUE)
				parts[k] <- cc[i] - sum(parts[-k])
			}
			for (p in parts)
				lines <- c(lines, sprintf('{"exp":"%s","variant":"%s","unit":"%s","metric":"%s","value":%s}',
				    exp, arms[a], u, metric,
				    formatC(p / 100, format = "f", digits = 2)))
			if (runif(1) < 0.01)
				lines <- c(lines, sprintf('{"exp":"%s","variant":"%s","unit":"x%s%d","metric":"%s","value":5}',
				    exp, arms[a], arms[a], i, metric))
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
		e[[meth]] <- ev(p.adjust(p, meth), 1e-12, 1e-300)
	case(id, "p_adjust", '{"params_only":true}',
	    list(p = sprintf("[%s]", paste(sapply(p, fmt), collapse = ","))), e)
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
close(out)
