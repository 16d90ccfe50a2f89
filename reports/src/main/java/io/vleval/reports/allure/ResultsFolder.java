package io.vleval.reports.allure;

import io.vleval.api.error.VlevalException;
import io.vleval.reports.run.OutputFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * An Allure results folder that vleval shares with whoever else writes there (Allure folders
 * commonly gather several producers' results, several runs' among them, and CI copies a {@code
 * history/} folder in). vleval records the files it wrote in {@value #MANIFEST}, each with the run
 * it came from; writing a run again replaces that run's files and removes the ones its new results
 * no longer have, writes beside every other file, and refuses to overwrite a file vleval did not
 * write (unless the new file has exactly the same bytes, which loses nothing). It never deletes a
 * file it has no record of writing, nor another run's.
 *
 * <p>New results are first written completely into a staging folder inside the results folder, so a
 * failure while rendering them leaves the folder as it was; then each file is moved into place with
 * an atomic rename.
 */
final class ResultsFolder {

  /** The files vleval wrote into the folder, one per line: the name, a tab, the run's id. */
  static final String MANIFEST = ".vleval-files";

  private static final String STAGING_PREFIX = ".vleval-staging-";

  private final Path directory;

  ResultsFolder(Path directory) {
    this.directory = directory;
  }

  /** A fresh, empty staging folder inside the results folder (created if needed). */
  Path stage() {
    try {
      Files.createDirectories(directory);
      return Files.createTempDirectory(directory, STAGING_PREFIX);
    } catch (IOException e) {
      throw new VlevalException(
          directory + ": cannot create the Allure results folder: " + e.getMessage(), e);
    }
  }

  /**
   * Moves every file of {@code staging} into the folder, replacing the files vleval wrote before,
   * and removes those of {@code run}'s earlier files that the new results do not have.
   *
   * @param runId the id of the run the results come from
   * @throws VlevalException naming the files it would overwrite that vleval did not write; then
   *     nothing in the folder has changed
   */
  void publish(Path staging, String runId) {
    String run = String.valueOf(runId);
    Set<String> fresh = names(staging);
    Map<String, String> previous = manifest();
    List<String> foreign = new ArrayList<>();
    for (String name : fresh) {
      Path target = directory.resolve(name);
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && !previous.containsKey(name)
          && !sameBytes(target, staging.resolve(name))) {
        foreign.add(name);
      }
    }
    if (!foreign.isEmpty()) {
      throw new VlevalException(
          directory
              + ": holds "
              + foreign.size()
              + (foreign.size() == 1 ? " file" : " files")
              + " that vleval did not write and would overwrite ("
              + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
              + (foreign.size() > 5 ? ", ..." : "")
              + "); vleval only replaces the files it lists in "
              + MANIFEST
              + ", so move them away or write the Allure results to another folder");
    }
    // the manifest names every file that may be ours before any moves, so that an interrupted write
    // is still recognised as ours next time
    Map<String, String> after = new TreeMap<>(previous);
    fresh.forEach(name -> after.put(name, run));
    writeManifest(after);
    for (String name : fresh) {
      move(staging.resolve(name), directory.resolve(name));
    }
    for (Map.Entry<String, String> entry : previous.entrySet()) {
      String name = entry.getKey();
      if (entry.getValue().equals(run) && !fresh.contains(name)) {
        after.remove(name);
        Path stale = directory.resolve(name);
        try {
          if (Files.isRegularFile(stale, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(stale);
          }
        } catch (IOException e) {
          throw new VlevalException(
              stale + ": cannot remove vleval's earlier Allure result: " + e.getMessage(), e);
        }
      }
    }
    // forget files someone else has removed since
    after
        .keySet()
        .removeIf(name -> !Files.exists(directory.resolve(name), LinkOption.NOFOLLOW_LINKS));
    writeManifest(after);
  }

  /** Deletes a staging folder and what is in it (only files vleval just wrote there). */
  static void discard(Path staging) {
    if (staging == null || !Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(staging)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new VlevalException(
          staging + ": cannot remove the staging folder: " + e.getMessage(), e);
    }
  }

  /** File name to the id of the run that wrote it. */
  private Map<String, String> manifest() {
    Path file = directory.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      Map<String, String> out = new TreeMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int tab = line.indexOf('\t');
        String name = tab < 0 ? line : line.substring(0, tab);
        // only plain names of this folder: a hand-edited manifest cannot point elsewhere
        if (!name.isEmpty() && isPlainName(name)) {
          out.put(name, tab < 0 ? "" : line.substring(tab + 1));
        }
      }
      return out;
    } catch (IOException e) {
      throw new VlevalException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static boolean isPlainName(String name) {
    return !name.contains("/")
        && !name.contains("\\")
        && !name.equals(".")
        && !name.equals("..")
        && !name.equals(MANIFEST);
  }

  private void writeManifest(Map<String, String> files) {
    StringBuilder out = new StringBuilder();
    files.forEach((name, run) -> out.append(name).append('\t').append(oneLine(run)).append('\n'));
    OutputFiles.write(directory.resolve(MANIFEST), out.toString());
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  private static Set<String> names(Path staging) {
    Set<String> out = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
      for (Path f : files) {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalStateException("Allure's writer left a non-file in staging: " + f);
        }
        out.add(f.getFileName().toString());
      }
    } catch (IOException e) {
      throw new VlevalException(staging + ": cannot list: " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean sameBytes(Path a, Path b) {
    try {
      return Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS) && Files.mismatch(a, b) == -1;
    } catch (IOException e) {
      return false; // unreadable: treated as different, so it is never overwritten
    }
  }

  private static void move(Path from, Path to) {
    try {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new VlevalException(to + ": cannot write the Allure result: " + e.getMessage(), e);
    }
  }
}
