# Reference results for mesems' GEL models, computed with R's MASS::glm.nb and glmmTMB.
#
# Run from the repository root:  Rscript tests/stats/data/make_fixtures.R
# (Debian: apt-get install -y r-base-core r-cran-mass r-cran-glmmtmb r-cran-jsonlite)
# It reads every tests/stats/data/gel_*.csv (made by make_datasets.py), builds the two data sets
# of the `mesems analyse gel` contract (DESIGN.md) itself, and writes r_results.json beside them.
# Usage with other files:  Rscript make_fixtures.R OUT.json FILE.csv...   (the benchmark uses this)
suppressPackageStartupMessages({
  library(MASS)
  library(glmmTMB)
  library(jsonlite)
})

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
  ids <- sort(unique(scans$participant_id))
  rows <- lapply(ids, function(id) {
    s <- scans[scans$participant_id == id, ]
    post <- s[s$week %in% period1, ]
    base <- s$gel[s$week == 0]
    data.frame(participant_id = id, y = sum(post$gel), k = nrow(post),
               baseline = if (length(base)) base else NA,
               treatment = as.integer(s$sequence[1] == "MSC-placebo"))
  })
  d <- do.call(rbind, rows)
  d[d$k > 0 & !is.na(d$baseline), ]
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
write_json(list(meta = meta, results = results, timings = timings), out_file, auto_unbox = TRUE,
           digits = NA, pretty = TRUE)
cat("wrote", out_file, "\n")
