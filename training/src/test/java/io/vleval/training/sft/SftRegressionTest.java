package io.vleval.training.sft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.FreedMemory;
import io.vleval.training.SyntheticData;
import io.vleval.training.data.Instructions;
import io.vleval.training.data.StageData;
import io.vleval.training.data.TrainingData;
import io.vleval.training.spec.StageKind;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Regression tests for the stage-3 (SFT) bugs of the README's "Stage 3" section. */
class SftRegressionTest {

  private static final Path STAGE1 =
      Path.of("..", "models", "tiny-internvl-c").toAbsolutePath().normalize();

  private static StageData data;
  private static ChatStageModel model;
  private static TextTokenizer tok;

  @BeforeAll
  static void load() {
    model = ChatStageModel.withVisionOf(STAGE1, 64, 2, 0);
    data = SyntheticData.stage(StageKind.SFT, model.imageSize());
    tok = TextTokenizer.load(STAGE1);
  }

  @AfterAll
  static void close() {
    model.close();
    tok.close();
  }

  /**
   * mlp1.0 is a LayerNorm and starts with gain 1: before the fix its gain was drawn N(0, 0.02), the
   * image tokens were ~40x smaller than the text embeddings (rms 5.6e-4 vs 0.02) and so was every
   * gradient through them.
   */
  @Test
  void projectorStartsWithUnitLayerNormAndImageTokensAtTextScale() {
    float[] gain = model.chat().projectorWeights().get("0.weight").toFloatArray();
    for (float g : gain) {
      assertThat(g).isEqualTo(1f);
    }
    int s = model.imageSize();
    int n = 3 * s * s;
    int k = 8;
    List<TrainingData.Labelled> images = SyntheticData.labelled(Part.CLASSIFICATION_TRAIN, s);
    float[] flat = new float[k * n];
    for (int i = 0; i < k; i++) {
      System.arraycopy(images.get(i).pixels(), 0, flat, i * n, n);
    }
    try (NDManager b = model.manager().newSubManager()) {
      NDArray img = model.chat().extractFeature(b.create(flat, new Shape(k, 3, s, s)));
      float rms = img.square().mean().sqrt().getFloat();
      float across = img.sub(img.mean(new int[] {0}, true)).square().mean().sqrt().getFloat();
      float text =
          model
              .chat()
              .llm()
              .embed(new long[][] {{40, 41, 42, 43, 44, 45}}, b)
              .square()
              .mean()
              .sqrt()
              .getFloat();
      assertThat(rms)
          .as("image token rms vs text embedding rms %s", text)
          .isGreaterThan(0.25f * text);
      assertThat(across).as("spread of the image tokens across images").isGreaterThan(0.25f * rms);
    }
  }

  /**
   * Every circular shift of each training question: per option count, each letter is the answer
   * equally often, so a constant letter scores exactly chance (before the shifts: A 246, B 253, C
   * 150, D 42 of 691); the first shift is the question as the dataset has it, and every shift's
   * answer letter names the same option text.
   */
  @Test
  void trainingQuestionsAreCircularAndLetterBalanced() {
    Map<Integer, int[]> byCount = new HashMap<>();
    int questions = 0;
    for (MultipleChoiceQuestion q :
        SyntheticData.samples(Part.MMBENCH_TRAIN, MultipleChoiceQuestion.class, null)) {
      String right = q.options().get(q.answer().charAt(0) - 'A');
      Conversation plain = Instructions.multipleChoice("q", q, false, false).get(0);
      List<Conversation> circ = Instructions.multipleChoice("q", q, true, false);
      assertThat(circ).hasSize(q.options().size());
      assertThat(circ.get(0).turns()).isEqualTo(plain.turns());
      for (Conversation c : circ) {
        String letter = c.turns().get(1).text();
        byCount.computeIfAbsent(q.options().size(), k -> new int[k])[letter.charAt(0) - 'A']++;
        assertThat(c.turns().get(0).text()).contains("\n" + letter + ". " + right + "\n");
      }
      assertThat(Instructions.multipleChoice("q", q, true, true))
          .allSatisfy(c -> assertThat(c.turns().get(1).text()).isEqualTo(right));
      questions++;
    }
    assertThat(questions).isGreaterThan(500);
    byCount.forEach(
        (c, letters) -> {
          for (int l : letters) {
            assertThat(l).as("option count %d", c).isEqualTo(letters[0]);
          }
        });
  }

