package io.vleval.datasets.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.datasets.gqa.GqaProvider;
import io.vleval.datasets.synth.SuiteFixture;
import io.vleval.datasets.textvqa.TextVqaProvider;
import io.vleval.datasets.vizwiz.VizWizProvider;
import io.vleval.datasets.vqav2.Vqav2Provider;
import io.vleval.testkit.contract.DatasetProviderContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VQA-family loaders: the contract on the synthetic suite's layouts, what each sample carries,
 * test splits without answers, malformed entries named by file and place, and image paths kept
 * inside the image folder.
 */
class VqaLoadersTest {

  static String suite(String relative) {
    return SuiteFixture.tiny().resolve(relative).toString();
  }

  @TempDir Path temp;

  PluginContext context() {
    return new PluginContext(0, temp.resolve("cache"), 1);
  }

  static List<VisualQuestion> all(Dataset<VisualQuestion> d) {
    List<VisualQuestion> out = new ArrayList<>();
    try (SampleCursor<VisualQuestion> c = d.samples()) {
      while (c.hasNext()) {
        out.add(c.next());
      }
    }
    return out;
  }

  /** Every entry: the sample's id, or "! sampleId message" for a malformed one. */
  static List<String> walk(Dataset<VisualQuestion> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<VisualQuestion> c = d.samples()) {
      while (c.hasNext()) {
        try {
          out.add(c.next().id());
        } catch (DatasetFormatException e) {
          out.add("! " + e.sampleId() + " " + e.getMessage());
        }
      }
    }
    return out;
  }

  Path write(String name, String json) throws IOException {
    Path file = temp.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  @Nested
  class Vqav2Contract extends DatasetProviderContractTest<Vqav2Provider.Spec> {
    @Override
    protected DatasetProvider<Vqav2Provider.Spec> provider() {
      return new Vqav2Provider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "questions: "
          + suite("vqav2/v2_OpenEnded_mscoco_val2014_questions.json")
          + "\nannotations: "
          + suite("vqav2/v2_mscoco_val2014_annotations.json")
          + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("questions: [a]\n", "questions");
    }
  }

  @Nested
  class TextVqaContract extends DatasetProviderContractTest<TextVqaProvider.Spec> {
    @Override
    protected DatasetProvider<TextVqaProvider.Spec> provider() {
      return new TextVqaProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: " + suite("textvqa/TextVQA_0.5.1_val.json") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "annotations: " + suite("textvqa/TextVQA_0.5.1_val.json") + "\nocr: 3\n", "ocr");
    }
  }

  @Nested
  class VizWizContract extends DatasetProviderContractTest<VizWizProvider.Spec> {
    @Override
    protected DatasetProvider<VizWizProvider.Spec> provider() {
      return new VizWizProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "annotations: " + suite("vizwiz/val.json") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec("annotation: x.json\n", "annotation");
    }
  }

  @Nested
  class GqaContract extends DatasetProviderContractTest<GqaProvider.Spec> {
    @Override
    protected DatasetProvider<GqaProvider.Spec> provider() {
      return new GqaProvider();
    }

    @Override
    protected String exampleSpecYaml() {
      return "questions: " + suite("gqa/testdev_balanced_questions.json") + "\n";
    }

    @Override
    protected BadSpec badSpec() {
      return new BadSpec(
          "questions: " + suite("gqa/testdev_balanced_questions.json") + "\nbalanced_only: maybe\n",
          "balanced_only");
    }
  }

  @Test
  void synthVqav2SamplesCarryTenAnswersTheAnswerTypeAndDecodableImages() {
    Dataset<VisualQuestion> d =
        new Vqav2Provider()
            .open(
                new Vqav2Provider.Spec(
                    Path.of(suite("vqav2/v2_OpenEnded_mscoco_val2014_questions.json")),
                    Path.of(suite("vqav2/v2_mscoco_val2014_annotations.json")),
                    null,
                    null),
                context());
    List<VisualQuestion> qs = all(d);
    assertThat(qs).isNotEmpty();
    for (VisualQuestion q : qs) {
      assertThat(q.answers()).hasSize(10);
      assertThat(q.category()).isIn("yes/no", "number", "other");
      assertThat(q.image().load().width()).isPositive();
      assertThat(q.image().origin()).contains("COCO_val2014_");
    }
  }

  @Test
  void vqav2TestSplitHasNoAnswersAndTestDevUsesTest2015Images() throws IOException {
    Path q =
        write(
            "v2_OpenEnded_mscoco_test-dev2015_questions.json",
            "{\"data_subtype\": \"test-dev2015\", \"questions\": [{\"image_id\": 7, \"question\": \"Why?\", \"question_id\": 7000}]}");
    Dataset<VisualQuestion> d =
        new Vqav2Provider().open(new Vqav2Provider.Spec(q, null, temp, null), context());
    List<VisualQuestion> qs = all(d);
    assertThat(qs).extracting(VisualQuestion::id).containsExactly("7000");
    assertThat(qs.get(0).answers()).isEmpty();
    assertThat(qs.get(0).image().origin()).endsWith("COCO_test2015_000000000007.jpg");
  }

  @Test
  void vqav2MalformedEntriesNameFileAndPlace() throws IOException {
    Path q =
        write(
            "q.json",
            "{\"data_subtype\": \"val2014\", \"questions\": [{\"image_id\": 1, \"question\": \"Q?\","
                + " \"question_id\": 10}, {\"image_id\": \"x\", \"question\": \"Q?\", \"question_id\": 11},"
                + " {\"image_id\": 3, \"question\": \"Q?\", \"question_id\": 12}]}");
    Path a =
        write(
            "a.json", "{\"annotations\": [{\"question_id\": 10, \"answers\": [{\"answer\": 3}]}]}");
    List<String> out =
        walk(new Vqav2Provider().open(new Vqav2Provider.Spec(q, a, temp, null), context()));
    assertThat(out).hasSize(3);
    assertThat(out.get(0))
        .startsWith("! 10 ")
        .contains("a.json")
        .contains("annotations[0]")
        .contains("answers[0].answer must be a string, found the integer 3");
    assertThat(out.get(1))
        .contains("q.json")
        .contains("questions[1]")
        .contains("image_id the string 'x'");
    assertThat(out.get(2)).contains("no annotation for question_id 12");
  }

  @Test
  void wrongTopLevelNamesTheFileAndWhatWasExpected() throws IOException {
    Path bad = write("val.json", "{\"questions\": 3}");
    assertThatThrownBy(
            () -> new VizWizProvider().open(new VizWizProvider.Spec(bad, null), context()))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageContaining("val.json")
        .hasMessageContaining(
            "expected a list of question objects (VizWiz format), found an object");
    Path q = write("q2.json", "{\"data_subtype\": \"val2014\", \"questions\": {}}");
    assertThatThrownBy(
            () -> new Vqav2Provider().open(new Vqav2Provider.Spec(q, null, temp, null), context()))
        .hasMessageContaining("q2.json")
        .hasMessageContaining("found 'questions' as an object");
  }

  @Test
  void vizwizTestSplitRecordsNoAnswersAndIdsAreImageNames() throws IOException {
    Path f =
        write(
            "test.json",
            "[{\"image\": \"VizWiz_test_00000000.jpg\", \"question\": \"What is it?\"}]");
    Dataset<VisualQuestion> d =
        new VizWizProvider().open(new VizWizProvider.Spec(f, temp), context());
    assertThat(walk(d)).containsExactly("VizWiz_test_00000000.jpg");
  }

  @Test
  void imagePathsStayInsideTheImageFolder() throws IOException {
    Path f = write("escape.json", "[{\"image\": \"../../etc/passwd\", \"question\": \"Q?\"}]");
    Path images = Files.createDirectories(temp.resolve("images"));
    List<String> out =
        walk(new VizWizProvider().open(new VizWizProvider.Spec(f, images), context()));
    assertThat(out).hasSize(1);
    assertThat(out.get(0)).startsWith("! ../../etc/passwd").contains("escape.json").contains("[0]");
  }

  @Test
  void gqaListsBalancedQuestionsWithTypesAndTextVqaTakesRosettaOcr() throws IOException {
    Path g =
        write(
            "gqa/testdev_balanced_questions.json",
            "{\"1\": {\"imageId\": \"n1\", \"question\": \"Is it red?\", \"answer\": \"yes\","
                + " \"isBalanced\": true, \"types\": {\"structural\": \"verify\", \"semantic\": \"attr\"}},"
                + " \"2\": {\"imageId\": \"n1\", \"question\": \"Q\", \"answer\": \"no\", \"isBalanced\": false,"
                + " \"types\": {\"structural\": \"verify\", \"semantic\": \"attr\"}}}");
    Dataset<VisualQuestion> d =
        new GqaProvider().open(new GqaProvider.Spec(g, temp, null), context());
    assertThat(walk(d)).containsExactly("1");
    assertThat(
            new GqaProvider().open(new GqaProvider.Spec(g, temp, false), context()).info().size())
        .isEqualTo(2);
    Path t =
        write(
            "TextVQA_0.5.1_val.json",
            "{\"dataset_type\": \"val\", \"data\": [{\"question\": \"what brand?\", \"image_id\": \"abc\","
                + " \"question_id\": 5, \"answers\": [\"sony\"]}]}");
    Path ocr =
        write(
            "TextVQA_Rosetta_OCR_v0.2_val.json",
            "{\"data\": [{\"image_id\": \"abc\", \"ocr_tokens\": [\"SONY\", \"50\"]}]}");
    Files.createDirectories(temp.resolve("train_images"));
    Files.write(
        temp.resolve("train_images/abc.jpg"),
        Files.readAllBytes(Path.of(suite("vizwiz/val/VizWiz_val_00000000.jpg"))));
    List<VisualQuestion> qs =
        all(new TextVqaProvider().open(new TextVqaProvider.Spec(t, null, ocr), context()));
    assertThat(qs.get(0).attributes())
        .containsEntry("ocr_tokens", "SONY, 50")
        .containsEntry("image_id", "abc");
    assertThat(qs.get(0).answers()).containsExactly("sony");
  }
}
