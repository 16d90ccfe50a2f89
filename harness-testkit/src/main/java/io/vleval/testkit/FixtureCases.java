package io.vleval.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * Finds golden cases under a fixture root by what is there, never by name, so that a case added to
 * any root is tested without a code change.
 *
 * <p>A root has areas ({@code metrics/}, {@code preprocess/}, {@code internvl/}); each module's
 * tests sort the folders and files of an area into kinds by their content (an InternVL case by its
 * {@code config.json}, a metric file by its {@code family} key) and hand each kind's cases to
 * {@link #require}, which fails when a kind has none: a fidelity check must never pass vacuously. A
 * root that deliberately lacks a kind (a held-out set of one area, say) lists the kind in {@value
 * #ABSENT_KINDS}, one per line ({@code #} starts a comment); the tests of that kind are then
 * aborted (JUnit's skipped) with the reason, and the build log says the kind is absent.
 *
 * <ol>
 *   <li>{@code FixtureCases cases = FixtureCases.of();} (the root of {@link Fixtures#root()})
 *   <li>list an area: {@link #folders} (one case per folder) or {@link #files} (by extension, in
 *       every sub-folder)
 *   <li>keep what belongs to the kind, by content, and return {@code cases.require(kind, found)}
 *       from the test's {@code @MethodSource} or {@code @TestFactory}, naming each test after its
 *       case
 * </ol>
 */
public final class FixtureCases {

  // Only the command line prints (ArchitectureTest); the test log gets these lines through the
  // platform logger.
  private static final Logger LOG = System.getLogger(FixtureCases.class.getName());

  /** The file of a root that names the kinds it deliberately lacks. */
  public static final String ABSENT_KINDS = "absent-kinds.txt";

  private final Path root;

  private FixtureCases(Path root) {
    this.root = root;
  }

  /**
   * @return the cases of the fixture root the tests use ({@link Fixtures#root()})
   */
  public static FixtureCases of() {
    return new FixtureCases(Fixtures.root());
  }

  /**
   * @param root a fixture root
   * @return the cases under it
   */
  public static FixtureCases at(Path root) {
    return new FixtureCases(root);
  }

  /**
   * @return the root folder
   */
  public Path root() {
    return root;
  }

  /**
   * @param area an area of the root, such as {@code internvl}
   * @return its folder, which may not exist
   */
  public Path area(String area) {
    return root.resolve(area);
  }

  /**
   * @param area an area of the root
   * @return its sub-folders, sorted by name; none when the area does not exist
   */
  public List<Path> folders(String area) {
    Path dir = area(area);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param area an area of the root
   * @param extension a file name ending without the dot ({@code json})
   * @return every regular file of the area and its sub-folders with that ending, sorted by path
   *     relative to the area; none when the area does not exist
   */
  public List<Path> files(String area, String extension) {
    Path dir = area(area);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    String suffix = "." + extension;
    try (Stream<Path> entries = Files.walk(dir)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .sorted(Comparator.comparing(p -> slashes(dir.relativize(p))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param path a path under the root
   * @return it relative to the root, with {@code /} separators (for test names and messages)
   */
  public String relative(Path path) {
    return slashes(root.relativize(path));
  }

  /**
   * @return the kinds this root lists in {@value #ABSENT_KINDS}; none when it has no such file
   */
  public Set<String> absentKinds() {
    Path file = root.resolve(ABSENT_KINDS);
    if (!Files.isRegularFile(file)) {
      return Set.of();
    }
    try {
      Set<String> kinds = new TreeSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int hash = line.indexOf('#');
        String kind = (hash < 0 ? line : line.substring(0, hash)).strip();
        if (!kind.isEmpty()) {
          kinds.add(kind);
        }
      }
      return kinds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The cases of one kind, which must not be empty, and a line in the test output naming them (so a
   * build log shows which cases of which root ran).
   *
   * @param kind the kind's name, {@code area/kind} (as listed in {@value #ABSENT_KINDS}), or a
   *     narrower selection of a kind named {@code area/kind with ...}, which a listed {@code
   *     area/kind} covers
   * @param cases the cases found; their {@code toString()} is their name
   * @param <T> the case type
   * @return the cases, in their order
   * @throws AssertionError when there is none and the root does not declare the kind absent, or
   *     when the root declares it absent but has cases
   * @throws TestAbortedException when there is none and the root declares the kind absent
   */
  public <T> List<T> require(String kind, Collection<? extends T> cases) {
    // a listed kind also covers its narrower selections ("internvl/contrastive with ...")
    boolean absent =
        absentKinds().stream().anyMatch(k -> kind.equals(k) || kind.startsWith(k + " "));
    if (cases.isEmpty()) {
      if (absent) {
        String reason =
            "fixture root "
                + root
                + " deliberately lacks cases of kind '"
                + kind
                + "' (listed in "
                + ABSENT_KINDS
                + "); its tests do not run";
        // Surefire does not count an aborted test source, so the build log says it here.
        LOG.log(Level.INFO, "fixtures " + root + ": " + kind + ": absent by declaration, skipped");
        throw new TestAbortedException(reason);
      }
      throw new AssertionError(
          "fixture root "
              + root
              + " has no case of kind '"
              + kind
              + "'; a fidelity check must not pass without cases: add one, or list '"
              + kind.split(" with ", 2)[0]
              + "' in "
              + root.resolve(ABSENT_KINDS)
              + " if the root deliberately lacks it");
    }
    if (absent) {
      throw new AssertionError(
          "fixture root "
              + root
              + " lists kind '"
              + kind
              + "' in "
              + ABSENT_KINDS
              + " but has "
              + cases.size()
              + " case(s) of it: "
              + names(cases));
    }
    // The build log is where a reader checks which root and which cases a fixture test ran.
    LOG.log(
        Level.INFO,
        "fixtures " + root + ": " + kind + ": " + cases.size() + " case(s): " + names(cases));
    return new ArrayList<>(cases);
  }

  private static String names(Collection<?> cases) {
    return cases.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static String slashes(Path relative) {
    List<String> parts = new ArrayList<>();
    relative.forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }
}
