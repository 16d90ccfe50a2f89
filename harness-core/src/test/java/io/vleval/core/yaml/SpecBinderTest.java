package io.vleval.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import io.vleval.api.spec.Required;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecBinderTest {

  enum Mode {
    SHORTER_SIDE,
    SQUASH
  }

  record Inner(int size, Double scale) {}

  record Spec(
      @Required String name,
      Integer count,
      Path root,
      Mode mode,
      List<String> tags,
      Map<String, Double> weights,
      Inner inner,
      Boolean flag,
      Long big) {}

  private final Path base = Path.of("/base/dir");
  private final SpecBinder binder = new SpecBinder(base, Map.of("DATA", "/data", "EMPTY", "")::get);

  private Spec bind(String yaml) {
    Problems problems = new Problems();
    Spec spec =
        binder.bind(
            Spec.class,
            (YamlNode.Mapping) new YamlReader().parse(yaml, "s.yaml"),
            Set.of(),
            "the spec",
            problems);
    problems.throwIfAny();
    return spec;
  }

  @Test
  void bindsEverySupportedType() {
    Spec s =
        bind(
            """
        name: x
        count: 3
        root: ${DATA}/imagenet
        mode: squash
        tags: [a, b]
        weights: {a: 1, b: 0.5}
        inner: {size: 4}
        flag: true
        big: 10000000000
        """);
    assertThat(s)
        .isEqualTo(
            new Spec(
                "x",
                3,
                Path.of("/data/imagenet"),
                Mode.SQUASH,
                List.of("a", "b"),
                Map.of("a", 1.0, "b", 0.5),
                new Inner(4, null),
                true,
                10_000_000_000L));
  }

  @Test
  void relativePathsResolveAgainstTheConfigFolderAndDefaultsApply() {
    Spec s = bind("name: x\nroot: data/${NOPE:-fallback}\nmode: shorter-side\n");
    assertThat(s.root()).isEqualTo(Path.of("/base/dir/data/fallback"));
    assertThat(s.mode()).isEqualTo(Mode.SHORTER_SIDE);
    assertThat(s.count()).isNull();
  }

  @Test
  void anEmptyPathIsAnErrorAndANullOneIsAbsent() {
    // "" would resolve to the config's own folder, and pass any existence check
    assertThatThrownBy(() -> bind("name: x\nroot: \"\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "s.yaml:2:7: 'root' in the spec is an empty path; name a file or folder, or leave the"
                + " key out");
    assertThatThrownBy(() -> bind("name: x\nroot: '  '\n")).hasMessageContaining("empty path");
    assertThatThrownBy(() -> bind("name: x\nroot: ${EMPTY:-}\n"))
        .hasMessageContaining(
            "'root' in the spec is an empty path ('${EMPTY:-}' expands to nothing)");
    assertThat(bind("name: x\nroot: ~\n").root()).isNull();
    assertThat(bind("name: x\nroot: null\n").root()).isNull();
    // a key with no value at all reads as an empty text here, so it is an empty path too
    assertThatThrownBy(() -> bind("name: x\nroot:\n")).hasMessageContaining("empty path");
  }

  @Test
  void everyProblemIsCollected() {
    assertThatThrownBy(() -> bind("count: x\nmode: crop\ninner: 5\ncolour: red\ntags: a\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(6))
        .hasMessageContaining(
            "s.yaml:1:8: 'count' in the spec must be an integer, found the text \"x\"")
        .hasMessageContaining(
            "s.yaml:2:7: 'mode' in the spec is 'crop'; allowed values: shorter-side, squash")
        .hasMessageContaining("'inner' in the spec must be a mapping with keys [size, scale]")
        .hasMessageContaining("s.yaml:4:1: unknown key 'colour' in the spec")
        .hasMessageContaining("'tags' in the spec must be a list")
        .hasMessageContaining("missing required key 'name' in the spec");
  }

  @Test
  void nestedRecordsReportTheirOwnKeys() {
    assertThatThrownBy(() -> bind("name: x\ninner: {size: 1, sise: 2}\n"))
        .hasMessageContaining(
            "s.yaml:2:18: unknown key 'sise' in 'inner' of the spec; did you mean 'size'?");
  }

  record Endpoint(URI url) {}

  private Endpoint bindUrl(String yaml) {
    Problems problems = new Problems();
    Endpoint e =
        binder.bind(
            Endpoint.class,
            (YamlNode.Mapping) new YamlReader().parse(yaml, "u.yaml"),
            Set.of(),
            "the endpoint",
            problems);
    problems.throwIfAny();
    return e;
  }

  @Test
  void urlsExpandVariablesMustBeAbsoluteAndRoundTrip() {
    assertThat(bindUrl("url: http://${HOST:-localhost}:8000/v1\n").url())
        .isEqualTo(URI.create("http://localhost:8000/v1"));
    assertThatThrownBy(() -> bindUrl("url: localhost/v1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("u.yaml:1:6: 'url' in the endpoint must be an absolute URL");
    assertThatThrownBy(() -> bindUrl("url: http://a b/\n"))
        .hasMessageContaining("'url' in the endpoint is not a valid URL");
    assertThatThrownBy(() -> bindUrl("url: http://${NOPE}/v1\n"))
        .hasMessageContaining("uses ${NOPE}, but that environment variable is not set");
    Endpoint e = bindUrl("url: https://h.example/v1\n");
    assertThat(bindUrl(SpecWriter.yaml(new SpecWriter(base).toMap(e)))).isEqualTo(e);
  }

  @Test
  void writerRoundTrips() {
    Spec s =
        bind(
            "name: x\ncount: 3\nroot: sub/dir\nmode: squash\ntags: [\"1\", b]\ninner: {size: 4, scale: 0.5}\n");
    String yaml = SpecWriter.yaml(new SpecWriter(base).toMap(s));
    assertThat(yaml).contains("root: sub/dir").contains("mode: squash");
    assertThat(bind(yaml)).isEqualTo(s);
  }

  @Test
  void nearestNamesAreSuggested() {
    assertThat(SpecKeys.nearest("modles", List.of("run", "models", "tasks")))
        .containsExactly("models");
    assertThat(SpecKeys.nearest("zzzzzz", List.of("run", "models"))).isEmpty();
    assertThat(SpecKeys.keyOf("trainDataset")).isEqualTo("train_dataset");
  }
}
