package io.vleval.core.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlReaderTest {

  private final YamlReader reader = new YamlReader();

  @Test
  void keepsPositionsOfKeysAndValues() {
    YamlNode.Mapping root =
        (YamlNode.Mapping) reader.parse("a: 1\nb:\n  c: [x, 2.5, true, ~]\n", "f.yaml");
    assertThat(root.keyMark("b").line()).isEqualTo(2);
    YamlNode.Sequence seq = (YamlNode.Sequence) ((YamlNode.Mapping) root.get("b")).get("c");
    assertThat(seq.items())
        .extracting(n -> ((YamlNode.Scalar) n).kind())
        .containsExactly(
            YamlNode.ScalarKind.STRING,
            YamlNode.ScalarKind.FLOAT,
            YamlNode.ScalarKind.BOOLEAN,
            YamlNode.ScalarKind.NULL);
    assertThat(seq.items().get(1).mark()).isEqualTo(new YamlNode.Mark("f.yaml", 3, 10));
  }

  @Test
  void quotedNumbersStayText() {
    YamlNode.Mapping root = (YamlNode.Mapping) reader.parse("a: \"42\"\n", "f.yaml");
    assertThat(((YamlNode.Scalar) root.get("a")).kind()).isEqualTo(YamlNode.ScalarKind.STRING);
  }

  @Test
  void smallAliasesExpand() {
    YamlNode.Mapping root =
        (YamlNode.Mapping) reader.parse("base: &b {x: 1}\ncopy: *b\n", "f.yaml");
    assertThat(root.get("copy")).isEqualTo(root.get("base"));
  }

  @Test
  void aliasBudgetIsEnforcedBeforeExpansion() {
    YamlReader tight = new YamlReader(new YamlLimits(1 << 20, 50, 100, 64));
    String yaml = "a: &a [1,2,3,4,5,6,7,8,9,10]\nb: [*a,*a,*a,*a,*a]\n";
    assertThatThrownBy(() -> tight.parse(yaml, "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("f.yaml:2:")
        .hasMessageContaining("alias bomb");
  }

  @Test
  void undefinedAliasIsNamed() {
    assertThatThrownBy(() -> reader.parse("a: *nope\n", "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("f.yaml:1:")
        .hasMessageContaining("nope");
  }

  @Test
  void localAndClassTagsAreRefused() {
    assertThatThrownBy(() -> reader.parse("a: !foo 1\n", "f.yaml"))
        .hasMessageContaining("YAML tag '!foo' is not allowed");
    assertThatThrownBy(() -> reader.parse("a: !!javax.script.ScriptEngineManager [x]\n", "f.yaml"))
        .hasMessageContaining("is not allowed");
    assertThat(reader.parse("a: !!str 1\n", "f.yaml")).isInstanceOf(YamlNode.Mapping.class);
  }

  @Test
  void deepNestingIsRefused() {
    String deep = "[".repeat(100) + "]".repeat(100);
    assertThatThrownBy(() -> reader.parse(deep, "f.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("f.yaml:");
  }

  @Test
  void oversizedFilesAreRefusedBeforeReading(@TempDir Path temp) throws Exception {
    Path big = temp.resolve("big.yaml");
    Files.writeString(big, "a: " + "x".repeat(2000) + "\n");
    YamlReader small = new YamlReader(new YamlLimits(1000, 100, 10, 10));
    assertThatThrownBy(() -> small.read(big, "big.yaml"))
        .hasMessage("big.yaml: file is 2004 bytes, more than the 1000 a config may have");
  }

  @Test
  void emptyDocumentIsAnEmptyMapping() {
    assertThat(reader.parse("", "f.yaml")).isInstanceOf(YamlNode.Mapping.class);
  }

  @Test
  void twoDocumentsAreRefused() {
    assertThatThrownBy(() -> reader.parse("a: 1\n---\nb: 2\n", "f.yaml"))
        .hasMessageContaining("one YAML document");
  }
}
