package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.datasets.mme.MmeProvider;
import io.vleval.datasets.mmvet.MmvetProvider;
import io.vleval.datasets.pope.PopeProvider;
import io.vleval.datasets.scienceqa.ScienceQaProvider;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.testkit.contract.DatasetProviderContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The POPE, MME, ScienceQA and MM-Vet loaders: the dataset contract on the synthetic suite's
 * layouts (and a small MM-Vet tree), what they read from it, and a one-line error naming the file
 * and the entry for each kind of malformed annotation.
 */
class ClosedLayoutsTest {

  @TempDir Path temp;

  static String suite(String relative) {
    return SuiteFixture.tiny().resolve(relative).toString();
  }

  private PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  static <T extends Sample> List<T> all(Dataset<T> d) {
    List<T> out = new ArrayList<>();
    try (SampleCursor<T> c = d.samples()) {
      c.forEachRemaining(out::add);
    }
    return out;
  }

  @Nested
  class Pope extends DatasetProviderContractTest<PopeProvider.Spec> {
    @Override
    protected DatasetProvider<PopeProvider.Spec> provider() {
      return new PopeProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: " + suite("pope/coco") + "\nimages: " + suite("pope/val2014") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "annotations: "
              + suite("pope/coco")
              + "\nimages: "
              + suite("pope/val2014")
              + "\nsplits: [hard]\n",
          "splits");
    }
  }

  @Nested
  class Mme extends DatasetProviderContractTest<MmeProvider.Spec> {
    @Override
    protected DatasetProvider<MmeProvider.Spec> provider() {
      return new MmeProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "root: " + suite("mme/MME_Benchmark_release_version") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "root: " + suite("mme/MME_Benchmark_release_version") + "\nsubtask: count\n", "subtask");
    }
  }

  @Nested
  class ScienceQa extends DatasetProviderContractTest<ScienceQaProvider.Spec> {
    @Override
    protected DatasetProvider<ScienceQaProvider.Spec> provider() {
      return new ScienceQaProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "root: " + suite("scienceqa") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("root: " + suite("scienceqa") + "\nimage_only: maybe\n", "image_only");
    }
  }

  @Test
  void popeReadsEverySplitWithItsLabels() {
    List<VisualQuestion> qs =
        all(
            new PopeProvider()
                .open(
                    new PopeProvider.Spec(
                        Path.of(suite("pope/coco")), Path.of(suite("pope/val2014")), null),
                    context()));
    assertThat(qs.stream().map(VisualQuestion::category).distinct())
        .containsExactly("adversarial", "popular", "random");
    assertThat(qs).allSatisfy(q -> assertThat(q.answers()).containsAnyOf("yes", "no"));
    assertThat(qs.get(0).id()).isEqualTo("adversarial/1");
    assertThat(qs.get(0).question()).startsWith("Is there a ").endsWith(" in the image?");
    assertThat(qs.get(0).image().load().width()).isPositive();
  }

  @Test
  void mmeReadsBothFolderLayouts() {
    List<VisualQuestion> qs =
        all(
            new MmeProvider()
                .open(
                    new MmeProvider.Spec(Path.of(suite("mme/MME_Benchmark_release_version")), null),
                    context()));
    // color uses images/ + questions_answers_YN/, count and existence keep them side by side
    assertThat(qs.stream().map(VisualQuestion::category).distinct())
        .containsExactly("color", "count", "existence");
    assertThat(
            qs.stream()
                .collect(
                    Collectors.groupingBy(
                        q -> q.category() + q.attributes().get("image"), Collectors.counting()))
                .values())
        .allSatisfy(n -> assertThat(n).isEqualTo(2L));
    assertThat(qs.get(0).answers()).containsExactly("Yes");
    assertThat(qs.get(1).answers()).containsExactly("No");
    assertThat(qs.get(0).image().load().width()).isPositive();
  }

  @Test
  void scienceQaKeepsOnlyQuestionsWithAnImageByDefault() {
    Path root = Path.of(suite("scienceqa"));
    List<MultipleChoiceQuestion> img =
        all(new ScienceQaProvider().open(new ScienceQaProvider.Spec(root, null, null), context()));
    List<MultipleChoiceQuestion> every =
        all(
            new ScienceQaProvider()
                .open(new ScienceQaProvider.Spec(root, "test", false), context()));
    assertThat(img).isNotEmpty().allSatisfy(q -> assertThat(q.image()).isNotNull());
    assertThat(every.size()).isGreaterThan(img.size());
    assertThat(img.get(0).category()).isEqualTo("natural science");
    assertThat(img.get(0).l2Category()).startsWith("grade");
    assertThat(img.get(0).image().load().width()).isPositive();
  }

  @Test
  void mmvetReadsItsJsonAndImages() throws IOException {
    Path root =
        mmvet(
            "{\"v1_0\": {\"imagename\": \"v1_0.png\", \"capability\": [\"rec\", \"ocr\"],"
                + " \"question\": \"What is it?\", \"answer\": \"a cat<OR>cat\"}}");
    List<VisualQuestion> qs =
        all(new MmvetProvider().open(new MmvetProvider.Spec(root), context()));
    assertThat(qs).hasSize(1);
    assertThat(qs.get(0).id()).isEqualTo("v1_0");
    assertThat(qs.get(0).answers()).containsExactly("a cat<OR>cat");
    assertThat(qs.get(0).attributes()).containsEntry("capability", "rec,ocr");
  }

  private Path mmvet(String json) throws IOException {
    Path root = temp.resolve("mm-vet");
    Files.createDirectories(root.resolve("images"));
    Files.writeString(root.resolve("mm-vet.json"), json);
    Files.copy(
        SuiteFixture.tiny().resolve("scienceqa/images/test/1/image.png"),
        root.resolve("images/v1_0.png"));
    return root;
  }

  @Test
  void malformedPopeLinesNameFileAndLine() throws IOException {
    Path ann = temp.resolve("coco");
    Files.createDirectories(ann);
    Files.writeString(
        ann.resolve("coco_pope_random.json"),
        "{\"question_id\": 1, \"image\": \"a.jpg\", \"text\": \"Is there a cat?\", \"label\": \"yes\"}\n"
            + "{\"question_id\": 2, \"image\": \"a.jpg\", \"text\": \"Is there a dog?\", \"label\": \"maybe\"}\n");
    assertThatThrownBy(
            () ->
                new PopeProvider()
                    .open(new PopeProvider.Spec(ann, temp, List.of("random")), context()))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("coco_pope_random.json")
        .hasMessageContaining("line 2 (question_id 2)")
        .hasMessageContaining("label 'maybe', expected 'yes' or 'no'");
    Files.writeString(
        ann.resolve("coco_pope_random.json"),
        "{\"question_id\": 1, \"image\": \"../../etc/passwd\", \"text\": \"Is there a cat?\", \"label\": \"yes\"}\n");
    assertThatThrownBy(
            () ->
                new PopeProvider()
                    .open(new PopeProvider.Spec(ann, temp, List.of("random")), context()))
        .hasMessageContaining("line 1 (question_id 1)")
        .hasMessageContaining("leaves the dataset root");
  }

  @Test
  void malformedMmeLinesNameFileAndLine() throws IOException {
    Path sub = temp.resolve("MME/existence");
    Files.createDirectories(sub);
    Files.copy(
        SuiteFixture.tiny().resolve("scienceqa/images/test/1/image.png"), sub.resolve("0001.png"));
    Files.writeString(sub.resolve("0001.txt"), "Is there a cat?\tYes\nIs there a dog?\tPerhaps\n");
    assertThatThrownBy(
            () ->
                new MmeProvider().open(new MmeProvider.Spec(temp.resolve("MME"), null), context()))
        .hasMessageContaining("0001.txt")
        .hasMessageContaining("line 2")
        .hasMessageContaining("answer 'Perhaps', expected Yes or No");
    Files.writeString(sub.resolve("0002.txt"), "Is there a cat?\tYes\n");
    Files.writeString(sub.resolve("0001.txt"), "Is there a cat?\tYes\n");
    assertThatThrownBy(
            () ->
                new MmeProvider().open(new MmeProvider.Spec(temp.resolve("MME"), null), context()))
        .hasMessageContaining("0002.txt")
        .hasMessageContaining("no image named 0002.jpg, .png or .jpeg");
  }

  @Test
  void malformedScienceQaProblemsNameTheKey() throws IOException {
    Path root = temp.resolve("sqa");
    Files.createDirectories(root);
    Files.writeString(root.resolve("pid_splits.json"), "{\"test\": [\"7\"]}");
    Files.writeString(
        root.resolve("problems.json"),
        "{\"7\": {\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": 2, \"hint\": \"\","
            + " \"image\": null, \"split\": \"test\"}}");
    assertThatThrownBy(
            () ->
                new ScienceQaProvider()
                    .open(new ScienceQaProvider.Spec(root, "test", false), context()))
        .hasMessageContaining("problems.json")
        .hasMessageContaining("key '7'.answer")
        .hasMessageContaining(
            "expected the index of the right choice (0 to 1), found the integer 2");
    assertThatThrownBy(
            () ->
                new ScienceQaProvider()
                    .open(new ScienceQaProvider.Spec(root, "minitest", false), context()))
        .hasMessageContaining("pid_splits.json")
        .hasMessageContaining("key 'minitest'")
        .hasMessageContaining("no such split");
  }

  @Test
  void malformedMmvetEntriesNameTheKey() throws IOException {
    Path root =
        mmvet(
            "{\"v1_0\": {\"imagename\": \"v1_0.png\", \"capability\": \"rec\", \"question\": \"Q\","
                + " \"answer\": \"A\"}}");
    assertThatThrownBy(() -> new MmvetProvider().open(new MmvetProvider.Spec(root), context()))
        .hasMessageContaining("mm-vet.json")
        .hasMessageContaining("key 'v1_0'")
        .hasMessageContaining("expected a non-empty list of capabilities");
  }
}
