package io.vleval.tasks.captioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PtbTokenizer} against CoreNLP 3.4.1's command line run as pycocoevalcap runs it, on every
 * call of {@code ptb/ptb_cli_reference.json} (made by {@code
 * src/test/fixture-gen/ptb_cli_reference.py}).
 */
class PtbTokenizerTest {

  private static JsonNode reference() throws IOException {
    try (InputStream in =
        PtbTokenizerTest.class.getResourceAsStream("/ptb/ptb_cli_reference.json")) {
      assertThat(in).as("ptb/ptb_cli_reference.json on the test class path").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @TestFactory
  Stream<DynamicNode> everyCallMatchesTheCommandLine() throws IOException {
    JsonNode calls = reference().get("calls");
    assertThat(calls.size()).isGreaterThan(100);
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonNode call : calls) {
      tests.add(
          dynamicTest(
              call.get("name").asText(),
              () ->
                  assertThat(PtbTokenizer.tokenizeCall(texts(call.get("captions"))))
                      .as("captions %s", call.get("captions"))
                      .containsExactlyElementsOf(texts(call.get("tokenized")))));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicNode> aCaptionWithAnInnerLineBreakKeepsItsTokensOnOneLine() throws IOException {
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonNode c : reference().get("line_breaks")) {
      List<String> lines = texts(c.get("lines"));
      assertThat(lines).as("the reference splits %s", c.get("name")).hasSizeGreaterThan(1);
      String joined = String.join(" ", lines.stream().filter(l -> !l.isEmpty()).toList());
      tests.add(
          dynamicTest(
              c.get("name").asText(),
              () -> {
                String caption = c.get("caption").asText();
                assertThat(PtbTokenizer.tokenizeCall(List.of(caption, "a dog")))
                    .containsExactly(joined, "a dog");
              }));
    }
    return tests.stream();
  }

  @Test
  void anEmoticonEndingTheLastCaptionOfACallSplitsAsInTheReference() {
    // the reference's file has no line end after its last caption, where ":)" is not an emoticon
    assertThat(PtbTokenizer.tokenizeCall(List.of("A dog. :)", "A DOG IN A FIELD. :)")))
        .containsExactly("a dog :-rrb-", "a dog in a field -rrb-");
  }

  @Test
  void tokenizeAllMakesOneCallForReferencesAndOneForPredictions() {
    List<CaptionSample> samples =
        List.of(
            new CaptionSample("1", List.of("a dog :)", "a cat :)"), "a bird :)"),
            new CaptionSample("2", List.of("a fish :)"), "a cow :)"));
    assertThat(PtbTokenizer.tokenizeAll(samples))
        .containsExactly(
            new CaptionSample("1", List.of("a dog :-rrb-", "a cat :-rrb-"), "a bird :-rrb-"),
            new CaptionSample("2", List.of("a fish -rrb-"), "a cow -rrb-"));
  }
}
