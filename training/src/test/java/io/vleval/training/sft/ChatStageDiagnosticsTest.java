package io.vleval.training.sft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.SyntheticData;
import io.vleval.training.Training;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.LoopSettings;
import io.vleval.training.loop.Objective;
import io.vleval.training.loop.Shard;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.loop.TrainingLoop;
import io.vleval.training.optim.CosineSchedule;
import io.vleval.training.spec.OptimizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 3 diagnostics that split "the replies do not depend on the image" into its parts (README,
 * "Stage 3"): whether the stage-1 image tokens carry colour and shape at all, and whether the SFT
 * path (InternViT → pixel shuffle → {@code mlp1} → {@code <IMG_CONTEXT>} slots → LLM → reply) can
 * ground a reply in the image when no multiple-choice letter stands between the image and the
 * answer.
 */
class ChatStageDiagnosticsTest {

  private static final Path STAGE1 =
      Path.of("..", "models", "tiny-internvl-c").toAbsolutePath().normalize();

  @TempDir Path out;

  /**
   * A nearest-centroid probe on the four image tokens of a new chat model (the shipped stage-1
   * tower, a fresh {@code mlp1}), fitted on classification-train (96 images) and scored on
   * classification-val (48): colour is there (measured 0.604, chance 0.25), shape hardly (0.375,
   * chance 0.333), the class 0.208 (chance 0.083).
   */
  @Test
  void imageTokensCarryColourMoreThanShape() {
    TrainingData data = SyntheticData.heldOut(Scale.TINY, Training.imageSize());
    List<TrainingData.Labelled> classTrain =
        SyntheticData.labelled(Part.CLASSIFICATION_TRAIN, data.imageSize());
    try (ChatStageModel model = ChatStageModel.withVisionOf(STAGE1, 64, 2, 0);
        NDManager b = model.manager().newSubManager()) {
      float[][] train = imageTokens(model, classTrain, data.imageSize(), b);
      float[][] val = imageTokens(model, data.classVal(), data.imageSize(), b);
      double colour =
          nearestCentroid(train, words(data, classTrain, 0), val, words(data, data.classVal(), 0));
      double shape =
          nearestCentroid(train, words(data, classTrain, 1), val, words(data, data.classVal(), 1));
      System.out.printf(
          "image-token probe (classification-val): colour %.3f (chance 0.25), shape %.3f (chance 0.333)%n",
          colour, shape);
      assertThat(colour).isGreaterThan(0.45);
    }
  }

  /**
   * The image path grounds replies: SFT on "What colour is the SHAPE?" → "COLOUR" (the
   * classification-train images, no options, the provider's template and image tokens; {@code mlp1}
   * and the LLM train, 300 steps of 16, lr 3e-3, ~15 s) names the colour of held-out images far
   * above chance (measured: train 0.990, val 0.750, chance 0.25; after 100 steps val 0.438). So the
   * image reaches the reply; what stays at chance is the multiple-choice indirection (README).
   */
  @Test
  void shortAnswersFromTheImageLearn() {
    TrainingData data = SyntheticData.heldOut(Scale.TINY, Training.imageSize());
    List<TrainingData.Labelled> classTrain =
        SyntheticData.labelled(Part.CLASSIFICATION_TRAIN, data.imageSize());
    try (ChatStageModel model = ChatStageModel.withVisionOf(STAGE1, 64, 2, 0);
        TextTokenizer tok = TextTokenizer.load(STAGE1)) {
      ChatSequences seq = new ChatSequences(tok, model.chat().config());
      Function<TrainingData.Labelled, String[]> words =
          l -> data.classNames().get(l.label()).replace('_', ' ').split(" ", 2);
      List<ChatSequences.Encoded> rows = new ArrayList<>();
      for (TrainingData.Labelled l : classTrain) {
        String[] w = words.apply(l);
        rows.add(imageTurn(seq, "What colour is the " + w[1] + "?", w[0]));
      }
      int s = data.imageSize();
      Objective colourNaming =
          new Objective() {
            @Override
            public int size() {
              return rows.size();
            }

            @Override
            public Pass forward(Shard shard, int step, NDManager batch) {
              int[] idx = shard.own();
              int n = 3 * s * s;
              float[] flat = new float[idx.length * n];
              List<ChatSequences.Encoded> picked = new ArrayList<>();
              for (int i = 0; i < idx.length; i++) {
                System.arraycopy(classTrain.get(idx[i]).pixels(), 0, flat, i * n, n);
                picked.add(rows.get(idx[i]));
              }
              NDArray image =
                  model.chat().extractFeature(batch.create(flat, new Shape(idx.length, 3, s, s)));
              image.attach(batch);
              return Pass.of(Share.of(seq.loss(model.chat(), picked, image, batch)), Map.of());
            }
          };
      Map<String, NDArray> trainable = new LinkedHashMap<>();
      model
          .parameters()
          .forEach(
              (k, a) -> {
                if (SftObjective.trains(k, Set.of("llm"))) {
                  a.setRequiresGradient(true);
                  trainable.put(k, a);
                }
              });
      int steps = 300;
      LoopSettings settings =
          new LoopSettings(
              "colour",
              steps,
              16,
              1,
              1.0,
              steps,
              0,
              new OptimizerSpec(3e-3, null, null, 0.0),
              new CosineSchedule(3e-3, 5, steps, 0.1));
      new TrainingLoop(
              model,
              trainable,
              colourNaming,
              settings,
              out,
              new TrainingListener() {
                @Override
                public void onStep(StepReport r) {}

                @Override
                public void onMessage(String m) {}
              })
          .run(null);
      double train = colourAccuracy(model, seq, tok, classTrain, words, s);
      double val = colourAccuracy(model, seq, tok, data.classVal(), words, s);
      System.out.printf(
          "colour naming after %d steps: train %.3f, val %.3f (chance 0.25)%n", steps, train, val);
      assertThat(val).isGreaterThan(0.5);
    }
  }