  /**
   * Batch/row alignment: the batched SFT loss equals the loss recomputed row by row from the
   * inference path ({@code InternVlChat.inputEmbeddings} + {@code logits}), and pairing rows with
   * other rows' images changes it.
   */
  @Test
  void batchedLossPairsEachRowWithItsOwnImage() {
    SftObjective o = new SftObjective(model, tok, data);
    ChatSequences seq = new ChatSequences(tok, model.chat().config());
    int[] idx = {0, 7, 30, 61, 95, 140, data.conversations().size() - 1};
    int s = model.imageSize();
    try (NDManager b = model.manager().newSubManager()) {
      float batched = o.loss(idx, 0, b, new HashMap<>()).getFloat();
      double sum = 0;
      int count = 0;
      for (int i : idx) {
        ChatSequences.Encoded e = o.encoded(i);
        float[] px = data.pixels().of(data.conversations().get(i).images().get(0));
        NDArray img = model.chat().extractFeature(b.create(px, new Shape(1, 3, s, s)));
        NDArray logp =
            model
                .chat()
                .logits(model.chat().inputEmbeddings(e.ids(), img, seq.contextId(), b))
                .get(0)
                .logSoftmax(1);
        for (int j = 1; j < e.ids().length; j++) {
          if (e.target()[j]) {
            sum -= logp.getFloat(j - 1, e.ids()[j]);
            count++;
          }
        }
      }
      assertThat((double) batched).isCloseTo(sum / count, Offset.offset(1e-4));
      // other images, same rows: a different loss (the image reaches the answer)
      List<ChatSequences.Encoded> rows = new ArrayList<>();
      float[] flat = new float[idx.length * 3 * s * s];
      for (int i = 0; i < idx.length; i++) {
        rows.add(o.encoded(idx[i]));
        System.arraycopy(
            data.pixels().of(data.conversations().get(idx[(i + 1) % idx.length]).images().get(0)),
            0,
            flat,
            i * 3 * s * s,
            3 * s * s);
      }
      NDArray other = model.chat().extractFeature(b.create(flat, new Shape(idx.length, 3, s, s)));
      float swapped = seq.loss(model.chat(), rows, other, b).getFloat();
      assertThat(Math.abs(swapped - batched)).isGreaterThan(1e-5f);
    }
  }

  /**
   * The SFT loss's gradients are bitwise the same with and without a GC between forward and
   * backward (before the fix the final {@code div(n)} used DJL's {@code div(Number)}, whose
   * constant was freed before the backward).
   */
  @Test
  void sftGradientsSurviveAGc() throws Exception {
    SftObjective o = new SftObjective(model, tok, data);
    Map<String, NDArray> trainable = new LinkedHashMap<>();
    model
        .parameters()
        .forEach(
            (k, a) -> {
              if (SftObjective.trains(k, Set.of("llm"))) {
                trainable.put(k, a);
                a.setRequiresGradient(true);
              }
            });
    try {
      int[] samples = {0, 3, 6, 9, 12, 15, 18, 21};
      Map<String, float[]> quiet = gradients(o, samples, trainable, false);
      Map<String, float[]> collected = gradients(o, samples, trainable, true);
      assertThat(collected.keySet()).isEqualTo(quiet.keySet()).isNotEmpty();
      for (String k : quiet.keySet()) {
        assertThat(collected.get(k)).as(k).containsExactly(quiet.get(k));
      }
    } finally {
      trainable.values().forEach(a -> a.setRequiresGradient(false));
    }
  }

  private static Map<String, float[]> gradients(
      SftObjective o, int[] samples, Map<String, NDArray> trainable, boolean gcBetween)
      throws InterruptedException {
    List<ByteBuffer> poison = new ArrayList<>();
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager batch = model.manager().newSubManager()) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = o.loss(samples, 0, batch, new HashMap<>());
        if (gcBetween) {
          poison.addAll(FreedMemory.collectAndPoison());
        }
        gc.backward(loss);
      }
      trainable.forEach(
          (k, w) -> {
            NDArray g = w.getGradient();
            g.attach(batch);
            out.put(k, g.toFloatArray());
            g.muli(0);
          });
    }
    assertThat(poison).hasSize(gcBetween ? 20_000 : 0);
    return out;
  }
}
