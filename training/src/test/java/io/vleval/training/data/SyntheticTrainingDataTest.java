package io.vleval.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.training.spec.DataSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticTrainingDataTest {

  @TempDir static Path cache;

  @Test
  void segmentationScenesAreReadBackAsOneToFourObjectsOfTheSuitesColoursAndShapes() {
    TrainingData data =
        SyntheticTrainingData.load(new DataSpec("tiny", 0L, cache, null), cache, 2, 56);

    assertThat(data.sceneTrain()).hasSize(40); // the tiny scale's segmentation-train scenes
    Map<Integer, Integer> byCount = new TreeMap<>();
    for (TrainingData.Scene s : data.sceneTrain()) {
      assertThat(s.pixels()).hasSize(3 * 56 * 56);
      byCount.merge(s.objects().size(), 1, Integer::sum);
      for (TrainingData.SceneObject o : s.objects()) {
        assertThat(o.colour()).isIn(Set.of("red", "green", "blue", "yellow"));
        assertThat(o.shape()).isIn(List.of("circle", "square", "triangle"));
      }
    }
    // the suite draws 1 + uniform(4) objects per scene: every count occurs, none outside 1..4
    assertThat(byCount.keySet()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void theSameDataDecodesAtAnotherSide() {
    TrainingData small =
        SyntheticTrainingData.load(new DataSpec("tiny", 0L, cache, null), cache, 2, 56);
    TrainingData large =
        SyntheticTrainingData.load(new DataSpec("tiny", 0L, cache, null), cache, 2, 112);

    assertThat(large.imageSize()).isEqualTo(112);
    assertThat(large.classTrain().get(0).pixels()).hasSize(3 * 112 * 112);
    assertThat(large.sceneTrain())
        .extracting(TrainingData.Scene::objects)
        .containsExactlyElementsOf(
            small.sceneTrain().stream().map(TrainingData.Scene::objects).toList());
  }
}
