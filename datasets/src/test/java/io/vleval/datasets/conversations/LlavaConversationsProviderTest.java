package io.vleval.datasets.conversations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.Conversation.Turn;
import io.vleval.api.sample.SampleCursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaConversationsProviderTest {
  @TempDir Path temp;

  private final LlavaConversationsProvider provider = new LlavaConversationsProvider();

  private Dataset<Conversation> annotations(Path file) {
    return provider.open(
        new LlavaConversationsProvider.Spec(file, null, null, null, null), context());
  }

  private Dataset<Conversation> meta(Path file, Integer buffer) {
    return provider.open(
        new LlavaConversationsProvider.Spec(null, null, file, buffer, 5L), context());
  }

  private PluginContext context() {
    return new PluginContext(1, temp.resolve("cache"), 1);
  }

  /** Each conversation as "id: role=text | ...", or "!message" for a malformed entry. */
  private static List<String> read(Dataset<Conversation> d) {
    List<String> out = new ArrayList<>();
    try (SampleCursor<Conversation> c = d.samples()) {
      while (c.hasNext()) {
        try {
          Conversation s = c.next();
          out.add(
              s.id()
                  + " "
                  + s.images().size()
                  + ": "
                  + s.turns().stream()
                      .map(t -> t.role() + "=" + t.text())
                      .collect(Collectors.joining(" | ")));
        } catch (DatasetFormatException e) {
          out.add("!" + e.getMessage());
        }
      }
    }
    return out;
  }

  private static String entry(String id, String image, String question, String answer) {
    return "{\"id\": \""
        + id
        + "\", "
        + (image == null ? "" : "\"image\": " + image + ", ")
        + "\"conversations\": [{\"from\": \"human\", \"value\": \""
        + question
        + "\"}, {\"from\": \"gpt\", \"value\": \""
        + answer
        + "\"}]}";
  }

  @Test
  void readsAJsonListWithRolesNormalisedAndImagesInsideTheRoot() throws IOException {
    Files.createDirectories(temp.resolve("coco/train2017"));
    Path file = temp.resolve("llava.json");
    Files.writeString(
        file,
        "[\n"
            + entry("1", "\"coco/train2017/1.jpg\"", "<image>\\nWhat is it?", "A cat.")
            + ",\n"
            + entry("2", "[\"a.jpg\", \"b.jpg\"]", "Compare <image> and <image>.", "Same.")
            + ",\n"
            + entry("3", null, "Hello", "Hi")
            + "\n]");
    List<Conversation> all = new ArrayList<>();
    try (SampleCursor<Conversation> c = annotations(file).samples()) {
      c.forEachRemaining(all::add);
    }
    assertThat(all)
        .extracting(Conversation::id)
        .containsExactly("llava.json/0", "llava.json/1", "llava.json/2");
    assertThat(all.get(0).turns())
        .containsExactly(new Turn("user", "<image>\nWhat is it?"), new Turn("assistant", "A cat."));
    assertThat(all.get(0).images().get(0).origin())
        .isEqualTo(temp.resolve("coco/train2017/1.jpg").toString());
    assertThat(all.get(1).images()).hasSize(2);
    assertThat(all.get(2).images()).isEmpty();
    assertThat(annotations(file).info().size()).isEqualTo(3);
  }

  @Test
  void aLoneImageWithoutPlaceholderGoesBeforeTheFirstTurnAsInternVlPutsIt() throws IOException {
    Path file = temp.resolve("one.jsonl");
    Files.writeString(file, entry("x", "\"x.jpg\"", "Describe.", "Red.") + "\n");
    assertThat(read(annotations(file)))
        .containsExactly("one.jsonl/0 1: user=<image>\nDescribe. | assistant=Red.");
  }

  @Test
  void malformedEntriesAreNamedByFileLineAndIdAndTheRestIsRead() throws IOException {
    Path file = temp.resolve("bad.jsonl");
    Files.writeString(
        file,
        String.join(
            "\n",
            entry("a", "[\"1.jpg\", \"2.jpg\"]", "Only <image> here", "ok"),
            "{\"id\": \"b\", \"conversations\": [{\"from\": \"bot\", \"value\": \"x\"}]}",
            "{not json",
            "",
            entry("c", "\"../../etc/passwd\"", "<image>", "no"),
            entry("d", null, "fine", "yes"),
            "{\"id\": 5, \"image\": 3, \"conversations\": []}"));
    String f = file.toString();
    assertThat(read(annotations(file)))
        .containsExactly(
            "!"
                + f
                + ": line 1 (id a): has 1 <image> placeholder for 2 images; expected one"
                + " placeholder per image",
            "!"
                + f
                + ": line 2.conversations[0].from (id b): expected human, gpt or system, found"
                + " the string 'bot'",
            "!"
                + f
                + ": line 3: invalid JSON at column 2: Unexpected character ('n' (code 110)):"
                + " was expecting double-quote to start field name",
            "!"
                + f
                + ": line 5.image (id c): path '../../etc/passwd' leaves the dataset root "
                + temp,
            "bad.jsonl/4 0: user=fine | assistant=yes",
            "!"
                + f
                + ": line 7.image (id 5): expected an image path or a list of them, found the"
                + " integer 3");
  }

  @Test
  void theMetaFileTakesTheFirstFractionAndRepeatsWholeNumbers() throws IOException {
    Files.createDirectories(temp.resolve("imgs"));
    Path a = temp.resolve("a.jsonl");
    Files.writeString(
        a,
        IntStream.range(0, 10)
            .mapToObj(i -> entry("a" + i, "\"" + i + ".jpg\"", "<image>q", "r"))
            .collect(Collectors.joining("\n")));
    Path b = temp.resolve("b.json");
    Files.writeString(
        b, "[" + entry("b0", null, "q", "r") + "," + entry("b1", null, "q", "r") + "]");
    Path meta = temp.resolve("meta.json");
    Files.writeString(
        meta,
        "{\"part\": {\"root\": \"imgs\", \"annotation\": \"a.jsonl\", \"repeat_time\": 0.35,"
            + " \"data_augment\": true, \"max_dynamic_patch\": 6, \"length\": 10},"
            + " \"twice\": {\"root\": \"imgs\", \"annotation\": \"b.json\", \"repeat_time\": 2}}");
    Dataset<Conversation> d = meta(meta, null);
    // floor(10 * 0.35) = 3 of a's entries, as InternVL's raw_data[:int(len * repeat_time)]
    assertThat(read(d))
        .extracting(s -> s.substring(0, s.indexOf(' ')))
        .containsExactly(
            "part/0", "part/1", "part/2", "twice/0", "twice/1", "twice/0#2", "twice/1#2");
    assertThat(d.info().size()).isEqualTo(7);
    assertThat(SftMeta.read(meta).get(0))
        .isEqualTo(new SftSource("part", temp.resolve("imgs"), a, 0.35, true, 6));
    List<String> shuffled = read(meta(meta, 4));
    assertThat(shuffled).containsExactlyInAnyOrderElementsOf(read(d)).isNotEqualTo(read(d));
    assertThat(read(meta(meta, 4))).isEqualTo(shuffled);
  }

  @Test
  void metaFileProblemsAreAllNamedAtOpen() throws IOException {
    Path meta = temp.resolve("meta.json");
    Files.writeString(
        meta,
        "{\"x\": {\"root\": \".\", \"annotation\": \"none.jsonl\", \"repeat_time\": 1.5},"
            + " \"y\": {\"annotation\": 3}}");
    assertThatThrownBy(() -> meta(meta, null))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            meta
                + ": 3 problems:\n"
                + meta
                + ": entry 'x'.repeat_time: 1.5 is above 1 but not a whole number; expected a"
                + " fraction below 1 (part of the file) or a whole number of passes\n"
                + meta
                + ": entry 'y': missing 'root', expected a path\n"
                + meta
                + ": entry 'y'.annotation: expected a path, found the integer 3");
  }

  @Test
  void aJsonSyntaxErrorInAListStopsAtOpenWithItsPlace() throws IOException {
    Path file = temp.resolve("broken.json");
    Files.writeString(file, "[\n" + entry("1", null, "a", "b") + ",\n{\"id\": }\n]");
    assertThatThrownBy(() -> annotations(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessageStartingWith(file + ": line 3, column 8: invalid JSON");
  }

  @Test
  void aFileThatIsNeitherAListNorJsonLinesSaysWhatItHolds() throws IOException {
    Path file = temp.resolve("text.json");
    Files.writeString(file, "\"just a string\"");
    assertThatThrownBy(() -> annotations(file))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            file
                + ": line 1: expected a JSON list of conversation entries (or JSON lines), found a"
                + " string");
  }
}
