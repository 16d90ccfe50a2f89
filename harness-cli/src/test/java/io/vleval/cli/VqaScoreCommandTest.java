package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.vqa.Unanswerability;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval score vqav2|textvqa|vizwiz|gqa} through the real command, on the files the
 * reference scorers read, built from the reference fixture's cases ({@code vqa/vqa_reference.json}
 * of the tasks tests): every variant gives the overall and per-answer-type accuracy the reference
 * code computed, GQA the figures its {@code eval.py} printed, and bad input is one line naming the
 * file and the entry.
 */
class VqaScoreCommandTest {

  static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path temp;

  static JsonNode reference() throws IOException {
    try (InputStream in =
        VqaScoreCommandTest.class.getResourceAsStream("/vqa/vqa_reference.json")) {
      assertThat(in).as("vqa/vqa_reference.json from the tasks test jar").isNotNull();
      return MAPPER.readTree(in);
    }
  }

  static double metric(Cli.Result r, String name) throws IOException {
    assertThat(r.exitCode()).as(r.err()).isZero();
    for (JsonNode m : MAPPER.readTree(r.out()).get("metrics")) {
      if (m.get("name").asText().equals(name)) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no metric " + name + " in " + r.out());
  }

  /** VQA annotations and results files from the fixture's cases. */
  Path[] vqaFiles(JsonNode ref) throws IOException {
    ObjectNode annotations = MAPPER.createObjectNode();
    ArrayNode list = annotations.putArray("annotations");
    ArrayNode results = MAPPER.createArrayNode();
    for (JsonNode c : ref.get("cases")) {
      ObjectNode a = list.addObject();
      a.put("question_id", c.get("id").asLong());
      a.put("answer_type", c.get("answer_type").asText());
      a.put("question_type", c.get("question_type").asText());
      ArrayNode answers = a.putArray("answers");
      int j = 1;
      for (JsonNode text : c.get("answers")) {
        answers
            .addObject()
            .put("answer", text.asText())
            .put("answer_confidence", "yes")
            .put("answer_id", j++);
      }
      results
          .addObject()
          .put("question_id", c.get("id").asLong())
          .put("answer", c.get("prediction").asText());
    }
    Path ann = temp.resolve("v2_mscoco_val2014_annotations.json");
    Path res = temp.resolve("results.json");
    MAPPER.writeValue(ann.toFile(), annotations);
    MAPPER.writeValue(res.toFile(), results);
    return new Path[] {res, ann};
  }

  @Test
  void vqav2EveryVariantGivesTheReferenceAccuracies() throws IOException {
    JsonNode ref = reference();
    Path[] files = vqaFiles(ref);
    for (String variant : new String[] {"vqa-2016", "vqa-2021", "m4c", "evalai+vqa-2021"}) {
      Cli.Result r =
          Cli.run(
              "score",
              "vqav2",
              files[0].toString(),
              files[1].toString(),
              "--scorer",
              variant,
              "--json",
              "--resamples",
              "0");
      JsonNode acc = ref.get("accuracy").get(variant);
      if (acc.has("overall")) {
        assertThat(Math.round(metric(r, "accuracy") * 10000) / 100.0)
            .as(variant)
            .isEqualTo(acc.get("overall").asDouble());
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = acc.get("perAnswerTypeUnrounded").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertThat(metric(r, e.getKey()))
            .as(variant + " " + e.getKey())
            .isCloseTo(e.getValue().asDouble(), Offset.offset(1e-12));
      }
    }
    Cli.Result table =
        Cli.run("score", "vqav2", files[0].toString(), files[1].toString(), "--resamples", "100");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .contains("vqav2: " + ref.get("cases").size() + " questions")
        .contains("yes/no")
        .contains("95% CI");
  }

  @Test
  void vizwizAndTextVqaReadTheirOwnFormats() throws IOException {
    JsonNode ref = reference();
    ArrayNode val = MAPPER.createArrayNode();
    ArrayNode results = MAPPER.createArrayNode();
    ObjectNode textvqa = MAPPER.createObjectNode();
    ArrayNode data = textvqa.putArray("data");
    for (JsonNode c : ref.get("cases")) {
      String image = "VizWiz_val_" + c.get("id").asText() + ".jpg";
      ObjectNode e = val.addObject().put("image", image).put("question", "q");
      ArrayNode answers = e.putArray("answers");
      for (JsonNode text : c.get("answers")) {
        answers.addObject().put("answer", text.asText()).put("answer_confidence", "yes");
      }
      e.put("answer_type", c.get("answer_type").asText());
      results.addObject().put("image", image).put("answer", c.get("prediction").asText());
      ObjectNode t =
          data.addObject()
              .put("question", "q")
              .put("image_id", "i")
              .put("question_id", c.get("id").asLong());
      t.set("answers", c.get("answers"));
    }
    Path valFile = temp.resolve("val.json");
    Path resFile = temp.resolve("vizwiz_results.json");
    Path textFile = temp.resolve("TextVQA_0.5.1_val.json");
    MAPPER.writeValue(valFile.toFile(), val);
    MAPPER.writeValue(resFile.toFile(), results);
    MAPPER.writeValue(textFile.toFile(), textvqa);
    Cli.Result flagged =
        Cli.run(
            "score",
            "vizwiz",
            resFile.toString(),
            valFile.toString(),
            "--json",
            "--resamples",
            "0");
    assertThat(MAPPER.readTree(flagged.out()).get("metrics").toString())
        .as("no unanswerability without answerable flags")
        .doesNotContain("unanswerable_ap");
    for (JsonNode e : val) {
      ((ObjectNode) e)
          .put("answerable", e.get("answer_type").asText().equals("unanswerable") ? 0 : 1);
    }
    MAPPER.writeValue(valFile.toFile(), val);
    Cli.Result withFlags =
        Cli.run(
            "score",
            "vizwiz",
            resFile.toString(),
            valFile.toString(),
            "--json",
            "--resamples",
            "0");
    int n = ref.get("cases").size();
    boolean[] unanswerable = new boolean[n];
    boolean[] said = new boolean[n];
    for (int i = 0; i < n; i++) {
      JsonNode c = ref.get("cases").get(i);
      unanswerable[i] = c.get("answer_type").asText().equals("unanswerable");
      said[i] = Unanswerability.predictsUnanswerable(c.get("prediction").asText());
    }
    List<MetricValue> expected = Unanswerability.metrics(unanswerable, said, Optional.empty());
    assertThat(metric(withFlags, "unanswerable_ap")).isEqualTo(expected.get(0).value());
    assertThat(metric(withFlags, "unanswerable_f1")).isEqualTo(expected.get(1).value());
    assertThat(expected.get(1).value()).isStrictlyBetween(0.0, 1.0);
    for (String variant : new String[] {"vizwiz", "evalai+vizwiz"}) {
      Cli.Result r =
          Cli.run(
              "score",
              "vizwiz",
              resFile.toString(),
              valFile.toString(),
              "--scorer",
              variant,
              "--json",
              "--resamples",
              "0");
      assertThat(Math.round(metric(r, "accuracy") * 10000) / 100.0)
          .as(variant)
          .isEqualTo(ref.get("accuracy").get(variant).get("overall").asDouble());
    }
    Path vqaResults = vqaFiles(ref)[0];
    Cli.Result t =
        Cli.run(
            "score",
            "textvqa",
            vqaResults.toString(),
            textFile.toString(),
            "--json",
            "--resamples",
            "0");
    assertThat(metric(t, "accuracy"))
        .isCloseTo(
            ref.get("accuracy").get("m4c").get("overallUnrounded").asDouble(),
            Offset.offset(1e-12));
  }

  @Test
  void gqaGivesTheFiguresEvalPyPrinted() throws IOException {
    JsonNode gqa = reference().get("gqa");
    ObjectNode questions = MAPPER.createObjectNode();
    ArrayNode predictions = MAPPER.createArrayNode();
    for (JsonNode c : gqa.get("cases")) {
      ObjectNode q = questions.putObject(c.get("id").asText());
      q.put("imageId", "n1")
          .put("question", "q")
          .put("answer", c.get("answer").asText())
          .put("isBalanced", true);
      q.putObject("types")
          .put("structural", c.get("structural").asText())
          .put("semantic", c.get("semantic").asText());
      predictions
          .addObject()
          .put("questionId", c.get("id").asText())
          .put("prediction", c.get("converted").asText());
    }
    Path q = temp.resolve("testdev_balanced_questions.json");
    Path p = temp.resolve("testdev_balanced_predictions.json");
    MAPPER.writeValue(q.toFile(), questions);
    MAPPER.writeValue(p.toFile(), predictions);
    Cli.Result r =
        Cli.run("score", "gqa", p.toString(), q.toString(), "--json", "--resamples", "0");
    String printed = gqa.get("printed").asText();
    assertThat(printed)
        .contains(String.format(Locale.ROOT, "Accuracy: %.2f%%", 100 * metric(r, "accuracy")));
    assertThat(printed)
        .contains(String.format(Locale.ROOT, "Binary: %.2f%%", 100 * metric(r, "binary")));
    assertThat(printed)
        .contains(String.format(Locale.ROOT, "Open: %.2f%%", 100 * metric(r, "open")));
    assertThat(printed)
        .contains(
            String.format(Locale.ROOT, "  query: %.2f%%", 100 * metric(r, "structural/query")));
  }

  @Test
  void badInputIsOneLineNamingTheFileAndTheEntry() throws IOException {
    JsonNode ref = reference();
    Path[] files = vqaFiles(ref);
    Path partial = temp.resolve("partial.json");
    Files.writeString(partial, "[{\"question_id\": 1000, \"answer\": \"two\"}]");
    Cli.Result missing = Cli.run("score", "vqav2", partial.toString(), files[1].toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(missing.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("error: " + partial + ": ")
        .contains("have no prediction (the first: 1001)");
    Path typed = temp.resolve("typed.json");
    Files.writeString(typed, "[{\"question_id\": 1000, \"answer\": 2}]");
    Cli.Result wrong = Cli.run("score", "vqav2", typed.toString(), files[1].toString());
    assertThat(wrong.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("error: " + typed + ": [0]: ")
        .contains("expected 'answer' as a string, found the number 2");
    Path extra = temp.resolve("extra.json");
    Files.writeString(extra, "[{\"question_id\": 99, \"answer\": \"x\"}]");
    Cli.Result unknown = Cli.run("score", "vqav2", extra.toString(), files[1].toString());
    assertThat(unknown.err()).contains("id 99").contains("not a question of");
    Cli.Result scorer =
        Cli.run("score", "vqav2", files[0].toString(), files[1].toString(), "--scorer", "vqa-2019");
    assertThat(scorer.exitCode()).isEqualTo(ExitCode.USER_ERROR);
    assertThat(scorer.err()).contains("unknown VQA scorer 'vqa-2019'");
  }
}
