package io.vleval.training.sft;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.datasets.synth.Scale;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.tasks.metrics.multiplechoice.AnswerExtractor;
import io.vleval.training.SyntheticData;
import io.vleval.training.Training;
import io.vleval.training.data.TrainingData;
import io.vleval.training.loop.StepReport;
import io.vleval.training.loop.TrainingListener;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.OptimizerSpec;
import io.vleval.training.spec.ScheduleSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import io.vleval.training.spec.TrainSettings;
import io.vleval.training.spec.TrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 3 on the tiny synthetic suite, from the shipped stage-1 checkpoint's vision tower: the LM
 * warm-up and SFT both lower their loss, the shipped chat model answers held-out questions far
 * above chance, and the exported checkpoint loads through the {@code internvl} provider as a chat
 * model.
 */
class ChatStagesTest {

  @TempDir Path out;

  /**
   * Both stages lower their loss and the exported checkpoint is a chat model for the provider. SFT
   * runs with {@code unfreeze: [llm]}: with only {@code mlp1} training the SFT loss does not fall
   * at this size (see the README).
   */
  @Test
  void warmupAndSftLowerTheLossAndTheCheckpointLoads() throws Exception {
    List<Training.StageOutcome> o = run(System.getProperty("unfreeze", "llm"));
    assertThat(o.get(0).result().meanLoss(5, true))
        .isLessThan(o.get(0).result().meanLoss(5, false) * 0.7);
    assertThat(o.get(1).result().meanLoss(5, true))
        .isLessThan(o.get(1).result().meanLoss(5, false) * 0.8);
    double chance = o.get(1).metrics().get("mmbench_dev_chance");
    assertThat(chance).isBetween(0.25, 0.5);
    assertThat(o.get(1).metrics().get("mmbench_dev_accuracy")).isBetween(0.0, 1.0);
    providerLoads(out.resolve("export"));
  }

  /**
   * The goal of issue 7 for stage 3, on the shipped chat model (which {@code TrainCommandTest}
   * checks that {@code examples/train-tiny.yaml} reproduces byte for byte; its stage 3 takes ~6
   * minutes, too long to repeat here): on the small suite's MMBench rows (held out: the recipe
   * trains on questions about the training images), its greedy replies, read as the {@code mmbench}
   * task reads them (VLMEvalKit's {@code can_infer}: the option letter, else the option text), beat
   * chance by far.
   */
  @Test
  void theShippedChatModelAnswersHeldOutQuestionsFarAboveChance() {
    Path shipped = Path.of("..", "models", "tiny-internvl-chat").toAbsolutePath().normalize();
    try (ChatStageModel chat = ChatStageModel.load(shipped, 64, 2, 0);
        TextTokenizer tok = TextTokenizer.load(shipped)) {
      TrainingData small = SyntheticData.heldOut(Scale.SMALL, chat.imageSize());
      ChatSequences seq = new ChatSequences(tok, chat.chat().config());
      long stop = tok.tokenId("<|im_end|>").orElseThrow();
      // per kind of question: colour, shape, count
      Map<String, int[]> right = new LinkedHashMap<>();
      Map<String, double[]> chance = new LinkedHashMap<>();
      for (TrainingData.Question q : small.questionsEval()) {
        List<String> options = q.options().stream().filter(o -> !o.isEmpty()).toList();
        Map<String, String> choices = new LinkedHashMap<>();
        for (int i = 0; i < options.size(); i++) {
          choices.put(String.valueOf((char) ('A' + i)), options.get(i));
        }
        String reply =
            ChatEval.reply(
                chat.chat(),
                tok,
                seq,
                stop,
                chat.imageSize(),
                q.pixels(),
                TrainingData.prompt(q),
                12);
        String kind = q.question().split(" ")[1];
        int[] r = right.computeIfAbsent(kind, k -> new int[2]);
        r[0] += AnswerExtractor.canInfer(reply, choices).orElse("").equals(q.answer()) ? 1 : 0;
        r[1]++;
        chance.computeIfAbsent(kind, k -> new double[1])[0] += 1.0 / options.size();
      }
      right.forEach(
          (kind, r) ->
              System.out.printf(
                  "shipped chat model, small suite MMBench rows, %s: %d, accuracy %.3f, chance"
                      + " %.3f%n",
                  kind, r[1], r[0] / (double) r[1], chance.get(kind)[0] / r[1]));
      int[] colour = right.get("colour");
      assertThat(colour[1]).isGreaterThan(50);
      assertThat(colour[0] / (double) colour[1])
          .isGreaterThan(chance.get("colour")[0] / colour[1] + 0.15);
    }
  }

