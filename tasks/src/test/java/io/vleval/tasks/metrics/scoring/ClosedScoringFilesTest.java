package io.vleval.tasks.metrics.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.tasks.metrics.ClosedFixtures;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.mme.MmeAnswers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vleval score pope|mme|scienceqa|mmvet}'s file formats: the reference fixtures' cases
 * written as the official scorers' input files give the reference's scores, and malformed files
 * fail with one line naming the file and the place.
 */
class ClosedScoringFilesTest {
  @TempDir Path temp;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void popeFromAnswersAndLabelFolder() throws IOException {
    for (JsonNode c : ClosedFixtures.read("/pope/pope_reference.json").get("cases")) {
      Path dir = Files.createDirectories(temp.resolve("pope-" + c.get("name").asText()));
      Path labels = Files.createDirectories(dir.resolve("coco"));
      Map<String, StringBuilder> files = new LinkedHashMap<>();
      StringBuilder answers = new StringBuilder();
      int qid = 0;
      for (JsonNode it : c.get("items")) {
        qid++;
        String split = it.get("split").asText();
        files
            .computeIfAbsent(split, s -> new StringBuilder())
            .append(
                JSON.writeValueAsString(
                    Map.of("question_id", qid, "label", it.get("label").asText())))
            .append('\n');
        answers
            .append(
                JSON.writeValueAsString(
                    Map.of(
                        "question_id", qid, "text", it.get("reply").asText(), "category", split)))
            .append('\n');
      }
      for (Map.Entry<String, StringBuilder> e : files.entrySet()) {
        Files.writeString(labels.resolve("coco_pope_" + e.getKey() + ".json"), e.getValue());
      }
      Path a = dir.resolve("answers.jsonl");
      Files.writeString(a, answers);
      ScoreTable t = ClosedScoring.pope(a, labels, ScoreOptions.NO_INTERVALS);
      assertThat(t.value("F1")).isCloseTo(c.get("F1").asDouble(), within(1e-12));
      for (Iterator<Map.Entry<String, JsonNode>> s = c.get("splits").fields(); s.hasNext(); ) {
        Map.Entry<String, JsonNode> e = s.next();
        assertThat(t.value(e.getKey() + "/accuracy"))
            .isCloseTo(e.getValue().get("accuracy").asDouble(), within(1e-12));
      }
    }
  }

  @Test
  void mmeFromResultFolder() throws IOException {
    for (JsonNode c : ClosedFixtures.read("/mme/mme_reference.json").get("cases")) {
      Path dir = Files.createDirectories(temp.resolve(c.get("name").asText().replace('/', '-')));
      Map<String, StringBuilder> files = new LinkedHashMap<>();
      boolean internVl = c.get("variant").asText().equals("internvl");
      for (JsonNode it : c.get("items")) {
        String reply = it.get("reply").asText();
        files
            .computeIfAbsent(it.get("subtask").asText(), s -> new StringBuilder())
            .append(
                String.join(
                    "\t",
                    it.get("image").asText(),
                    it.get("question").asText(),
                    it.get("answer").asText(),
                    internVl ? MmeAnswers.internVlPostProcess(reply) : reply))
            .append('\n');
      }
      for (Map.Entry<String, StringBuilder> e : files.entrySet()) {
        Files.writeString(dir.resolve(e.getKey() + ".txt"), e.getValue(), StandardCharsets.UTF_8);
      }
      ScoreTable t = ClosedScoring.mme(dir, ScoreOptions.NO_INTERVALS);
      assertThat(t.value("perception")).isCloseTo(c.get("perception").asDouble(), within(1e-9));
      assertThat(t.value("cognition")).isCloseTo(c.get("cognition").asDouble(), within(1e-9));
    }
  }

