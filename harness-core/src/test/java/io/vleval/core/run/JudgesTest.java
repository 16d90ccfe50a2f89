package io.vleval.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vleval.api.config.ConfigLocation;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.RunSettings;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.Capability;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.spec.EmptySpec;
import io.vleval.api.task.Judge;
import io.vleval.core.plugin.PluginRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Judges: each named one loaded once, shared by the tasks naming it, all closed. */
class JudgesTest {

  @TempDir Path temp;

  /** A judge model that counts its loads and closes, and fails to load when told to. */
  static final class CountingProvider implements ModelProvider<EmptySpec> {
    final List<String> events = new ArrayList<>();
    final String type;
    final boolean fails;

    CountingProvider(String type, boolean fails) {
      this.type = type;
      this.fails = fails;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public String description() {
      return "a counting judge";
    }

    @Override
    public Class<EmptySpec> specType() {
      return EmptySpec.class;
    }

    @Override
    public Set<Class<? extends Capability>> capabilities(EmptySpec spec) {
      return Set.of(ImageChat.class);
    }

    @Override
    public Model load(EmptySpec spec, PluginContext context) {
      if (fails) {
        throw new VlevalException("judge '" + type + "' cannot load");
      }
      events.add("load");
      ImageChat chat = (requests, settings) -> requests.stream().map(r -> "A").toList();
      return new Model() {
        @Override
        public Set<Class<? extends Capability>> capabilities() {
          return Set.of(ImageChat.class);
        }

        @Override
        public <C extends Capability> Optional<C> capability(Class<C> t) {
          return t == ImageChat.class ? Optional.of(t.cast(chat)) : Optional.empty();
        }

        @Override
        public ModelInfo info() {
          return new ModelInfo("sum-" + type, "java", "cpu");
        }

        @Override
        public void close() {
          events.add("close");
        }
      };
    }
  }

  private RunConfig config(List<ModelEntry> judges, List<TaskEntry> tasks) {
    return new RunConfig(
        temp.resolve("c.yaml"),
        new RunSettings("r", 0, temp, 1, 1, temp),
        List.of(),
        List.of(),
        tasks,
        List.of(),
        null,
        judges);
  }

  private static TaskEntry task(String name, String judge) {
    return new TaskEntry(
        name,
        "t",
        "d",
        null,
        List.of(),
        1,
        null,
        new ConfigLocation("c.yaml", 1, 1),
        List.of(),
        judge);
  }

  private static ModelEntry judge(String name, String type) {
    return new ModelEntry(name, type, new EmptySpec(), new ConfigLocation("c.yaml", 1, 1));
  }

  @Test
  void eachNamedJudgeLoadsOnceIsSharedAndCloses() {
    CountingProvider a = new CountingProvider("judge-a", false);
    CountingProvider b = new CountingProvider("judge-b", false);
    PluginRegistry registry = PluginRegistry.of(List.of(a, b));
    List<TaskEntry> tasks = List.of(task("one", "ja"), task("two", "ja"), task("three", null));
    RunConfig config = config(List.of(judge("ja", "judge-a"), judge("jb", "judge-b")), tasks);
    try (Judges judges =
        Judges.load(registry, config, tasks, new PluginContext(0, temp, 1, temp))) {
      Judge one = judges.forTask(tasks.get(0)).orElseThrow();
      assertThat(one.model()).isEqualTo("ja");
      assertThat(one.chat().respond(List.of(), GenerationSettings.greedy(1))).isEmpty();
      assertThat(judges.forTask(tasks.get(1))).isPresent();
      assertThat(judges.forTask(tasks.get(2))).isEmpty();
      assertThat(judges.provenance())
          .extracting("name", "type", "checksum")
          .containsExactly(tuple("ja", "judge-a", "sum-judge-a"));
      assertThat(a.events).containsExactly("load");
    }
    assertThat(a.events).containsExactly("load", "close");
    // a judge no task names is not loaded
    assertThat(b.events).isEmpty();
  }

  @Test
  void aJudgeThatCannotLoadClosesTheOnesAlreadyLoaded() {
    CountingProvider a = new CountingProvider("judge-a", false);
    CountingProvider broken = new CountingProvider("judge-b", true);
    PluginRegistry registry = PluginRegistry.of(List.of(a, broken));
    List<TaskEntry> tasks = List.of(task("one", "ja"), task("two", "jb"));
    RunConfig config = config(List.of(judge("ja", "judge-a"), judge("jb", "judge-b")), tasks);
    assertThatThrownBy(
            () -> Judges.load(registry, config, tasks, new PluginContext(0, temp, 1, temp)))
        .isInstanceOf(VlevalException.class)
        .hasMessage("judge 'judge-b' cannot load");
    assertThat(a.events).containsExactly("load", "close");
  }
}
