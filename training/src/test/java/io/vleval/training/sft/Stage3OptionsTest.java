package io.vleval.training.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.Model;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.RgbImage;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.tasks.mmbench.AnswerExtractor;
import io.vleval.training.SyntheticData;
import io.vleval.training.data.Instructions;
import io.vleval.training.data.StageData;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 3's options: {@code mc_reply} (letter or option text), {@code caption_turns} and a new chat
 * model's {@code image_size}.
 */
class Stage3OptionsTest {

  private static final Path STAGE1 =
      Path.of("..", "models", "tiny-internvl-c").toAbsolutePath().normalize();

  @TempDir Path tmp;

  @Test
  void textRepliesAreTheRightOptionsTextForTheSameQuestions() {
    int counts = 0;
    for (MultipleChoiceQuestion q :
        SyntheticData.samples(Part.MMBENCH_TRAIN, MultipleChoiceQuestion.class, null)) {
      List<Conversation> letters = Instructions.multipleChoice("q", q, true, false);
      List<Conversation> texts = Instructions.multipleChoice("q", q, true, true);
      assertThat(texts).hasSameSizeAs(letters);
      for (int i = 0; i < letters.size(); i++) {
        Conversation l = letters.get(i);
        Conversation t = texts.get(i);
        // the prompt still asks for the letter, as the reference's does
        assertThat(t.turns().get(0)).isEqualTo(l.turns().get(0));
        String right = q.options().get(q.answer().charAt(0) - 'A');
        assertThat(t.turns().get(1).text()).isEqualTo(right);
        List<String> shown = new ArrayList<>();
        for (int k = 0; k < q.options().size(); k++) {
          shown.add(q.options().get((k + i) % q.options().size()));
        }
        // the mmbench task's reading (VLMEvalKit's can_infer) maps the text back to the letter (a
        // one-character count is not mapped)
        if (right.length() > 1) {
          Map<String, String> choices = new LinkedHashMap<>();
          for (int k = 0; k < shown.size(); k++) {
            choices.put(String.valueOf((char) ('A' + k)), shown.get(k));
          }
          assertThat(AnswerExtractor.canInfer(right, choices)).contains(l.turns().get(1).text());
        }
      }
      counts += q.question().startsWith("How many") ? 1 : 0;
    }
    assertThat(counts).as("counting questions").isGreaterThan(50);
  }

  @Test
  void captionTurnsSetHowManyCaptioningTurnsEachCaptionedImageGets() {
    List<CaptionedImage> images =
        SyntheticData.samples(Part.CAPTIONS_TRAIN, CaptionedImage.class, null);
    Map<Integer, List<Conversation>> byTurns = new HashMap<>();
    for (Integer turns : new Integer[] {null, 0, 6}) {
      StageSpec stage =
          new StageSpec(
                  "s",
                  StageKind.SFT,
                  new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
                  1,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  "text",
                  turns)
              .withData(SyntheticData.dataFor(StageKind.SFT));
      try (StageData d = SyntheticData.stage(stage, 56)) {
        List<Conversation> all = new ArrayList<>();
        for (int i = 0; i < d.conversations().size(); i++) {
          all.add(d.conversations().get(i));
        }
        byTurns.put(turns == null ? 2 : turns, all);
      }
    }
    List<Conversation> none = byTurns.get(0);
    assertThat(none).noneMatch(c -> c.id().contains("#caption"));
    for (int turns : List.of(2, 6)) {
      List<Conversation> all = byTurns.get(turns);
      // more turns add captioning only: the same question turns, then the captioning turns
      for (int i = 0; i < none.size(); i++) {
        assertThat(all.get(i).id()).isEqualTo(none.get(i).id());
        assertThat(all.get(i).turns()).isEqualTo(none.get(i).turns());
      }
      List<Conversation> captions = all.subList(none.size(), all.size());
      assertThat(captions).hasSize(turns * images.size());
      for (int i = 0; i < images.size(); i++) {
        CaptionedImage c = images.get(i);
        for (Conversation t : captions.subList(turns * i, turns * i + turns)) {
          assertThat(t.images()).hasSize(1);
          assertThat(t.images().get(0).origin()).isEqualTo(c.image().origin());
          assertThat(t.turns().get(0).text())
              .isIn(Instructions.CAPTION_PROMPTS.stream().map(p -> "<image>\n" + p).toList());
          assertThat(c.captions()).contains(t.turns().get(1).text());
        }
      }
    }
    // the six turns of an image draw their prompts and references afresh, not all the same one
    List<Conversation> six = byTurns.get(6).subList(none.size(), byTurns.get(6).size());
    assertThat(six.stream().map(t -> t.turns().get(1).text()).distinct().count())
        .isGreaterThan(images.size());
  }

