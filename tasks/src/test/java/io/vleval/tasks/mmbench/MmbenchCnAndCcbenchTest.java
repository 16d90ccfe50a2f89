package io.vleval.tasks.mmbench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.api.model.Capability;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.task.Task;
import io.vleval.api.task.TaskContext;
import io.vleval.api.task.TaskOutcome;
import io.vleval.api.task.TaskSession;
import io.vleval.datasets.mmbench.MmbenchTsvProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MMBench-CN and CCBench through the MMBench loader and task: the CN TSV (Chinese text, the same
 * columns as the English one, circular copies) with InternVL's Chinese instruction, and CCBench's
 * TSV (InternVL's {@code CCBench_legacy.tsv}: index, question, A-D, answer, category, image; no
 * hint, no l2-category, no split), each loaded, prompted and scored.
 */
class MmbenchCnAndCcbenchTest {
  @TempDir Path temp;

  private static String png() throws IOException {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  private List<MultipleChoiceQuestion> load(String tsv) throws IOException {
    Path file = temp.resolve("bench.tsv");
    Files.writeString(file, tsv, StandardCharsets.UTF_8);
    Dataset<MultipleChoiceQuestion> d =
        new MmbenchTsvProvider()
            .open(new MmbenchTsvProvider.Spec(file), new PluginContext(0, temp.resolve("c"), 1));
    List<MultipleChoiceQuestion> out = new ArrayList<>();
    try (SampleCursor<MultipleChoiceQuestion> c = d.samples()) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  /** Runs the task with a chat that answers {@code reply} and records its prompts. */
  private TaskOutcome run(
      List<MultipleChoiceQuestion> qs, String instruction, String reply, List<String> prompts) {
    Task<MultipleChoiceQuestion, MmbenchProvider.Answer> task =
        new MmbenchProvider().create(new MmbenchProvider.Spec(instruction, null, null, 0));
    MultipleChoiceChat chat =
        (requests, settings) -> {
          List<String> out = new ArrayList<>();
          for (ChatRequest r : requests) {
            prompts.add(r.prompt());
            out.add(reply);
          }
          return out;
        };
    try (Model model = new ChatOnly(chat);
        TaskSession<MultipleChoiceQuestion, MmbenchProvider.Answer> s =
            task.start(
                model,
                new TaskContext(
                    new DatasetInfo("x", qs.size(), List.of(), "mem"),
                    Optional.empty(),
                    1,
                    temp,
                    4))) {
      return s.finish(s.process(qs));
    }
  }

  /** A model whose only capability is the given multiple-choice chat. */
  private record ChatOnly(MultipleChoiceChat chat) implements Model {
    @Override
    public Set<Class<? extends Capability>> capabilities() {
      return Set.of(MultipleChoiceChat.class);
    }

    @Override
    public <C extends Capability> Optional<C> capability(Class<C> type) {
      return type == MultipleChoiceChat.class ? Optional.of(type.cast(chat)) : Optional.empty();
    }

    @Override
    public ModelInfo info() {
      return new ModelInfo("chat-only", "java", "cpu");
    }

    @Override
    public void close() {}
  }

  @Test
  void mmbenchCnLoadsPromptsInChineseAndScoresCircularly() throws IOException {
    String img = png();
    String tsv =
        "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\tsplit\timage\n"
            + "0\t图中有几个圆形？\t图片展示了平面图形。\t一个\t两个\t\t\tA\tobject_localization\tfinegrained_perception (instance-level)\tdev\t"
            + img
            + "\n"
            + "1000000\t图中有几个圆形？\t图片展示了平面图形。\t两个\t一个\t\t\tB\tobject_localization\tfinegrained_perception (instance-level)\tdev\t0\n";
    List<MultipleChoiceQuestion> qs = load(tsv);
    assertThat(qs).hasSize(2);
    assertThat(qs.get(1).questionIndex()).isEqualTo("0");
    List<String> prompts = new ArrayList<>();
    TaskOutcome outcome = run(qs, "请直接回答选项字母。", "A", prompts);
    assertThat(prompts.get(0)).isEqualTo("图片展示了平面图形。\n图中有几个圆形？\nA. 一个\nB. 两个\n请直接回答选项字母。");
    // "A" is right for the first variant and wrong for the rotated one: circular accuracy 0
    assertThat(outcome.metrics().get(0).value()).isZero();
    assertThat(outcome.categories()).extracting(c -> c.category()).contains("object_localization");
  }

  @Test
  void ccbenchColumnsLoadAndScoreWithoutHintOrLevel2Category() throws IOException {
    String img = png();
    String tsv =
        "index\tquestion\tA\tB\tC\tD\tanswer\tcategory\timage\n"
            + "0\t这幅画是哪个朝代的？\t唐\t宋\t元\t明\tB\tpainting\t"
            + img
            + "\n"
            + "1\t这是什么菜？\t饺子\t包子\t\t\tA\tfood_clothes\t"
            + img
            + "\n";
    List<MultipleChoiceQuestion> qs = load(tsv);
    assertThat(qs).hasSize(2);
    assertThat(qs.get(0).hint()).isNull();
    assertThat(qs.get(0).options()).containsExactly("唐", "宋", "元", "明");
    List<String> prompts = new ArrayList<>();
    TaskOutcome outcome = run(qs, "请直接回答选项字母。", "B", prompts);
    assertThat(prompts.get(1)).isEqualTo("这是什么菜？\nA. 饺子\nB. 包子\n请直接回答选项字母。");
    assertThat(outcome.metrics().get(0).value()).isEqualTo(0.5);
    // per category only: a TSV without l2-category has no level-2 breakdown (VLMEvalKit's
    // report_acc reads that column only when it exists)
    assertThat(outcome.categories())
        .extracting(c -> c.category())
        .containsExactlyInAnyOrder("food_clothes", "painting");
  }
}
