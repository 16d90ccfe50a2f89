package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.plugin.PluginContext;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run over many checkpoints loads and closes one model after another: each closed model leaves
 * nothing behind, no live array and no mapping of its weights (which would hold its pages until a
 * collection), and nothing that keeps direct memory reachable, so memory stays flat however many
 * models a run holds.
 */
class ModelReloadTest {

  private static final Path MODELS = Path.of(System.getProperty("vleval.repoRoot"), "models");

  @TempDir Path temp;

  @Test
  void loadingAndClosingTheShippedCheckpointsAgainAndAgainLeavesNothingBehind() throws Exception {
    List<String> specs =
        List.of(
            "checkpoint: " + MODELS.resolve("tiny-internvl-c") + "\nhead: c\n",
            "checkpoint: " + MODELS.resolve("tiny-internvl-c") + "\nhead: g\n",
            "checkpoint: " + MODELS.resolve("tiny-internvl-chat") + "\n");
    try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
      NDManager engine = probe.getParentManager(); // sees every live array of the engine
      // once first, so that what the engine keeps for itself is there before counting
      for (String spec : specs) {
        useAndClose(spec);
      }
      int arrays = engine.getManagedArrays().size();
      long direct = collectedDirectBytes();
      for (int round = 0; round < 4; round++) {
        for (String spec : specs) {
          useAndClose(spec);
          assertThat(engine.getManagedArrays())
              .as("live arrays after closing %s in round %d", spec.strip(), round)
              .hasSize(arrays);
          assertThat(mappedCheckpoints()).as("checkpoint files still mapped").isZero();
        }
      }
      // inference copies its inputs through direct buffers that a collection frees; after one,
      // nothing of the twelve closed models may still hold direct memory
      assertThat(collectedDirectBytes() - direct)
          .as("direct buffer memory still reachable")
          .isLessThan(1L << 20);
    }
  }

  private void useAndClose(String yaml) {
    InternVlSpec spec = new SpecYaml(temp).bind(InternVlSpec.class, yaml);
    try (Model m = new InternVlProvider().load(spec, new PluginContext(1, temp, 1))) {
      m.capability(ImageEmbedder.class)
          .ifPresent(
              e ->
                  e.embedImages(
                      List.of(FakeImages.solid(1, 40)), ImageView.SHORTER_SIDE_CENTER_CROP));
      m.capability(TextEmbedder.class).ifPresent(e -> e.embedTexts(List.of("a red circle")));
      m.capability(CaptionGenerator.class)
          .ifPresent(
              c ->
                  c.caption(
                      List.of(FakeImages.solid(2, 60)),
                      "English caption:",
                      GenerationSettings.greedy(3)));
    }
  }

  /** Direct buffer memory in use after a collection has let the cleaners free what is garbage. */
  private static long collectedDirectBytes() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    return directBytes();
  }

  private static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }

  private static long mappedCheckpoints() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return 0;
    }
    return Files.readAllLines(maps).stream().filter(l -> l.endsWith(".safetensors")).count();
  }
}