  @Test
  void aNewChatModelReadsLargerImagesThroughInterpolatedPositionEmbeddings() {
    try (ChatStageModel m =
            ChatStageModel.load(STAGE1, 64, 2, 112, 0, Device.cpu(), DataType.FLOAT32);
        ChatStageModel base = ChatStageModel.withVisionOf(STAGE1, 64, 2, 0)) {
      assertThat(base.imageSize()).isEqualTo(56);
      assertThat(m.imageSize()).isEqualTo(112);
      assertThat(m.chat().config().vision().imageSize())
          .isEqualTo(56); // the tower is the stage-1 one, unchanged
      try (NDManager b = m.manager().newSubManager()) {
        NDArray img = m.chat().extractFeature(b.zeros(new Shape(2, 3, 112, 112)));
        assertThat(img.getShape().get(1))
            .isEqualTo(16); // 8 x 8 patches, pixel-shuffled to 4 x 4 tokens
      }
      m.save(tmp.resolve("chat"));
    }
    // the saved checkpoint says force_image_size 112 and the provider reads 112 px images with it
    try (Model model =
        new InternVlProvider()
            .load(
                new InternVlSpec(tmp.resolve("chat"), null, "cpu", null, null, null, null, null),
                new PluginContext(0, tmp, 1))) {
      List<String> caption =
          model
              .require(CaptionGenerator.class)
              .caption(
                  List.of(new RgbImage(128, 96, new byte[128 * 96 * 3])),
                  "English caption:",
                  GenerationSettings.greedy(4));
      assertThat(caption).hasSize(1);
    }
    // a chat checkpoint keeps its side: another image_size is refused naming both
    assertThatThrownBy(
            () ->
                ChatStageModel.load(
                    tmp.resolve("chat"), 64, 2, 56, 0, Device.cpu(), DataType.FLOAT32))
        .hasMessageContaining("reads 112 px images")
        .hasMessageContaining("'image_size' (56)");
  }

  @Test
  void mcReplyCaptionTurnsAndImageSizeAreCheckedWhereTheyApply() {
    ModelInitSpec init = new ModelInitSpec("tiny-internvl", null, null, 0L, null, null);
    assertThat(
            new StageSpec(
                    "s",
                    StageKind.SFT,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null)
                .repliesWithText())
        .isFalse();
    assertThat(
            new StageSpec(
                    "s",
                    StageKind.SFT,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "text")
                .repliesWithText())
        .isTrue();
    // the LM warm-up reads no questions, so it has no reply form
    assertThatThrownBy(
            () ->
                new StageSpec(
                    "s",
                    StageKind.LM_WARMUP,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "text"))
        .hasMessageContaining("'mc_reply' applies to sft stages only");
    assertThatThrownBy(
            () ->
                new StageSpec(
                    "s",
                    StageKind.SFT,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "words"))
        .hasMessageContaining("'mc_reply' is 'words'; allowed: letter, text");
    assertThatThrownBy(
            () ->
                new StageSpec(
                    "s",
                    StageKind.CONTRASTIVE,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "text"))
        .hasMessageContaining("'mc_reply' applies to sft stages only");
    assertThat(
            new StageSpec(
                    "s",
                    StageKind.SFT,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null)
                .captionTurns())
        .isEqualTo(2);
    assertThat(
            new StageSpec(
                    "s",
                    StageKind.SFT,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "text",
                    6)
                .captionTurns())
        .isEqualTo(6);
    assertThatThrownBy(
            () ->
                new StageSpec(
                    "s",
                    StageKind.SFT,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    -1))
        .hasMessageContaining("'caption_turns' is -1; it must be 0 or more");
    assertThatThrownBy(
            () ->
                new StageSpec(
                    "s",
                    StageKind.LM_WARMUP,
                    init,
                    1,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    4))
        .hasMessageContaining("'caption_turns' applies to sft stages only");
    assertThatThrownBy(() -> new ModelInitSpec(null, null, STAGE1, 0L, null, null, 0))
        .hasMessageContaining("'image_size' must be positive");
  }
}