  @Test
  void scienceQaFromLlavaAnswers() throws IOException {
    for (JsonNode c : ClosedFixtures.read("/scienceqa/scienceqa_reference.json").get("cases")) {
      Path dir = Files.createDirectories(temp.resolve("sqa-" + c.get("name").asText()));
      ObjectNode problems = JSON.createObjectNode();
      StringBuilder answers = new StringBuilder();
      List<String> pids = new ArrayList<>();
      for (JsonNode it : c.get("items")) {
        String pid = it.get("pid").asText();
        pids.add(pid);
        ObjectNode p = ((ObjectNode) it.deepCopy());
        p.put("split", "test");
        problems.set(pid, p);
        if (!it.get("reply").isNull()) {
          answers
              .append(
                  JSON.writeValueAsString(
                      Map.of("question_id", pid, "text", it.get("reply").asText())))
              .append('\n');
        }
      }
      Files.writeString(dir.resolve("problems.json"), JSON.writeValueAsString(problems));
      Files.writeString(
          dir.resolve("pid_splits.json"), JSON.writeValueAsString(Map.of("test", pids)));
      Path a = dir.resolve("answers.jsonl");
      Files.writeString(a, answers);
      for (String scorer : List.of("llava", "internvl")) {
        ScoreTable t = ClosedScoring.scienceQa(a, dir, "test", scorer, ScoreOptions.NO_INTERVALS);
        assertThat(t.value("accuracy") * 100)
            .as(scorer)
            .isCloseTo(c.get(scorer).get("acc_average").asDouble(), within(0.005 + 1e-9));
        assertThat(t.value("NAT") * 100)
            .as(scorer)
            .isCloseTo(c.get(scorer).get("acc_natural").asDouble(), within(0.005 + 1e-9));
      }
    }
  }

  @Test
  void mmvetFromGradeFile() throws IOException {
    for (JsonNode c : ClosedFixtures.read("/mmvet/mmvet_reference.json").get("cases")) {
      Path dir = Files.createDirectories(temp.resolve("mmvet-" + c.get("name").asText()));
      ObjectNode grades = JSON.createObjectNode();
      ObjectNode data = JSON.createObjectNode();
      for (JsonNode s : c.get("samples")) {
        ObjectNode g = grades.putObject(s.get("id").asText());
        g.putArray("model").add("gpt-4-0613");
        g.putArray("content").add(s.get("content").asText());
        g.putArray("score").add(s.get("score").asDouble());
        ObjectNode d = data.putObject(s.get("id").asText());
        d.put("imagename", s.get("imagename").asText());
        d.set("capability", s.get("capability"));
        d.put("question", s.get("question").asText());
        d.put("answer", s.get("answer").asText());
      }
      Path gf = dir.resolve("grades.json");
      Path df = dir.resolve("mm-vet.json");
      Files.writeString(gf, JSON.writeValueAsString(grades));
      Files.writeString(df, JSON.writeValueAsString(data));
      ScoreTable t = ClosedScoring.mmvet(gf, df, ScoreOptions.NO_INTERVALS);
      for (Iterator<Map.Entry<String, JsonNode>> it = c.get("capabilities").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertThat(t.value(e.getKey())).isCloseTo(e.getValue().asDouble(), within(0.05 + 1e-9));
      }
    }
  }

  @Test
  void malformedInputsNameFileAndPlace() throws IOException {
    Path labels = temp.resolve("coco_pope_random.json");
    Files.writeString(labels, "{\"question_id\": 1, \"label\": \"yes\"}\n");
    Path answers = temp.resolve("answers.jsonl");
    Files.writeString(answers, "{\"question_id\": 2, \"answer\": \"Yes\"}\n");
    assertThatThrownBy(() -> ClosedScoring.pope(answers, labels, ScoreOptions.NO_INTERVALS))
        .isInstanceOf(ScoreInputException.class)
        .hasMessage(answers + ": line 1: question_id 2 is not in the random labels");
    Path mme = Files.createDirectories(temp.resolve("mme"));
    Files.writeString(mme.resolve("count.txt"), "a.jpg\tQ?\tYes\n");
    assertThatThrownBy(() -> ClosedScoring.mme(mme, ScoreOptions.NO_INTERVALS))
        .hasMessageStartingWith(mme.resolve("count.txt") + ": line 1: 3 tab-separated fields");
    Path grades = temp.resolve("grades.json");
    Files.writeString(grades, "{}");
    Path vet = temp.resolve("mm-vet.json");
    Files.writeString(vet, "{\"v1_0\": {\"capability\": [\"rec\"]}}");
    assertThatThrownBy(() -> ClosedScoring.mmvet(grades, vet, ScoreOptions.NO_INTERVALS))
        .hasMessage(grades + ": key 'v1_0': no grade (expected {\"score\": [numbers]})");
  }
}