  /**
   * @return one user turn about an image (placeholder first, as the provider puts it) and its
   *     reply, encoded with the image tokens to be given
   */
  static ChatSequences.Encoded imageTurn(ChatSequences seq, String question, String answer) {
    return seq.conversation(
        new Conversation(
            "turn",
            List.of(ImageSource.of(new RgbImage(1, 1, new byte[3]), "unused")),
            List.of(
                new Conversation.Turn(Conversation.Turn.USER, "<image>\n" + question),
                new Conversation.Turn(Conversation.Turn.ASSISTANT, answer))),
        true,
        false);
  }

  /**
   * Teacher-forced: the first reply character's logit decides among the four colour words (they
   * start differently).
   */
  private static double colourAccuracy(
      ChatStageModel model,
      ChatSequences seq,
      TextTokenizer tok,
      List<TrainingData.Labelled> images,
      Function<TrainingData.Labelled, String[]> words,
      int s) {
    List<String> colours = List.of("red", "green", "blue", "yellow");
    int right = 0;
    for (TrainingData.Labelled l : images) {
      String[] w = words.apply(l);
      long[] ids = seq.prompt("What colour is the " + w[1] + "?", true);
      try (NDManager b = model.manager().newSubManager()) {
        NDArray image = model.chat().extractFeature(b.create(l.pixels(), new Shape(1, 3, s, s)));
        float[] last =
            model
                .chat()
                .logits(model.chat().inputEmbeddings(ids, image, seq.contextId(), b))
                .get("0, -1, :")
                .toFloatArray();
        String best = null;
        float top = Float.NEGATIVE_INFINITY;
        for (String c : colours) {
          float v = last[(int) tok.encode(c, false)[1]]; // [0] is the prepended '▁'
          if (v > top) {
            top = v;
            best = c;
          }
        }
        right += w[0].equals(best) ? 1 : 0;
      }
    }
    return right / (double) images.size();
  }

  private static String[] words(TrainingData data, List<TrainingData.Labelled> images, int which) {
    String[] out = new String[images.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.classNames().get(images.get(i).label()).replace('_', ' ').split(" ", 2)[which];
    }
    return out;
  }

  private static float[][] imageTokens(
      ChatStageModel model, List<TrainingData.Labelled> images, int s, NDManager b) {
    int n = 3 * s * s;
    float[] flat = new float[images.size() * n];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i).pixels(), 0, flat, i * n, n);
    }
    float[] v =
        model
            .chat()
            .extractFeature(b.create(flat, new Shape(images.size(), 3, s, s)))
            .toFloatArray();
    int d = v.length / images.size();
    float[][] out = new float[images.size()][d];
    for (int i = 0; i < out.length; i++) {
      System.arraycopy(v, i * d, out[i], 0, d);
    }
    return out;
  }

  private static double nearestCentroid(
      float[][] train, String[] trainLabels, float[][] val, String[] valLabels) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < train.length; i++) {
      double[] sum = sums.computeIfAbsent(trainLabels[i], k -> new double[train[0].length]);
      for (int j = 0; j < sum.length; j++) {
        sum[j] += train[i][j];
      }
      counts.merge(trainLabels[i], 1, Integer::sum);
    }
    int right = 0;
    for (int i = 0; i < val.length; i++) {
      String best = null;
      double nearest = Double.MAX_VALUE;
      for (Map.Entry<String, double[]> e : sums.entrySet()) {
        double d = 0;
        int c = counts.get(e.getKey());
        for (int j = 0; j < val[i].length; j++) {
          double q = val[i][j] - e.getValue()[j] / c;
          d += q * q;
        }
        if (d < nearest) {
          nearest = d;
          best = e.getKey();
        }
      }
      right += best.equals(valLabels[i]) ? 1 : 0;
    }
    return right / (double) val.length;
  }
}
