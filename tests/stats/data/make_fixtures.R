# Reference results for mesems' GEL models, computed with R's MASS::glm.nb and glmmTMB.
#
# Run from the repository root:  Rscript tests/stats/data/make_fixtures.R
# (Debian: apt-get install -y r-base-core r-cran-mass r-cran-glmmtmb)
# It reads every tests/stats/data/gel_*.csv (made by make_datasets.py), builds the two data sets
# of the `mesems analyse gel` contract (DESIGN.md) itself, and writes r_results.json beside them.
# Usage with other files:  Rscript make_fixtures.R OUT.json FILE.csv...   (the benchmark uses this)
suppressPackageStartupMessages({
  library(MASS)
  library(glmmTMB)
})

# JSON by hand (no jsonlite needed): numbers with 17 significant digits, NA/Inf as null.
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(x) && !is.null(names(x))) {
    items <- vapply(names(x), function(n) paste0(inner, "\"", n, "\": ", to_json(x[[n]], inner)), "")
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
  }
  if (is.list(x) || length(x) != 1) {
    items <- vapply(as.list(x), function(v) paste0(inner, to_json(v, inner)), "")
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", indent, "]"))
  }
  if (is.character(x)) return(paste0("\"", gsub("\"", "\\\\\"", x), "\""))
  if (is.logical(x)) return(if (isTRUE(x)) "true" else "false")
  if (!is.finite(x)) return("null")
  sprintf("%.17g", x)
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) >= 2) {
  out_file <- args[1]
  files <- args[-1]
} else {
  here <- "tests/stats/data"
  out_file <- file.path(here, "r_results.json")
  files <- sort(Sys.glob(file.path(here, "gel_*.csv")))
}

period1 <- c(4, 12, 24)
period2 <- c(28, 36, 48)

primary_data <- function(scans) {
  post <- scans[scans$week %in% period1, ]
  y <- tapply(post$gel, post$participant_id, sum)
  k <- tapply(post$gel, post$participant_id, length)
  d <- data.frame(participant_id = names(y), y = as.vector(y), k = as.vector(k))
  base <- scans[scans$week == 0, c("participant_id", "gel")]
  names(base)[2] <- "baseline"
  d <- merge(d, base, by = "participant_id")  # no week-0 scan: left out
  d <- merge(d, scans[!duplicated(scans$participant_id), c("participant_id", "sequence")], by = "participant_id")
  d$treatment <- as.integer(d$sequence == "MSC-placebo")
  d[d$k > 0, ]
}

crossover_data <- function(scans) {
  d <- scans[scans$week %in% c(period1, period2), ]
  d$period <- as.integer(d$week %in% period2)  # 1 = period 2
  d$treatment <- as.integer((d$sequence == "MSC-placebo" & d$period == 0) |
                            (d$sequence == "placebo-MSC" & d$period == 1))
  d$participant <- factor(d$participant_id)
  d
}

wald <- function(est, se) {
  z <- est / se
  list(estimate = unname(est), se = unname(se), z = unname(z), p_value = unname(2 * pnorm(-abs(z))),
       ci_low = unname(est - qnorm(0.975) * se), ci_high = unname(est + qnorm(0.975) * se))
}

nb_result <- function(fit) {
  cf <- coef(summary(fit))
  list(coefficients = setNames(lapply(rownames(cf), function(r) wald(cf[r, 1], cf[r, 2])), rownames(cf)),
       theta = fit$theta, theta_se = fit$SE.theta, loglik = fit$twologlik / 2, n = length(fit$y),
       confint_default = unname(confint.default(fit)["treatment", ]))
}

timings <- list()
results <- list()
for (f in files) {
  scans <- read.csv(f, stringsAsFactors = FALSE)
  name <- sub("\\.csv$", "", basename(f))
  t0 <- proc.time()[["elapsed"]]
  p <- primary_data(scans)
  primary <- glm.nb(y ~ treatment + log(baseline + 1) + offset(log(k)), data = p)
  t1 <- proc.time()[["elapsed"]]
  unadjusted <- glm.nb(y ~ treatment + offset(log(k)), data = p)
  c <- crossover_data(scans)
  t2 <- proc.time()[["elapsed"]]
  mixed <- glmmTMB(gel ~ treatment + period + (1 | participant), data = c, family = nbinom2)
  t3 <- proc.time()[["elapsed"]]
  cf <- coef(summary(mixed))$cond
  results[[name]] <- list(
    primary = nb_result(primary),
    unadjusted = nb_result(unadjusted),
    crossover = list(
      coefficients = setNames(lapply(rownames(cf), function(r) wald(cf[r, 1], cf[r, 2])), rownames(cf)),
      theta = sigma(mixed),
      random_intercept_sd = unname(attr(VarCorr(mixed)$cond$participant, "stddev")),
      loglik = as.numeric(logLik(mixed)),
      n_participants = nlevels(droplevels(c$participant)), n_scans = nrow(c),
      converged = mixed$fit$convergence == 0 && isTRUE(mixed$sdr$pdHess)
    )
  )
  timings[[name]] <- list(glm_nb_seconds = t1 - t0, glmmtmb_seconds = t3 - t2)
}

meta <- list(R = R.version.string, MASS = as.character(packageVersion("MASS")),
             glmmTMB = as.character(packageVersion("glmmTMB")))
writeLines(to_json(list(meta = meta, results = results, timings = timings)), out_file)
cat("wrote", out_file, "\n")
