package io.vleval.tasks.metrics.bootstrap;

/**
 * The standard normal distribution's CDF and quantile in double precision, for the BCa interval
 * (scipy's {@code ndtr}/{@code ndtri}).
 *
 * <p>{@link #cdf} uses {@code erf}'s positive-term series {@code erf(x) = 2/sqrt(pi) exp(-x^2)
 * sum_n 2^n x^(2n+1) / (1 3 5 ... (2n+1))} for {@code |x| < 3} and the continued fraction of {@code
 * erfc} beyond (absolute error below 1e-15); {@link #quantile} refines Acklam's rational
 * approximation with Newton steps on {@link #cdf}.
 */
final class Normal {

  private static final double SQRT2 = Math.sqrt(2);
  private static final double SQRT_PI = Math.sqrt(Math.PI);

  private Normal() {}

  /** P(Z &lt;= x). */
  static double cdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    double t = x / SQRT2;
    if (Math.abs(t) < 3) {
      return 0.5 * (1 + erf(t));
    }
    double tail = 0.5 * erfcTail(Math.abs(t));
    return t > 0 ? 1 - tail : tail;
  }

  /** The x with {@code cdf(x) = p}; -infinity at 0, +infinity at 1, NaN outside [0, 1]. */
  static double quantile(double p) {
    if (!(p >= 0 && p <= 1)) {
      return Double.NaN;
    }
    if (p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return Double.POSITIVE_INFINITY;
    }
    double x = acklam(p);
    for (int i = 0; i < 3; i++) {
      double density = Math.exp(-0.5 * x * x) / (SQRT2 * SQRT_PI);
      if (density == 0) {
        break;
      }
      x -= (cdf(x) - p) / density;
    }
    return x;
  }

  /** erf for |t| &lt; 3 from its series of positive terms. */
  private static double erf(double t) {
    double t2 = t * t;
    double term = t;
    double sum = t;
    for (int n = 1; n < 200; n++) {
      term *= 2 * t2 / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return 2 / SQRT_PI * Math.exp(-t2) * sum;
  }

  /** erfc(t) for t &gt;= 3 from its continued fraction, evaluated backwards. */
  private static double erfcTail(double t) {
    double k = t;
    for (int n = 80; n >= 1; n--) {
      k = t + (n / 2.0) / k;
    }
    return Math.exp(-t * t) / (SQRT_PI * k);
  }

  /** Acklam's approximation of the normal quantile (relative error about 1e-9). */
  private static double acklam(double p) {
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
}
