package io.vleval.training.spec;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.error.ConfigException;
import io.vleval.api.error.ConfigProblem;
import io.vleval.api.error.VlevalException;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Sample;
import io.vleval.core.config.ConfigLoader;
import io.vleval.core.config.PlannedModel;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.yaml.Problems;
import io.vleval.core.yaml.SpecBinder;
import io.vleval.core.yaml.SpecKeys;
import io.vleval.core.yaml.YamlNode;
import io.vleval.core.yaml.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a training YAML as strictly as run configs: safe YAML, unknown keys, wrong types, missing
 * required keys and invalid values all reported at once as {@code FILE:LINE:COLUMN: message}.
 */
public final class TrainConfigLoader {

  private TrainConfigLoader() {}

  /**
   * Loads and validates a training config.
   *
   * @param file the YAML file
   * @return the spec, with {@code train.name} and {@code train.out} filled in
   * @throws ConfigException listing every problem
   */
  public static TrainSpec load(Path file) {
    String display = file.toString();
    YamlNode root = new YamlReader().read(file, display);
    if (!(root instanceof YamlNode.Mapping mapping)) {
      throw new ConfigException(
          List.of(
              new ConfigProblem(
                  display,
                  1,
                  1,
                  "a training config is a mapping with keys train, datasets, data, stages; found "
                      + root.describe())));
    }
    Path base = file.toAbsolutePath().getParent();
    Problems problems = new Problems();
    // datasets: bound as a run config binds them (the registry's loaders, strict keys); the rest
    // by the record binder, which never sees that section
    ConfigLoader configs =
        new ConfigLoader(PluginRegistry.discover(TrainConfigLoader.class.getClassLoader()));
    Map<DatasetEntry, Class<? extends Sample>> bound =
        configs.datasets(mapping, base, false, problems);
    List<DatasetEntry> datasets = List.copyOf(bound.keySet());
    LinkedHashMap<String, YamlNode> rest = new LinkedHashMap<>(mapping.entries());
    rest.remove("datasets");
    // each stage's eval: list is bound as a run config's tasks (ConfigLoader.tasks, below), not by
    // the record binder
    List<YamlNode.Mapping> stageNodes = withoutEval(rest);
    TrainSpec spec =
        new SpecBinder(base, System::getenv)
            .bind(
                TrainSpec.class,
                new YamlNode.Mapping(rest, mapping.keyMarks(), mapping.mark()),
                Set.of("datasets"),
                "the training config",
                problems);
    List<StageSpec> stages = evaluations(spec, stageNodes, mapping, base, configs, bound, problems);
    problems.throwIfAny();
    String name =
        spec.train().name() != null
            ? spec.train().name()
            : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    Path out =
        spec.train().out() != null ? spec.train().out() : base.resolve("train-runs").resolve(name);
    TrainSettings settings =
        new TrainSettings(
            name,
            spec.train().seed(),
            out,
            spec.train().threads(),
            spec.train().device(),
            spec.train().precision());
    return new TrainSpec(settings, spec.data(), stages, datasets);
  }

  /**
   * Takes the {@code eval} key out of every stage entry of {@code top} (in place).
   *
   * @return the stage entries as written (with {@code eval}), in order; null for an item that is
   *     not a mapping
   */
  private static List<YamlNode.Mapping> withoutEval(LinkedHashMap<String, YamlNode> top) {
    List<YamlNode.Mapping> written = new ArrayList<>();
    if (!(top.get("stages") instanceof YamlNode.Sequence stages)) {
      return written;
    }
    List<YamlNode> items = new ArrayList<>();
    for (YamlNode item : stages.items()) {
      if (item instanceof YamlNode.Mapping m) {
        written.add(m);
        LinkedHashMap<String, YamlNode> entries = new LinkedHashMap<>(m.entries());
        entries.remove("eval");
        items.add(new YamlNode.Mapping(entries, m.keyMarks(), m.mark()));
      } else {
        written.add(null);
        items.add(item);
      }
    }
    top.put("stages", new YamlNode.Sequence(items, stages.mark()));
    return written;
  }

  /**
   * Binds and checks each stage's {@code eval:} tasks against the model the stage ends with and the
   * recipe's datasets, and its {@code heldout} dataset.
   *
   * @return the stages with their evaluations; null when the stages did not bind (their eval lists
   *     are still checked for their own problems)
   */
  private static List<StageSpec> evaluations(
      TrainSpec spec,
      List<YamlNode.Mapping> nodes,
      YamlNode.Mapping top,
      Path base,
      ConfigLoader configs,
      Map<DatasetEntry, Class<? extends Sample>> datasets,
      Problems problems) {
    if (spec == null) {
      for (YamlNode.Mapping node : nodes) {
        if (node != null && node.get("eval") != null) {
          String name = node.get("name") instanceof YamlNode.Scalar n ? n.text() : "?";
          configs.tasks(
              node.get("eval"),
              "'eval' of stage '" + name + "'",
              top,
              base,
              datasets,
              List.of(),
              problems);
        }
      }
      return null;
    }
    List<StageSpec> out = new ArrayList<>();
    for (int i = 0; i < spec.stages().size(); i++) {
      StageSpec stage = spec.stages().get(i);
      YamlNode.Mapping node = nodes.get(i);
      List<TaskEntry> eval = List.of();
      if (node.get("eval") != null) {
        List<PlannedModel> planned;
        try {
          planned = EvalTarget.planned(stage, root(spec.stages(), stage));
        } catch (VlevalException e) {
          problems.add(
              node.get("model").mark(),
              "the model of stage '"
                  + stage.name()
                  + "' cannot be read to check its 'eval' tasks: "
                  + e.getMessage());
          planned = List.of();
        }
        eval =
            configs.tasks(
                node.get("eval"),
                "'eval' of stage '" + stage.name() + "'",
                top,
                base,
                datasets,
                planned,
                problems);
      }
      if (stage.heldout() != null) {
        checkHeldout(stage, node.get("heldout").mark(), datasets, problems);
      }
      out.add(stage.withEvaluation(stage.heldout(), eval));
    }
    return out;
  }

  /** The checkpoint the stage's line of {@code from:} starts from; null for a preset. */
  private static Path root(List<StageSpec> stages, StageSpec stage) {
    StageSpec s = stage;
    while (s.model().from() != null) {
      String from = s.model().from();
      s = stages.stream().filter(x -> x.name().equals(from)).findFirst().orElseThrow();
    }
    return s.model().checkpoint();
  }

  /** {@code heldout} names a dataset of captioned images. */
  private static void checkHeldout(
      StageSpec stage,
      YamlNode.Mark mark,
      Map<DatasetEntry, Class<? extends Sample>> datasets,
      Problems problems) {
    List<String> names = datasets.keySet().stream().map(DatasetEntry::name).toList();
    String what =
        "'heldout' of stage '" + stage.name() + "' names dataset '" + stage.heldout() + "'";
    Class<? extends Sample> type =
        datasets.entrySet().stream()
            .filter(e -> e.getKey().name().equals(stage.heldout()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse(null);
    if (type == null) {
      problems.add(
          mark,
          what
              + ", which is not defined; "
              + SpecKeys.suggestion(stage.heldout(), names)
              + "datasets: "
              + (names.isEmpty() ? "(none)" : String.join(", ", names)));
    } else if (!CaptionedImage.class.isAssignableFrom(type)) {
      problems.add(
          mark,
          what
              + ", which yields "
              + type.getSimpleName()
              + " samples; the held-out ITG loss reads CaptionedImage samples (images with"
              + " captions)");
    }
  }
}
