package io.vleval.model.internvl.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.testkit.SpecYaml;
import io.vleval.testkit.fake.FakeImages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPU replicas run at once on the same cores, so while a replicated model is open each gets its
 * share of PyTorch's intra-op threads, and the count is restored when it closes.
 */
class ReplicaThreadsTest {

  @TempDir Path temp;

  private Model load(String device) {
    InternVlSpec spec =
        new SpecYaml(temp)
            .bind(
                InternVlSpec.class,
                "preset: tiny-internvl\nbatch_size: 1\ndevice: \"" + device + "\"\n");
    return new InternVlProvider().load(spec, new PluginContext(1, temp, 1));
  }

  @Test
  void cpuReplicasShareTheIntraOpThreadsWhileOpen() {
    Engine.getEngine("PyTorch");
    int before = JniUtils.getNumThreads();
    JniUtils.setNumThreads(4);
    try {
      try (Model two = load("cpu,cpu")) {
        assertThat(JniUtils.getNumThreads()).isEqualTo(2);
        // two batches of one image: one on each replica's thread
        float[][] embeddings =
            two.require(ImageEmbedder.class)
                .embedImages(
                    List.of(FakeImages.solid(1, 40), FakeImages.solid(2, 40)),
                    ImageView.SHORTER_SIDE_CENTER_CROP);
        assertThat(embeddings.length).isEqualTo(2);
      }
      assertThat(JniUtils.getNumThreads()).as("restored on close").isEqualTo(4);
      Model three = load("cpu,cpu,cpu");
      assertThat(JniUtils.getNumThreads()).isEqualTo(1);
      three.close();
      Model one = load("cpu");
      assertThat(JniUtils.getNumThreads()).as("one device keeps every thread").isEqualTo(4);
      one.close();
      assertThat(JniUtils.getNumThreads()).isEqualTo(4);
    } finally {
      JniUtils.setNumThreads(before);
    }
  }
}
