package io.vleval.tasks.linearprobe;

import io.vleval.api.sample.LabelledImage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The share of the training set a few-shot probe trains on ({@code 1/16} ... {@code 1/1}), sampled
 * per class: each class keeps {@code ceil(n_c x fraction)} of its {@code n_c} images (at least one,
 * so every class stays), chosen by a seeded shuffle, so the same seed gives the same subset.
 *
 * @param numerator the fraction's numerator
 * @param denominator the fraction's denominator
 */
public record Fraction(long numerator, long denominator) {
  private static final Pattern TEXT = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*");

  /** The whole training set. */
  public static final Fraction ALL = new Fraction(1, 1);

  public Fraction {
    if (numerator < 1 || denominator < 1 || numerator > denominator) {
      throw new IllegalArgumentException(
          "fraction must lie in (0, 1], got " + numerator + "/" + denominator);
    }
  }

  /** {@code "1/16"}, or a decimal such as {@code "0.25"} (read as the nearest 1/10^k). */
  public static Fraction parse(String text) {
    Matcher m = TEXT.matcher(text);
    if (m.matches()) {
      return new Fraction(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }
    try {
      BigDecimal d = new BigDecimal(text.strip());
      BigDecimal den = BigDecimal.TEN.pow(Math.max(0, d.scale()));
      return new Fraction(d.multiply(den).longValueExact(), den.longValueExact()).reduced();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "fraction must be like 1/16 or 0.25, in (0, 1]; got '" + text + "'");
    }
  }

  private Fraction reduced() {
    long g = BigInteger.valueOf(numerator).gcd(BigInteger.valueOf(denominator)).longValue();
    return new Fraction(numerator / g, denominator / g);
  }

  public boolean isAll() {
    return numerator == denominator;
  }

  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }

  /** How many of a class's {@code n} images are kept: {@code ceil(n x fraction)}. */
  public long keep(long n) {
    return (n * numerator + denominator - 1) / denominator;
  }

  /**
   * The subset of {@code samples}, in their order: per class, {@link #keep} of them, chosen by a
   * shuffle seeded from {@code seed} and the class.
   */
  public List<LabelledImage> sample(List<LabelledImage> samples, long seed) {
    if (isAll()) {
      return samples;
    }
    Map<Integer, List<Integer>> byClass = new LinkedHashMap<>();
    for (int i = 0; i < samples.size(); i++) {
      byClass.computeIfAbsent(samples.get(i).label(), k -> new ArrayList<>()).add(i);
    }
    boolean[] kept = new boolean[samples.size()];
    for (Map.Entry<Integer, List<Integer>> e : byClass.entrySet()) {
      List<Integer> members = e.getValue();
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e.getKey());
      int[] order = members.stream().mapToInt(Integer::intValue).toArray();
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      long keep = keep(order.length);
      for (int i = 0; i < keep; i++) {
        kept[order[i]] = true;
      }
    }
    List<LabelledImage> out = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      if (kept[i]) {
        out.add(samples.get(i));
      }
    }
    return out;
  }
}
