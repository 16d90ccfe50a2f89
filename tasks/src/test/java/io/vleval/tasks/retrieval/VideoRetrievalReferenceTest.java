package io.vleval.tasks.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.result.MetricValue;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.task.TaskOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The video retrieval task against the reference MSR-VTT script on the cases of {@code
 * msrvtt/dual_softmax.json}: the default video embedding pools the script's frame features into its
 * video features, and from the script's normalized embeddings the task reports the Recall@K the
 * script prints, with and without dual softmax.
 */
class VideoRetrievalReferenceTest {

  /** Largest difference allowed between the pooled and the reference's video features. */
  static final double POOLING_TOLERANCE = 1e-6;

  private static JsonNode reference() throws IOException {
    try (InputStream in =
        VideoRetrievalReferenceTest.class.getResourceAsStream("/msrvtt/dual_softmax.json")) {
      assertThat(in).as("msrvtt/dual_softmax.json on the test class path").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  private static float[] vector(JsonNode v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  @TestFactory
  Stream<DynamicNode> everyCase() throws IOException {
    List<DynamicNode> out = new ArrayList<>();
    for (JsonNode c : reference().get("cases")) {
      out.add(dynamicTest(c.get("name").asText() + ": pooling", () -> pooling(c)));
      out.add(dynamicTest(c.get("name").asText() + ": recalls", () -> recalls(c)));
    }
    return out.stream();
  }

  /**
   * An image embedder that gives frame {@code f} of clip {@code v} the script's feature for it; the
   * frame carries {@code (v, f)} in its two pixels.
   */
  private static ImageEmbedder frames(JsonNode frameFeatures) {
    int dim = frameFeatures.get(0).get(0).size();
    return new ImageEmbedder() {
      @Override
      public int embeddingSize() {
        return dim;
      }

      @Override
      public float[][] embedImages(List<RgbImage> images, ImageView view) {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
          RgbImage im = images.get(i);
          out[i] = vector(frameFeatures.get(im.channel(0, 0, 0)).get(im.channel(1, 0, 0)));
        }
        return out;
      }
    };
  }

  private static void pooling(JsonNode c) {
    JsonNode frameFeatures = c.get("frame_features");
    List<List<RgbImage>> clips = new ArrayList<>();
    for (int v = 0; v < frameFeatures.size(); v++) {
      List<RgbImage> clip = new ArrayList<>();
      for (int f = 0; f < frameFeatures.get(v).size(); f++) {
        clip.add(new RgbImage(2, 1, new byte[] {(byte) v, 0, 0, (byte) f, 0, 0}));
      }
      clips.add(clip);
    }
    float[][] pooled = VideoEmbedder.pooling(frames(frameFeatures)).embedVideos(clips);
    double worst = 0;
    for (int v = 0; v < pooled.length; v++) {
      float[] expected = vector(c.get("video_features").get(v));
      for (int d = 0; d < expected.length; d++) {
        worst = Math.max(worst, Math.abs((double) pooled[v][d] - expected[d]));
      }
    }
    assertThat(worst).as("pooled frame features").isLessThanOrEqualTo(POOLING_TOLERANCE);
  }

  private static void recalls(JsonNode c) {
    List<VideoRetrievalProvider.Embedded> records = new ArrayList<>();
    JsonNode texts = c.get("text_embeddings");
    JsonNode videos = c.get("video_embeddings");
    for (int v = 0; v < videos.size(); v++) {
      records.add(
          new VideoRetrievalProvider.Embedded(
              "video" + v + ".mp4",
              List.of("caption " + v),
              vector(videos.get(v)),
              List.of(vector(texts.get(v)))));
    }
    for (boolean dual : new boolean[] {true, false}) {
      TaskOutcome outcome =
          VideoRetrievalProvider.outcome(
              records, new VideoRetrievalProvider.Spec(null, dual, null, 0), 0);
      Map<String, Double> ours =
          outcome.metrics().stream()
              .collect(Collectors.toMap(MetricValue::name, MetricValue::value));
      JsonNode theirs = c.get(dual ? "dual_softmax" : "plain").get("metrics");
      double sum = 0;
      for (var it = theirs.fields(); it.hasNext(); ) {
        var e = it.next();
        assertThat(ours.get(e.getKey()))
            .as((dual ? "dual softmax " : "plain ") + e.getKey())
            .isEqualTo(e.getValue().asDouble());
        sum += e.getValue().asDouble();
      }
      assertThat(ours).hasSize(theirs.size() + 1);
      assertThat(ours.get("mean_recall")).isCloseTo(sum / theirs.size(), Offset.offset(1e-12));
      assertThat(outcome.headline()).isEqualTo("mean_recall");
    }
  }
}
