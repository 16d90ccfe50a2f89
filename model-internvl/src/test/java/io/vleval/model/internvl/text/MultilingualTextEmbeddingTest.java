package io.vleval.model.internvl.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.vleval.api.model.Model;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.plugin.PluginContext;
import io.vleval.model.internvl.InternVlCases;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.testkit.FixtureTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text embedding of non-Latin scripts end to end: the weights of every InternVL-C/-G case of the
 * fixture root whose vocabulary holds the ids of these texts, with a character-level tokenizer.json
 * of our own (test resources), loaded through the provider.
 */
class MultilingualTextEmbeddingTest {

  static final List<String> TEXTS =
      List.of("一只猫的照片", "a photo of a cat", "фото кошки", "صورة قطة", "小狗在草地上");

  @TempDir Path temp;

  /** The InternVL-C/-G cases whose QLLaMA vocabulary holds every id of {@link #TEXTS}. */
  static List<InternVlCases.Case> cases() throws IOException {
    Path dir = Files.createTempDirectory("multilingual-tokenizer");
    long highest = 0;
    try {
      copyTokenizer(dir);
      try (TextTokenizer t = TextTokenizer.load(dir)) {
        for (long[] row : ClipText.encode(t, TEXTS, 1, 2)) {
          highest = Math.max(highest, Arrays.stream(row).max().orElse(0));
        }
      }
    } finally {
      Files.delete(dir.resolve("tokenizer.json"));
      Files.delete(dir);
    }
    long needed = highest + 1;
    return InternVlCases.of(
        InternVlCases.Kind.CONTRASTIVE,
        c -> c.config().path("qllama_config").path("vocab_size").asLong() >= needed,
        InternVlCases.Kind.CONTRASTIVE.id() + " with a vocabulary of at least " + needed + " ids");
  }

  private static void copyTokenizer(Path dir) throws IOException {
    try (InputStream in =
        MultilingualTextEmbeddingTest.class.getResourceAsStream(
            "/tokenizers/multilingual/tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
    }
  }

  /** A checkpoint folder with the case's config and weights and the test tokenizer. */
  Path checkpoint(InternVlCases.Case c) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(c.name() + "-multilingual"));
    Files.copy(c.dir().resolve("config.json"), dir.resolve("config.json"));
    Files.copy(c.dir().resolve("model.safetensors"), dir.resolve("model.safetensors"));
    copyTokenizer(dir);
    return dir;
  }

  @Test
  void tokenizerCoversEveryScriptAndRoundTrips() throws IOException {
    copyTokenizer(temp);
    try (TextTokenizer t = TextTokenizer.load(temp)) {
      for (String text : TEXTS) {
        long[] ids = t.encode(ClipText.PREFIX + text, false);
        assertThat(ids).as(text).doesNotContain(0L).hasSizeGreaterThan(text.length());
        assertThat(t.decode(ids, true)).isEqualTo(ClipText.PREFIX + text);
      }
      long[][] rows = ClipText.encode(t, List.of("一只猫", "a photo of a cat"), 1, 2);
      assertThat(rows[0]).startsWith(1).endsWith(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      assertThat(rows[0][15]).isEqualTo(2); // BOS, ▁, 10 prefix characters, 3 characters, then EOS
      assertThat(rows[1]).startsWith(1).endsWith(2);
    }
  }

  @FixtureTest
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void embedsNonLatinTextThroughTheProvider(InternVlCases.Case c) throws IOException {
    Path dir = checkpoint(c);
    int embedDim = c.config().path("clip_embed_dim").asInt();
    InternVlSpec spec = new InternVlSpec(dir, null, "cpu", null, 8, null, null, null);
    float[][] batched;
    float[][] single = new float[TEXTS.size()][];
    try (Model model = new InternVlProvider().load(spec, new PluginContext(0, temp, 1))) {
      TextEmbedder text = model.require(TextEmbedder.class);
      batched = text.embedTexts(TEXTS);
      for (int i = 0; i < TEXTS.size(); i++) {
        single[i] = text.embedTexts(List.of(TEXTS.get(i)))[0];
      }
    }
    // right padding must not change a text's embedding
    for (int i = 0; i < TEXTS.size(); i++) {
      assertThat(batched[i])
          .hasSize(embedDim)
          .usingComparatorWithPrecision(1e-5f)
          .containsExactly(single[i]);
    }
    assertThat(batched[0]).isNotEqualTo(batched[4]);
    // and it is what the model computes from the ids directly
    try (InternVlCg cg = InternVlCg.load(dir, Device.cpu());
        TextTokenizer t = TextTokenizer.load(dir);
        NDManager batch = cg.manager().newSubManager()) {
      long[][] ids = ClipText.encode(t, List.of(TEXTS.get(0)), 1, 2);
      float[] direct = cg.textEmbeds(cg.textHidden(ids, batch), ids).toFloatArray();
      assertThat(batched[0]).usingComparatorWithPrecision(1e-5f).containsExactly(direct);
    }
  }

  @Test
  void aSentencePieceOnlyCheckpointIsRefusedInOneLine() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("sp-only"));
    Files.writeString(dir.resolve("tokenizer.model"), "not read");
    assertThatThrownBy(() -> TextTokenizer.load(dir))
        .isInstanceOf(TokenizerException.class)
        .hasMessageContaining("only a SentencePiece tokenizer.model")
        .hasMessageContaining("tokenizer.json")
        .hasMessageNotContaining("\n");
  }
}
