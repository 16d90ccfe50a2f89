package io.vleval.reports.allure;

import io.vleval.api.error.VlevalException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders Allure results into Allure's HTML report with Allure's own command-line generator ({@code
 * io.qameta.allure:allure-commandline}), which the build unpacks from Maven Central's zip; nothing
 * is downloaded at run time. The generator runs in a child JVM (this one's {@code java}), its
 * output captured and shown only when it fails.
 */
public final class AllureReport {

  /**
   * Where the allure reporter and {@code vleval report allure} put the results in a run directory.
   */
  public static final String RESULTS_FOLDER = "allure-results";

  /** Where {@code vleval report allure} puts the HTML report by default. */
  public static final String REPORT_FOLDER = "allure-report";

  private static final long TIMEOUT_MINUTES = 10;

  private final Path home;

  /**
   * @param home the unpacked generator: the folder holding {@code lib/} and {@code plugins/}
   */
  public AllureReport(Path home) {
    this.home = home;
  }

  /**
   * The first of {@code candidates} that holds an unpacked generator: the folder itself, or one
   * {@code allure-*} folder inside it (the zip's top level).
   */
  public static Optional<Path> locate(List<Path> candidates) {
    for (Path c : candidates) {
      if (c == null || !Files.isDirectory(c)) {
        continue;
      }
      if (isHome(c)) {
        return Optional.of(c);
      }
      try (Stream<Path> inside = Files.list(c)) {
        Optional<Path> found =
            inside
                .filter(p -> p.getFileName().toString().startsWith("allure-") && isHome(p))
                .sorted()
                .reduce((a, b) -> b);
        if (found.isPresent()) {
          return found;
        }
      } catch (IOException e) {
        // an unreadable candidate is skipped like a missing one
      }
    }
    return Optional.empty();
  }

  private static boolean isHome(Path dir) {
    return Files.isDirectory(dir.resolve("lib")) && Files.isDirectory(dir.resolve("plugins"));
  }

  /**
   * Generates the report from {@code results} into {@code output} (replaced if present).
   *
   * @param singleFile one self-contained {@code index.html} instead of a folder of files
   * @return the report's {@code index.html}
   */
  public Path generate(Path results, Path output, boolean singleFile) {
    if (!Files.isDirectory(results)) {
      throw new VlevalException(results + ": no Allure results folder");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xss8m",
                "-cp",
                home.resolve("lib")
                    + File.separator
                    + "*"
                    + File.pathSeparator
                    + home.resolve("lib").resolve("config"),
                "io.qameta.allure.CommandLine",
                "generate",
                "--clean",
                "-o",
                output.toAbsolutePath().toString()));
    if (singleFile) {
      command.add("--single-file");
    }
    command.add(results.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // the generator finds its plugins and config through APP_HOME, as its own bin/allure script
    // sets it
    pb.environment().put("APP_HOME", home.toAbsolutePath().toString());
    Path log;
    try {
      log = Files.createTempFile("allure-generate", ".log");
    } catch (IOException e) {
      throw new VlevalException(
          "cannot create a temporary file for Allure's output: " + e.getMessage(), e);
    }
    pb.redirectOutput(log.toFile());
    try {
      Process p = pb.start();
      if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new VlevalException(
            "Allure's report generator did not finish within " + TIMEOUT_MINUTES + " minutes");
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Path index = output.resolve("index.html");
      if (p.exitValue() != 0 || !Files.isRegularFile(index)) {
        throw new VlevalException(
            "Allure's report generator ("
                + home
                + ") failed with exit code "
                + p.exitValue()
                + ": "
                + out.strip());
      }
      return index;
    } catch (IOException e) {
      throw new VlevalException(
          "cannot run Allure's report generator from " + home + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VlevalException("interrupted while Allure's report generator ran", e);
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // a leftover temporary log is harmless
      }
    }
  }
}