  private List<Training.StageOutcome> run(String unfreeze) {
    Path stage1 = Path.of("..", "models", "tiny-internvl-c").toAbsolutePath().normalize();
    int hidden = Integer.getInteger("llmHidden", 64);
    StageSpec warm =
        new StageSpec(
            "lm",
            StageKind.LM_WARMUP,
            new ModelInitSpec(null, null, stage1, 0L, hidden, Integer.getInteger("llmLayers", 2)),
            Integer.getInteger("lmSteps", 60),
            16,
            1,
            new OptimizerSpec(
                Double.parseDouble(System.getProperty("lmLr", "3e-3")), null, null, 0.0),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            null,
            null,
            System.getProperty("mcReply"));
    StageSpec sft =
        new StageSpec(
            "sft",
            StageKind.SFT,
            new ModelInitSpec(null, "lm", null, 0L, null, null),
            Integer.getInteger("sftSteps", 60),
            16,
            1,
            new OptimizerSpec(
                Double.parseDouble(System.getProperty("sftLr", "3e-3")), null, null, 0.0),
            new ScheduleSpec(5, 0.1),
            1.0,
            null,
            out.resolve("export"),
            unfreeze.isEmpty() ? null : List.of(unfreeze.split(",")),
            System.getProperty("mcReply"));
    TrainSpec spec =
        SyntheticData.spec(new TrainSettings("t", 0L, out, 0, null, null), List.of(warm, sft));
    long t0 = System.nanoTime();
    List<Training.StageOutcome> o =
        new Training(
                spec,
                SyntheticData.inputs(spec),
                out,
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport r) {
                    if (r.step() % 10 == 0) {
                      System.out.printf(
                          "%s step %d loss %.4f gn %.3f %.0f samples/s%n",
                          r.stage(), r.step(), r.loss(), r.gradNorm(), r.samplesPerSecond());
                    }
                  }

                  @Override
                  public void onMessage(String m) {
                    System.out.println(m);
                  }
                })
            .run(false);
    System.out.printf(
        "stage 3: %.1f s; warm-up %.4f -> %.4f; sft %.4f -> %.4f; %s%n",
        (System.nanoTime() - t0) / 1e9,
        o.get(0).result().meanLoss(5, false),
        o.get(0).result().meanLoss(5, true),
        o.get(1).result().meanLoss(5, false),
        o.get(1).result().meanLoss(5, true),
        o.get(0).metrics() + " " + o.get(1).metrics());
    return o;
  }

  private void providerLoads(Path export) throws Exception {
    // the exported checkpoint is a chat model for the provider
    try (Model m =
        new InternVlProvider()
            .load(
                new InternVlSpec(export, null, "cpu", null, null, null, null, null),
                new PluginContext(0, out, 1))) {
      assertThat(m.capabilities()).contains(CaptionGenerator.class, MultipleChoiceChat.class);
      List<MultipleChoiceQuestion> qs =
          SyntheticData.samples(Part.MMBENCH, MultipleChoiceQuestion.class, null).stream()
              .filter(q -> q.image() != null)
              .toList();
      List<ChatRequest> req = new ArrayList<>();
      for (MultipleChoiceQuestion q : qs) {
        req.add(new ChatRequest(q.image().load(), prompt(q), q.letters()));
      }
      List<String> replies =
          m.require(MultipleChoiceChat.class).answer(req, GenerationSettings.greedy(5));
      int right = 0;
      double ch = 0;
      for (int i = 0; i < qs.size(); i++) {
        List<String> opts = qs.get(i).options().stream().filter(s -> !s.isEmpty()).toList();
        right += ChatEval.letterOf(replies.get(i), opts).equals(qs.get(i).answer()) ? 1 : 0;
        ch += 1.0 / opts.size();
      }
      System.out.printf(
          "provider: MMBench dev rows %d, accuracy %.3f (chance %.3f)%n",
          qs.size(), right / (double) qs.size(), ch / qs.size());
      String caption =
          m.require(CaptionGenerator.class)
              .caption(
                  List.of(qs.get(0).image().load()),
                  "English caption:",
                  GenerationSettings.greedy(30))
              .get(0);
      System.out.println("provider caption: " + caption);
      assertThat(caption).isNotBlank();
    }
  }

  private static String prompt(MultipleChoiceQuestion q) {
    TrainingData.Question t =
        new TrainingData.Question(
            null,
            q.question(),
            q.hint(),
            q.options().stream().filter(s -> !s.isEmpty()).toList(),
            q.answer(),
            null);
    return TrainingData.prompt(t);
  }
}
