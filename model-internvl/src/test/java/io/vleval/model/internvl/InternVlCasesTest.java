package io.vleval.model.internvl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.model.internvl.safetensors.SafetensorsDtype;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import io.vleval.testkit.FixtureTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Sorting InternVL case folders into kinds by content, and the root's cases all sorted. */
class InternVlCasesTest {

  @TempDir Path temp;

  /** Every folder of the fixture root is a case of a known kind, and every kind has cases. */
  @FixtureTest
  @TestFactory
  Stream<DynamicTest> everyFolderOfTheRootIsACaseAndEveryKindHasCases() {
    List<InternVlCases.Case> all = InternVlCases.all();
    return Stream.of(InternVlCases.Kind.values())
        .map(
            kind ->
                DynamicTest.dynamicTest(
                    kind.id(),
                    () ->
                        assertThat(InternVlCases.of(kind))
                            .isNotEmpty()
                            .allSatisfy(c -> assertThat(all).contains(c))));
  }

  @Test
  void aCaseIsSortedByItsConfigAndTensorsNotItsName() throws IOException {
    Path dir = folder("whatever-name", "intern_vit_6b", "InternVisionModel");
    tensors(dir, "inputs.safetensors", "pixel_values");
    tensors(dir, "expected.safetensors", "last_hidden_state", "pooler_output");
    InternVlCases.Case c = InternVlCases.classify(dir);
    assertThat(c.kind()).isEqualTo(InternVlCases.Kind.VISION);
    assertThat(c.name()).isEqualTo("whatever-name");
    assertThat(c.weightTypes()).containsExactly("F16");
    assertThat(c.hasCaptioning()).isFalse();
  }

  @Test
  void aFolderOfNoKnownKindIsRefusedSayingWhy() throws IOException {
    Path llava = folder("llava", "llava_llama", "LlavaLlamaForCausalLM");
    assertThatThrownBy(() -> InternVlCases.classify(llava))
        .hasMessageContaining("model_type 'llava_llama'")
        .hasMessageContaining("internvl_chat");
    Path mislabelled = folder("mislabelled", "internvl", "InternVisionModel");
    assertThatThrownBy(() -> InternVlCases.classify(mislabelled))
        .hasMessageContaining("expected InternVLModel");
    Path incomplete = folder("incomplete", "internvl_chat", "InternVLChatModel");
    tensors(incomplete, "inputs.safetensors", "pixel_values", "input_ids", "img_context_token_id");
    tensors(incomplete, "expected.safetensors", "logits");
    assertThatThrownBy(() -> InternVlCases.classify(incomplete))
        .hasMessageContaining("kind internvl/chat needs")
        .hasMessageContaining("vit_embeds");
    Path empty = Files.createDirectories(temp.resolve("empty"));
    assertThatThrownBy(() -> InternVlCases.classify(empty)).hasMessage("no config.json");
  }

  private Path folder(String name, String modelType, String architecture) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(name));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"" + modelType + "\", \"architectures\": [\"" + architecture + "\"]}");
    new SafetensorsWriter()
        .add("w", SafetensorsDtype.F16, new long[] {2}, new byte[4])
        .write(dir.resolve("model.safetensors"));
    return dir;
  }

  private static void tensors(Path dir, String file, String... names) {
    SafetensorsWriter w = new SafetensorsWriter();
    for (String name : names) {
      w.addF32(name, new long[] {1}, new float[] {0});
    }
    w.write(dir.resolve(file));
  }
}
