package io.vleval.reports.allure;

import io.vleval.api.error.VlevalException;
import io.vleval.reports.run.OutputFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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

  /** The file that marks a report folder as vleval's, so that a rewrite may replace it. */
  public static final String MARKER = ".vleval-allure-report";

  private static final long TIMEOUT_MINUTES = 10;

  /**
   * The names at the top of an Allure report folder (the multi-file and single-file layouts), so
   * that a report made before vleval marked its own is recognised and replaced.
   */
  private static final Set<String> REPORT_ENTRIES =
      Set.of(
          "index.html",
          "app.js",
          "styles.css",
          "favicon.ico",
          "data",
          "export",
          "history",
          "plugin",
          "plugins",
          "widgets",
          MARKER);

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
   * Generates the report from {@code results} into {@code output}. The report is rendered into a
   * staging folder beside {@code output} and then moved into place, replacing {@code output} only
   * when it is absent, empty, or an Allure report (one vleval wrote, marked by {@value #MARKER}, or
   * a folder holding nothing but Allure's report files); any other folder is refused, so that a
   * mistyped {@code -o} never deletes anything.
   *
   * @param singleFile one self-contained {@code index.html} instead of a folder of files
   * @return the report's {@code index.html}
   */
  public Path generate(Path results, Path output, boolean singleFile) {
    if (!Files.isDirectory(results)) {
      throw new VlevalException(results + ": no Allure results folder");
    }
    Path target = output.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) {
      throw new VlevalException(output + ": cannot hold a report; name a folder below it");
    }
    checkReplaceable(target);
    Path staging;
    try {
      Files.createDirectories(parent);
      staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".vleval-");
    } catch (IOException e) {
      throw new VlevalException(
          parent + ": cannot create a folder for the report: " + e.getMessage(), e);
    }
    try {
      Path rendered = staging.resolve("report");
      render(results, rendered, singleFile);
      OutputFiles.write(
          rendered.resolve(MARKER), "an Allure report written by vleval; replaced on rewrite\n");
      replace(target, rendered);
      return target.resolve("index.html");
    } finally {
      ResultsFolder.discard(staging);
    }
  }

  /** Refuses an output folder that holds anything but an Allure report. */
  private static void checkReplaceable(Path target) {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new VlevalException(
          target + ": exists and is not a folder; name a new or empty folder for the report");
    }
    Set<String> names = new TreeSet<>();
    try (Stream<Path> inside = Files.list(target)) {
      inside.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new VlevalException(target + ": cannot list: " + e.getMessage(), e);
    }
    if (names.isEmpty() || names.contains(MARKER)) {
      return;
    }
    List<String> other = names.stream().filter(n -> !REPORT_ENTRIES.contains(n)).toList();
    if (other.isEmpty() && names.contains("index.html")) {
      return;
    }
    List<String> shown = other.isEmpty() ? List.copyOf(names) : other;
    throw new VlevalException(
        target
            + ": exists and is not an Allure report (it holds "
            + String.join(", ", shown.subList(0, Math.min(5, shown.size())))
            + (shown.size() > 5 ? ", ..." : "")
            + "); vleval replaces only a folder holding an Allure report, so name a new or empty"
            + " folder with -o, or move this one away");
  }

  /** Replaces {@code target} (checked by {@link #checkReplaceable}) with {@code rendered}. */
  private static void replace(Path target, Path rendered) {
    try {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        checkReplaceable(target);
        Path old =
            Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
        Files.move(target, old.resolve("report"), StandardCopyOption.ATOMIC_MOVE);
        Files.move(rendered, target, StandardCopyOption.ATOMIC_MOVE);
        ResultsFolder.discard(old);
      } else {
        Files.move(rendered, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new VlevalException(target + ": cannot put the report in place: " + e.getMessage(), e);
    }
  }

  /**
   * Runs Allure's generator, writing a report into {@code output}, a folder that does not exist.
   */
  private void render(Path results, Path output, boolean singleFile) {
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
