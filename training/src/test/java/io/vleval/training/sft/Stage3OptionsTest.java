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
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.provider.InternVlProvider;
import io.vleval.model.internvl.provider.InternVlSpec;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.SyntheticDataAccess;
import io.vleval.training.data.TrainingData;
import io.vleval.training.spec.ModelInitSpec;
import io.vleval.training.spec.StageKind;
import io.vleval.training.spec.StageSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    TrainingData data = SyntheticDataAccess.tiny();
    InstructionData inst = new InstructionData(data);
    List<InstructionData.Turn> letters =
        inst.multipleChoice(
            data, data.classTrain(), data.captionTrain(), List.of(), 5, true, false);
    List<InstructionData.Turn> texts =
        inst.multipleChoice(data, data.classTrain(), data.captionTrain(), List.of(), 5, true, true);

    assertThat(texts).hasSameSizeAs(letters);
    for (int i = 0; i < letters.size(); i++) {
      InstructionData.Turn l = letters.get(i);
      InstructionData.Turn t = texts.get(i);
      assertThat(t.prompt())
          .isEqualTo(l.prompt()); // the prompt still asks for the letter, as the reference's does
      assertThat(t.options()).isEqualTo(l.options());
      assertThat(t.answer()).isEqualTo(l.options().get(l.answer().charAt(0) - 'A'));
      // the reference's post-processing maps the text back to the letter (a one-character count is
      // not mapped)
      if (t.answer().length() > 1) {
        assertThat(InstructionData.letterOf(t.answer(), t.options())).isEqualTo(l.answer());
      }
    }
  }

  @Test
  void scenesAddQuestionsAboutUpToFourObjects() {
    TrainingData data = SyntheticDataAccess.tiny();
    InstructionData inst = new InstructionData(data);
    float[] px = data.classTrain().get(0).pixels();
    List<TrainingData.Scene> scenes =
        List.of(
            new TrainingData.Scene(
                px,
                List.of(
                    new TrainingData.SceneObject("red", "circle", true),
                        new TrainingData.SceneObject("blue", "circle", false),
                    new TrainingData.SceneObject("green", "square", false),
                        new TrainingData.SceneObject("green", "triangle", false))));
    List<InstructionData.Turn> turns =
        inst.multipleChoice(data, List.of(), List.of(), scenes, 0, false, true);

    assertThat(turns)
        .extracting(InstructionData.Turn::description)
        .containsOnly("a red circle, a blue circle, a green square and a green triangle");
    assertThat(turns)
        .anySatisfy(t -> assertThat(t.prompt()).contains("What colour is the large circle?"));
    assertThat(turns)
        .anySatisfy(t -> assertThat(t.prompt()).contains("What shape is the red object?"));
    // both greens are ambiguous for "What shape is the green object?"
    assertThat(turns).noneSatisfy(t -> assertThat(t.prompt()).contains("green object"));
    turns.stream()
        .filter(t -> t.prompt().contains("How many"))
        .forEach(t -> assertThat(t.answer()).isEqualTo("4"));
  }

  @Test
  void captionTurnsSetHowManyCaptioningTurnsEachCaptionedImageGets() {
    TrainingData data = SyntheticDataAccess.tiny();
    int images = data.captionTrain().size();
    InstructionData inst = new InstructionData(data);
    List<InstructionData.Turn> multipleChoice =
        inst.multipleChoice(
            data, data.classTrain(), data.captionTrain(), data.sceneTrain(), 0, true, true);
    try (ChatStageModel m = ChatStageModel.withVisionOf(STAGE1, 64, 2, 0);
        TextTokenizer tok = TextTokenizer.load(STAGE1)) {
      SftObjective byDefault = new SftObjective(m, tok, data, 0, true);
      SftObjective two = new SftObjective(m, tok, data, 0, true, 2);
      SftObjective six = new SftObjective(m, tok, data, 0, true, 6);
      SftObjective none = new SftObjective(m, tok, data, 0, true, 0);

      // the default is the recipe's two turns per image, drawn exactly as before the option existed
      assertThat(byDefault.counts()).containsExactly(multipleChoice.size(), 2 * images);
      assertSameTurns(byDefault.turns(), two.turns());
      List<InstructionData.Turn> before = new ArrayList<>(multipleChoice);
      before.addAll(inst.captioning(data.captionTrain(), 2, 1));
      assertSameTurns(byDefault.turns(), before);

      // more turns add captioning only: the same multiple-choice turns, six caption turns per image
      assertThat(six.counts()).containsExactly(multipleChoice.size(), 6 * images);
      assertSameTurns(six.turns().subList(0, multipleChoice.size()), multipleChoice);
      List<InstructionData.Turn> captions = six.turns().subList(multipleChoice.size(), six.size());
      for (int i = 0; i < images; i++) {
        TrainingData.Captioned c = data.captionTrain().get(i);
        for (InstructionData.Turn t : captions.subList(6 * i, 6 * i + 6)) {
          assertThat(t.multipleChoice()).isFalse();
          assertThat(t.pixels()).isSameAs(c.pixels());
          assertThat(InstructionData.CAPTION_PROMPTS).contains(t.prompt());
          assertThat(c.captions()).contains(t.answer());
        }
      }
      // and zero leaves multiple choice alone
      assertThat(none.counts()).containsExactly(multipleChoice.size(), 0);
    }
  }

  private static void assertSameTurns(
      List<InstructionData.Turn> actual, List<InstructionData.Turn> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < actual.size(); i++) {
      assertThat(actual.get(i).prompt()).isEqualTo(expected.get(i).prompt());
      assertThat(actual.get(i).answer()).isEqualTo(expected.get(i).answer());
      assertThat(actual.get(i).pixels()).isSameAs(expected.get(i).pixels());
    }
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
                    "text")
                .repliesWithText())
        .isTrue();
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
        .hasMessageContaining("'mc_reply' applies to lm-warmup and sft stages only");
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
