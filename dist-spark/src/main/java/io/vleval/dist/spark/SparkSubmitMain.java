package io.vleval.dist.spark;

import io.vleval.cli.Main;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The main class of {@code vleval-spark.jar}: {@code spark-submit [spark options] vleval-spark.jar
 * CONFIG [vleval run options]} runs {@code vleval run CONFIG --engine spark} in the driver that
 * spark-submit started, on the master and settings it was given ({@code spark.*} system properties,
 * which the engine's {@code SparkConf} reads).
 */
public final class SparkSubmitMain {

  private SparkSubmitMain() {}

  public static void main(String[] args) {
    Main.main(runArguments(args));
  }

  /**
   * {@code vleval}'s arguments for spark-submit's application arguments: {@code run} first (a
   * leading {@code run} is accepted too) and {@code --engine spark} unless they name an engine, so
   * that {@code vleval run} reports a wrong engine or option as it always does.
   */
  static String[] runArguments(String[] args) {
    List<String> out = new ArrayList<>();
    out.add("run");
    List<String> given = Arrays.asList(args);
    if (!given.isEmpty() && given.get(0).equals("run")) {
      given = given.subList(1, given.size());
    }
    out.addAll(given);
    boolean engine =
        given.stream().anyMatch(a -> a.equals("--engine") || a.startsWith("--engine="));
    if (!engine) {
      out.add("--engine");
      out.add("spark");
    }
    return out.toArray(new String[0]);
  }
}
