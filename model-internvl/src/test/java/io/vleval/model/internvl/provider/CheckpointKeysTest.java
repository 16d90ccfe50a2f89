package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vleval.api.plugin.PluginContext;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.model.internvl.InternVlCases.Case;
import io.vleval.model.internvl.InternVlCases.Kind;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import io.vleval.model.internvl.safetensors.TensorInfo;
import io.vleval.model.internvl.vision.CheckpointMismatchException;
import io.vleval.testkit.FixtureTest;
import io.vleval.testkit.SpecYaml;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checkpoint whose key names do not fit its config.json is refused before anything loads, with
 * one message that names the file, what the config's architecture expects, and both the missing and
 * the unexpected keys (counts, then the first few of each, sorted). Runs on every golden case of
 * each kind, whatever its folder is called.
 */
@FixtureTest
class CheckpointKeysTest {

  @TempDir Path temp;

  static List<Case> chatCases() {
    return InternVlCases.of(Kind.CHAT);
  }

  static List<Case> contrastiveCases() {
    return InternVlCases.of(Kind.CONTRASTIVE);
  }

  static List<Case> visionCases() {
    return InternVlCases.of(Kind.VISION);
  }

  /** A copy of a golden checkpoint with every key renamed by {@code rename}. */
  private Path renamed(Case fixture, UnaryOperator<String> rename) throws Exception {
    Path from = fixture.dir();
    Path to = Files.createDirectories(temp.resolve(fixture.name()));
    Files.copy(from.resolve("config.json"), to.resolve("config.json"));
    SafetensorsWriter out = new SafetensorsWriter();
    try (SafetensorsFile in = SafetensorsFile.open(from.resolve("model.safetensors"))) {
      for (String key : in.keys()) {
        TensorInfo info = in.info(key);
        ByteBuffer raw = in.raw(key);
        byte[] bytes = new byte[raw.remaining()];
        raw.get(bytes);
        out.add(rename.apply(key), info.dtype(), info.shape(), bytes);
      }
    }
    out.write(to.resolve("model.safetensors"));
    return to;
  }

  private static List<String> keys(Path dir) {
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      return f.keys().stream().sorted().toList();
    }
  }

  private CheckpointMismatchException load(Path dir) {
    InternVlSpec spec =
        new SpecYaml(temp).bind(InternVlSpec.class, "checkpoint: " + dir + "\ndevice: cpu\n");
    return catchThrowableOfType(
        CheckpointMismatchException.class,
        () -> new InternVlProvider().load(spec, new PluginContext(0, temp, 1)).close());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chatCases")
  void aChatCheckpointUnderAnExtraPrefixListsMissingAndUnexpectedKeys(Case fixture)
      throws Exception {
    Path dir = renamed(fixture, k -> "model." + k);
    List<String> expected =
        keys(fixture.dir()).stream().filter(k -> !k.endsWith("rotary_emb.inv_freq")).toList();
    int n = expected.size();

    CheckpointMismatchException e = load(dir);

    assertThat(e).as("a mismatch is reported").isNotNull();
    assertThat(e.missing()).containsExactlyElementsOf(expected);
    assertThat(e.unexpected()).containsExactlyElementsOf(keys(dir)).isSorted();
    assertThat(e.getMessage())
        .doesNotContain("\n")
        .startsWith(
            dir.resolve("model.safetensors")
                + ": checkpoint does not fit the InternVL-Chat architecture of its config.json,"
                + " which expects "
                + n
                + " tensors: ")
        .contains(" under vision_model. (InternViT, ", " under mlp1., ", " under language_model. (")
        .contains("; " + n + " missing, " + keys(dir).size() + " unexpected; ")
        .contains("; missing: " + String.join(", ", expected.subList(0, 8)) + " and ")
        .contains("; unexpected: " + String.join(", ", keys(dir).subList(0, 8)) + " and ");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contrastiveCases")
  void aContrastiveCheckpointWithARenamedComponentListsBothSides(Case fixture) throws Exception {
    Path dir = renamed(fixture, k -> k.replaceFirst("^qllama\\.", "qformer."));
    List<String> qformer = keys(dir).stream().filter(k -> k.startsWith("qformer.")).toList();
    assertThat(qformer).isNotEmpty();

    CheckpointMismatchException e = load(dir);

    assertThat(e).as("a mismatch is reported").isNotNull();
    assertThat(e.unexpected()).containsExactlyElementsOf(qformer);
    assertThat(e.missing())
        .isNotEmpty()
        .allSatisfy(k -> assertThat(k).startsWith("qllama."))
        .isSorted();
    assertThat(e.getMessage())
        .contains("checkpoint does not fit the InternVL-C/-G architecture of its config.json")
        .contains(" under qllama. (")
        .contains(e.missing().size() + " missing, " + qformer.size() + " unexpected")
        .contains("; missing: " + e.missing().get(0))
        .contains("; unexpected: " + qformer.get(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("visionCases")
  void aVisionCheckpointWithoutItsClassTokenKeyListsBothSides(Case fixture) throws Exception {
    Path dir = renamed(fixture, k -> k.replaceFirst("^embeddings\\.", "embed."));
    List<String> embed = keys(dir).stream().filter(k -> k.startsWith("embed.")).toList();

    CheckpointMismatchException e = load(dir);

    assertThat(e).as("a mismatch is reported").isNotNull();
    assertThat(e.unexpected()).containsExactlyElementsOf(embed);
    assertThat(e.missing())
        .containsExactlyElementsOf(
            embed.stream().map(k -> "embeddings." + k.substring(6)).toList());
    assertThat(e.getMessage())
        .contains("checkpoint does not fit the InternViT config (")
        .contains(embed.size() + " missing, " + embed.size() + " unexpected")
        .contains("; missing: embeddings.class_embedding, ");
  }
}
