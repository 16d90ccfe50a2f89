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
import io.vleval.datasets.conversations.LlavaConversationsProvider;
import io.vleval.datasets.webdataset.WebDatasetProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads a training YAML as strictly as run configs: safe YAML, unknown keys, wrong types, missing
 * required keys and invalid values all reported at once as {@code FILE:LINE:COLUMN: message}. Each
 * stage's {@code data:} is checked against {@code datasets:}: every name must be an entry, of the
 * sample type its role reads, and every role one the stage's kind reads.
 */
public final class TrainConfigLoader {

  private TrainConfigLoader() {}

  /**
   * Loads and validates a training config, expanding {@code ${VAR}} from the environment.
   *
   * @param file the YAML file
   * @return the spec, with {@code train.name} and {@code train.out} filled in
   * @throws ConfigException listing every problem
   */
  public static TrainSpec load(Path file) {
    return load(file, System::getenv);
  }

  /**
   * Loads and validates a training config.
   *
   * @param file the YAML file
   * @param environment looks up {@code ${VAR}}s; null for unset ones
   * @return the spec, with {@code train.name} and {@code train.out} filled in
   * @throws ConfigException listing every problem
   */
  public static TrainSpec load(Path file, UnaryOperator<String> environment) {
    String display = file.toString();
    YamlNode root = new YamlReader().read(file, display);
    if (!(root instanceof YamlNode.Mapping mapping)) {
      throw new ConfigException(
          List.of(
              new ConfigProblem(
                  display,
                  1,
                  1,
                  "a training config is a mapping with keys train, datasets, stages; found "
                      + root.describe())));
    }
    Path base = file.toAbsolutePath().getParent();
    Problems problems = new Problems();
    // datasets: bound as a run config binds them (the registry's loaders, strict keys); the rest
    // by the record binder, which never sees that section
    ConfigLoader configs =
        new ConfigLoader(
            PluginRegistry.discover(TrainConfigLoader.class.getClassLoader()), environment);
    Map<DatasetEntry, Class<? extends Sample>> bound =
        configs.datasets(mapping, base, false, problems);
    List<DatasetEntry> datasets = List.copyOf(bound.keySet());
    LinkedHashMap<String, YamlNode> rest = new LinkedHashMap<>(mapping.entries());
    rest.remove("datasets");
    if (rest.remove("data") != null) {
      problems.add(
          mapping.keyMark("data"),
          "the top-level 'data:' section (synthetic_scale, synthetic_seed, caption_languages) is no"
              + " longer read; declare the datasets under 'datasets:' (the synthetic suite's parts as"
              + " {name: captions-en, type: synthetic, part: captions-train, scale: small}) and name"
              + " them in each stage's 'data:' (e.g. data: {captions: captions-en, translations:"
              + " [captions-zh], labelled: shapes-train}; caption_languages: [en, zh] becomes"
              + " translations); examples/train-tiny.yaml declares the whole recipe this way");
    }
    // each stage's eval: list is bound as a run config's tasks (ConfigLoader.tasks, below), not by
    // the record binder
    List<YamlNode.Mapping> stageNodes = withoutEval(rest);
    YamlNode stagesNode = rest.get("stages");
    if (stagesNode instanceof YamlNode.Sequence seq) {
      rest.put("stages", oneNameLists(seq));
    }
    TrainSpec spec =
        new SpecBinder(base, environment)
            .bind(
                TrainSpec.class,
                new YamlNode.Mapping(rest, mapping.keyMarks(), mapping.mark()),
                Set.of("datasets"),
                "the training config",
                problems);
    if (rest.get("stages") instanceof YamlNode.Sequence seq) {
      checkData(seq, bound, problems);
    }
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
    return new TrainSpec(settings, stages, datasets);
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

  /**
   * The stages with each role of their {@code data:} that names one dataset (a scalar) turned into
   * a list of one, so that {@code captions: coco} and {@code captions: [coco]} mean the same.
   */
  private static YamlNode.Sequence oneNameLists(YamlNode.Sequence stages) {
    List<YamlNode> out = new ArrayList<>();
    for (YamlNode stage : stages.items()) {
      if (stage instanceof YamlNode.Mapping m && m.get("data") instanceof YamlNode.Mapping data) {
        LinkedHashMap<String, YamlNode> roles = new LinkedHashMap<>(data.entries());
        roles.replaceAll(
            (key, value) ->
                DataSpec.ROLES.containsKey(key)
                        && value instanceof YamlNode.Scalar s
                        && s.kind() != YamlNode.ScalarKind.NULL
                    ? new YamlNode.Sequence(List.of(value), value.mark())
                    : value);
        LinkedHashMap<String, YamlNode> entries = new LinkedHashMap<>(m.entries());
        entries.put("data", new YamlNode.Mapping(roles, data.keyMarks(), data.mark()));
        out.add(new YamlNode.Mapping(entries, m.keyMarks(), m.mark()));
      } else {
        out.add(stage);
      }
    }
    return new YamlNode.Sequence(out, stages.mark());
  }

  /**
   * Every stage's {@code data:} against {@code datasets:}, each problem at the key or name it is
   * about. Read from the YAML itself, so that it runs even where binding found other problems.
   */
  private static void checkData(
      YamlNode.Sequence stages,
      Map<DatasetEntry, Class<? extends Sample>> datasets,
      Problems problems) {
    Map<String, DatasetEntry> byName = new LinkedHashMap<>();
    datasets.keySet().forEach(d -> byName.put(d.name(), d));
    List<String> names = List.copyOf(byName.keySet());
    for (YamlNode item : stages.items()) {
      if (!(item instanceof YamlNode.Mapping node)
          || !(node.get("data") instanceof YamlNode.Mapping data)) {
        continue;
      }
      StageKind kind = kind(node.get("kind"));
      String stage =
          node.get("name") instanceof YamlNode.Scalar n ? "stage '" + n.text() + "'" : "a stage";
      String where = "'data' of " + stage;
      boolean named = false;
      for (String key : data.entries().keySet()) {
        String misfit = kind == null ? null : DataSpec.misfit(kind, key);
        if (misfit != null) {
          problems.add(data.keyMark(key), key + " in " + where + ": " + misfit);
        }
      }
      for (Map.Entry<String, Class<? extends Sample>> role : DataSpec.ROLES.entrySet()) {
        if (!(data.get(role.getKey()) instanceof YamlNode.Sequence listed)) {
          continue;
        }
        if (!role.getKey().equals("translations")
            && !listed.items().isEmpty()
            && (kind == null || DataSpec.rolesOf(kind).contains(role.getKey()))) {
          named = true;
        }
        for (YamlNode listedName : listed.items()) {
          if (listedName instanceof YamlNode.Scalar s) {
            checkName(s, role, where, byName, names, datasets, problems);
          }
        }
      }
      if (kind != null && !named) {
        problems.add(data.mark(), where + ": " + DataSpec.needsData(kind));
      }
    }
  }

  /** One name a role lists: defined, of the sample type the role reads, not shuffled on its own. */
  private static void checkName(
      YamlNode.Scalar item,
      Map.Entry<String, Class<? extends Sample>> role,
      String where,
      Map<String, DatasetEntry> byName,
      List<String> names,
      Map<DatasetEntry, Class<? extends Sample>> datasets,
      Problems problems) {
    String dataset = item.text();
    DatasetEntry entry = byName.get(dataset);
    String what = "'" + role.getKey() + "' in " + where + " names dataset '" + dataset + "'";
    if (entry == null) {
      problems.add(
          item.mark(),
          what
              + ", which is not defined; "
              + SpecKeys.suggestion(dataset, names)
              + (names.isEmpty()
                  ? "define it under a top-level 'datasets:' list"
                  : "datasets: " + String.join(", ", names)));
      return;
    }
    Class<? extends Sample> type = datasets.get(entry);
    if (type != null && !role.getValue().isAssignableFrom(type)) {
      problems.add(
          item.mark(),
          what
              + " ("
              + entry.type()
              + "), whose samples are "
              + type.getSimpleName()
              + "; '"
              + role.getKey()
              + "' reads "
              + role.getValue().getSimpleName()
              + " samples");
    }
    String shuffled = ownShuffle(entry);
    if (shuffled != null) {
      problems.add(
          item.mark(),
          what
              + ", which sets "
              + shuffled
              + "; a training stage shuffles its data itself (with the recipe's seed, a new"
              + " order each epoch): leave it out of the dataset and set shuffle_buffer in the"
              + " stage's data to stream it");
    }
  }

  /** A stage's kind as written, or null when it is not one (the binder reports that). */
  private static StageKind kind(YamlNode node) {
    if (node instanceof YamlNode.Scalar s) {
      for (StageKind k : StageKind.values()) {
        if (name(k).equals(s.text().strip())) {
          return k;
        }
      }
    }
    return null;
  }

  private static String name(StageKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @return the shuffle settings a dataset entry sets for its own reading, which a training stage
   *     would not use, or null
   */
  private static String ownShuffle(DatasetEntry entry) {
    List<String> set = new ArrayList<>();
    if (entry.spec() instanceof WebDatasetProvider.Spec w) {
      if (w.shuffleBuffer() != null && w.shuffleBuffer() > 0) {
        set.add("shuffle_buffer");
      }
      if (Boolean.TRUE.equals(w.shuffleShards())) {
        set.add("shuffle_shards");
      }
      if (w.epoch() != null && w.epoch() > 0) {
        set.add("epoch");
      }
    }
    if (entry.spec() instanceof LlavaConversationsProvider.Spec c
        && c.shuffleBuffer() != null
        && c.shuffleBuffer() > 0) {
      set.add("shuffle_buffer");
    }
    return set.isEmpty() ? null : String.join(", ", set);
  }
}
