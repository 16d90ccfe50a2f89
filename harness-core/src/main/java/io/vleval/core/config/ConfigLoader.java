package io.vleval.core.config;

import io.vleval.api.config.ConfigLocation;
import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.GateRuleSpec;
import io.vleval.api.config.GatesSpec;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.OnError;
import io.vleval.api.config.ReporterEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.RunSettings;
import io.vleval.api.config.TaskEntry;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;
import io.vleval.api.model.ImageChat;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.Plugin;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.sample.Sample;
import io.vleval.core.plugin.PluginKind;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.yaml.Problems;
import io.vleval.core.yaml.SpecBinder;
import io.vleval.core.yaml.SpecKeys;
import io.vleval.core.yaml.YamlNode;
import io.vleval.core.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads a run config and validates all of it before anything heavy happens: keys, types, plugin
 * types, references between entries, sample kinds and model capabilities. Every problem is
 * collected and reported at once, each with {@code FILE:LINE:COLUMN}.
 */
public final class ConfigLoader {

  static final List<String> TOP_KEYS =
      List.of("run", "models", "judges", "datasets", "tasks", "reporters", "gates");
  private static final Set<String> MODEL_KEYS = Set.of("name", "type");
  private static final Set<String> DATASET_KEYS = Set.of("name", "type", "on_error");
  private static final Set<String> TASK_KEYS =
      Set.of(
          "name",
          "type",
          "dataset",
          "train_dataset",
          "models",
          "batch_size",
          "eval_datasets",
          "judge");
  private static final Set<String> REPORTER_KEYS = Set.of("type");
  // the keys of a task entry that runs on given models in a file without judges
  // (ConfigLoader.tasks)
  private static final Set<String> PLANNED_TASK_KEYS =
      Collections.unmodifiableSet(
          new LinkedHashSet<>(
              List.of("name", "type", "dataset", "train_dataset", "eval_datasets", "batch_size")));
  private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Samples per model call when neither the task nor the run section says (run: batch_size). */
  public static final int DEFAULT_BATCH_SIZE = 16;

  private final PluginRegistry registry;
  private final UnaryOperator<String> environment;
  private final YamlReader reader = new YamlReader();

  public ConfigLoader(PluginRegistry registry, UnaryOperator<String> environment) {
    this.registry = registry;
    this.environment = environment;
  }

  public ConfigLoader(PluginRegistry registry) {
    this(registry, System::getenv);
  }

  /**
   * Reads and validates {@code file}; throws a {@link io.vleval.api.error.ConfigException} listing
   * every problem.
   */
  public RunConfig load(Path file) {
    String display = file.toString();
    YamlNode root = reader.read(file, display);
    Path base = file.toAbsolutePath().normalize().getParent();
    return bind(root, file, base);
  }

  /**
   * Validates YAML text as if it were the file {@code file} (used by tests and by {@code
   * validate}).
   */
  public RunConfig parse(String yaml, Path file) {
    YamlNode root = reader.parse(yaml, file.toString());
    return bind(root, file, file.toAbsolutePath().normalize().getParent());
  }

  private RunConfig bind(YamlNode root, Path file, Path base) {
    Problems problems = new Problems();
    SpecBinder binder = new SpecBinder(base, environment);
    if (!(root instanceof YamlNode.Mapping top)) {
      problems.add(
          root.mark(),
          "a run config is a mapping with keys "
              + String.join(", ", TOP_KEYS)
              + "; found "
              + root.describe());
      problems.throwIfAny();
      throw new IllegalStateException("unreachable");
    }
    Set<String> misspelt = new HashSet<>();
    for (String key : top.entries().keySet()) {
      if (!TOP_KEYS.contains(key)) {
        misspelt.addAll(SpecKeys.nearest(key, TOP_KEYS));
        problems.add(
            top.keyMark(key),
            "unknown key '"
                + key
                + "' at the top level; "
                + SpecKeys.suggestion(key, TOP_KEYS)
                + "allowed keys: "
                + String.join(", ", TOP_KEYS));
      }
    }
    RunSettings run = runSettings(top.get("run"), top.mark(), file, binder, problems);
    List<ModelEntry> models = new ArrayList<>();
    List<DatasetEntry> datasets = new ArrayList<>();
    List<TaskEntry> tasks = new ArrayList<>();
    List<ReporterEntry> reporters = new ArrayList<>();
    Map<String, Class<? extends Sample>> datasetKinds = new HashMap<>();
    Map<String, Set<Class<? extends Capability>>> modelCaps = new HashMap<>();
    // Entries whose own binding failed: references to them are not reported again as undefined.
    Set<String> broken = new HashSet<>();
    Set<String> brokenJudges = new HashSet<>();

    for (YamlNode.Mapping m : entries(top, "models", !misspelt.contains("models"), problems)) {
      ModelEntry e = modelEntry(m, binder, problems);
      markBroken(e == null, m, broken);
      if (e != null
          && unique(
              e.name(), "model", m, models.stream().map(ModelEntry::name).toList(), problems)) {
        models.add(e);
        modelCaps.put(
            e.name(), capabilities((ModelProvider<?>) registry.model(e.type()), e.spec()));
      }
    }
    List<ModelEntry> judges = new ArrayList<>();
    Map<String, Set<Class<? extends Capability>>> judgeCaps = new HashMap<>();
    for (YamlNode.Mapping m : entries(top, "judges", false, problems)) {
      ModelEntry e = modelEntry(m, binder, problems, "a judge");
      markBroken(e == null, m, brokenJudges);
      if (e != null
          && unique(
              e.name(), "judge", m, judges.stream().map(ModelEntry::name).toList(), problems)) {
        judges.add(e);
        judgeCaps.put(
            e.name(), capabilities((ModelProvider<?>) registry.model(e.type()), e.spec()));
      }
    }
    for (YamlNode.Mapping m : entries(top, "datasets", !misspelt.contains("datasets"), problems)) {
      DatasetEntry e = datasetEntry(m, binder, problems);
      markBroken(e == null, m, broken);
      if (e != null
          && unique(
              e.name(),
              "dataset",
              m,
              datasets.stream().map(DatasetEntry::name).toList(),
              problems)) {
        datasets.add(e);
        datasetKinds.put(e.name(), sampleType(registry.dataset(e.type()), e.spec()));
      }
    }
    for (YamlNode.Mapping m : entries(top, "tasks", !misspelt.contains("tasks"), problems)) {
      TaskEntry e = taskEntry(m, binder, run.batchSize(), TASK_KEYS, "", problems);
      if (e != null
          && unique(e.name(), "task", m, tasks.stream().map(TaskEntry::name).toList(), problems)) {
        check(e, m, models, datasets, datasetKinds, modelCaps, broken, problems);
        checkJudge(e, m, judges, judgeCaps, brokenJudges, problems);
        tasks.add(e);
      }
    }
    for (YamlNode.Mapping m : entries(top, "reporters", false, problems)) {
      ReporterEntry e = reporterEntry(m, binder, problems);
      if (e != null) {
        reporters.add(e);
      }
    }
    GatesSpec gates = gates(top, binder, problems);
    checkGates(gates, top.get("gates"), models, tasks, problems);
    problems.throwIfAny();
    return new RunConfig(file, run, models, datasets, tasks, reporters, gates, judges);
  }

  /**
   * Binds the {@code datasets:} section of another kind of file (a training recipe) exactly as a
   * run config's: each entry's provider found in the registry, its keys bound strictly, names
   * unique.
   *
   * @param top the file's top-level mapping
   * @param base the folder relative paths are resolved against
   * @param required whether the file needs at least one dataset
   * @param problems collects every problem, with its place in the file
   * @return the entries bound without problems, with the sample type each one yields
   */
  public Map<DatasetEntry, Class<? extends Sample>> datasets(
      YamlNode.Mapping top, Path base, boolean required, Problems problems) {
    SpecBinder binder = new SpecBinder(base, environment);
    Map<DatasetEntry, Class<? extends Sample>> out = new LinkedHashMap<>();
    for (YamlNode.Mapping m : entries(top, "datasets", required, problems)) {
      DatasetEntry e = datasetEntry(m, binder, problems);
      if (e != null
          && unique(
              e.name(),
              "dataset",
              m,
              out.keySet().stream().map(DatasetEntry::name).toList(),
              problems)) {
        out.put(e, sampleType(registry.dataset(e.type()), e.spec()));
      }
    }
    return out;
  }

  /**
   * Binds a list of task entries of another kind of file (the {@code eval:} list of a training
   * stage) exactly as a run config's {@code tasks:} entries, and checks each as {@code vleval
   * validate} checks a run's: its type and keys, its datasets (defined in the file's {@code
   * datasets:} section, of the sample kind the task reads, {@code train_dataset} and {@code
   * eval_datasets} as in a run), and the capabilities and backbone of the models it will run on,
   * which need not exist yet. {@code models:} and {@code judge:} are refused: the tasks run on the
   * given models, and such a file has no judges.
   *
   * @param list the list's node; {@code null} or a YAML null holds no tasks
   * @param where how messages name the list, e.g. {@code 'eval' of stage 's1'}
   * @param top the file's top-level mapping (its {@code datasets:} section tells an entry that
   *     failed to bind, already reported, from an undefined one)
   * @param base the folder relative paths are resolved against
   * @param datasets the file's datasets, as {@link #datasets} bound them
   * @param models the models the tasks will run on; each task runs on those of them that can serve
   *     it, and at least one must; an empty list skips the model checks (the models are unknown
   *     because their own entry failed)
   * @param problems collects every problem, with its place in the file
   * @return the entries bound without problems, each with {@code models} naming the models that can
   *     serve it
   */
  public List<TaskEntry> tasks(
      YamlNode list,
      String where,
      YamlNode.Mapping top,
      Path base,
      Map<DatasetEntry, Class<? extends Sample>> datasets,
      List<PlannedModel> models,
      Problems problems) {
    List<TaskEntry> out = new ArrayList<>();
    if (list == null
        || (list instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
      return out;
    }
    if (!(list instanceof YamlNode.Sequence seq)) {
      problems.add(
          list.mark(),
          where
              + " must be a list of task entries (each item starting with '- '), found "
              + list.describe());
      return out;
    }
    SpecBinder binder = new SpecBinder(base, environment);
    List<String> datasetNames = datasets.keySet().stream().map(DatasetEntry::name).toList();
    Map<String, Class<? extends Sample>> kinds = new HashMap<>();
    datasets.forEach((e, type) -> kinds.put(e.name(), type));
    Set<String> broken = new HashSet<>();
    if (top.get("datasets") instanceof YamlNode.Sequence section) {
      for (YamlNode item : section.items()) {
        if (item instanceof YamlNode.Mapping m
            && m.get("name") instanceof YamlNode.Scalar n
            && !datasetNames.contains(n.text())) {
          broken.add(n.text());
        }
      }
    }
    for (YamlNode item : seq.items()) {
      if (!(item instanceof YamlNode.Mapping m)) {
        problems.add(
            item.mark(), "each item of " + where + " must be a mapping, found " + item.describe());
        continue;
      }
      String name = m.get("name") instanceof YamlNode.Scalar n ? n.text() : null;
      LinkedHashMap<String, YamlNode> own = new LinkedHashMap<>(m.entries());
      if (own.remove("models") != null) {
        problems.add(
            m.keyMark("models"),
            "'models' in task '"
                + name
                + "' of "
                + where
                + ": these tasks run on "
                + String.join(" and ", models.stream().map(PlannedModel::description).toList())
                + "; remove 'models'");
      }
      if (own.remove("judge") != null) {
        problems.add(
            m.keyMark("judge"),
            "'judge' in task '"
                + name
                + "' of "
                + where
                + ": this file has no judges; evaluate a judged task with a run config (vleval"
                + " run) that names its judge");
      }
      TaskEntry e =
          taskEntry(
              new YamlNode.Mapping(own, m.keyMarks(), m.mark()),
              binder,
              DEFAULT_BATCH_SIZE,
              PLANNED_TASK_KEYS,
              " of " + where,
              problems);
      if (e == null
          || !unique(e.name(), "task", m, out.stream().map(TaskEntry::name).toList(), problems)) {
        continue;
      }
      TaskProvider<?> provider = registry.task(e.type());
      String what = "task '" + e.name() + "' (" + e.type() + ") of " + where;
      checkDatasets(e, provider, what, m, datasetNames, kinds, broken, problems);
      if (needsJudge(provider, e.spec())) {
        problems.add(
            m.mark(),
            what
                + " grades replies with a judge model, and this file has no judges; evaluate it"
                + " with a run config (vleval run) that names one");
      }
      Set<Class<? extends Capability>> needed = required(provider, e.spec());
      List<String> serving = new ArrayList<>();
      List<String> refusals = new ArrayList<>();
      for (PlannedModel p : models) {
        Set<String> missing = missing(needed, p.capabilities());
        if (!missing.isEmpty()) {
          refusals.add(
              "needs "
                  + String.join(" and ", missing)
                  + ", which "
                  + p.description()
                  + " does not have");
          continue;
        }
        List<String> backbone =
            p.backbone().map(shape -> checkBackbone(provider, e.spec(), shape)).orElse(List.of());
        if (!backbone.isEmpty()) {
          refusals.add("cannot run on " + p.description() + ": " + String.join("; ", backbone));
          continue;
        }
        serving.add(p.name());
      }
      if (!models.isEmpty() && serving.isEmpty()) {
        problems.add(
            m.mark(), what + " " + String.join("; it ", refusals) + "; leave it out of " + where);
      }
      out.add(
          new TaskEntry(
              e.name(),
              e.type(),
              e.dataset(),
              e.trainDataset(),
              serving,
              e.batchSize(),
              e.spec(),
              e.location(),
              e.evalDatasets()));
    }
    return out;
  }

  /**
   * A task's {@code judge:} must name an entry of {@code judges:} that offers {@link ImageChat},
   * the capability a task asks its judge through.
   */
  private static void checkJudge(
      TaskEntry task,
      YamlNode.Mapping m,
      List<ModelEntry> judges,
      Map<String, Set<Class<? extends Capability>>> judgeCaps,
      Set<String> broken,
      Problems problems) {
    if (task.judge() == null || broken.contains(task.judge())) {
      return;
    }
    YamlNode.Mark mark = m.get("judge") != null ? m.get("judge").mark() : m.mark();
    String what = "task '" + task.name() + "' (" + task.type() + ")";
    List<String> names = judges.stream().map(ModelEntry::name).toList();
    if (!names.contains(task.judge())) {
      problems.add(
          mark,
          what
              + " names judge '"
              + task.judge()
              + "', which is not defined; "
              + SpecKeys.suggestion(task.judge(), names)
              + (names.isEmpty()
                  ? "define it under a top-level 'judges:' list (entries shaped like 'models:')"
                  : "judges: " + String.join(", ", names)));
      return;
    }
    Set<Class<? extends Capability>> has = judgeCaps.get(task.judge());
    if (has != null && !has.contains(ImageChat.class)) {
      ModelEntry judge =
          judges.stream().filter(j -> j.name().equals(task.judge())).findFirst().orElseThrow();
      problems.add(
          mark,
          what
              + " names judge '"
              + task.judge()
              + "' ("
              + judge.type()
              + "), which does not have ImageChat, the capability a judge is asked through; use a"
              + " chat model as the judge (e.g. type openai-compatible or internvl with a chat"
              + " checkpoint)");
    }
  }

  /**
   * Reads only the {@code gates:} section of a YAML file (a run config, the normalized {@code
   * config.yaml} of a run directory, or a file holding nothing else); other keys are ignored and
   * plugins are not looked up. A baseline named there is not required to exist.
   *
   * @return the gates, or {@link GatesSpec#NONE} when the file has no {@code gates:} section
   */
  public GatesSpec loadGates(Path file) {
    YamlNode root = reader.read(file, file.toString());
    Problems problems = new Problems();
    GatesSpec gates = GatesSpec.NONE;
    if (root instanceof YamlNode.Mapping top) {
      gates =
          gates(
              top,
              new SpecBinder(file.toAbsolutePath().normalize().getParent(), environment),
              problems);
    } else {
      problems.add(
          root.mark(), "a gates file is a mapping with a 'gates' key; found " + root.describe());
    }
    problems.throwIfAny();
    return gates;
  }

  private static GatesSpec gates(YamlNode.Mapping top, SpecBinder binder, Problems problems) {
    YamlNode node = top.get("gates");
    if (node == null
        || (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
      return GatesSpec.NONE;
    }
    if (!(node instanceof YamlNode.Mapping m)) {
      problems.add(
          node.mark(),
          "'gates' must be a mapping with keys "
              + SpecKeys.keysOf(GatesSpec.class)
              + ", found "
              + node.describe());
      return GatesSpec.NONE;
    }
    GatesSpec gates = binder.bind(GatesSpec.class, m, Set.of(), "the gates section", problems);
    if (gates != null && gates.isEmpty()) {
      problems.add(
          m.get("rules") != null ? m.get("rules").mark() : m.mark(),
          "the gates section has no rules; add at least one under 'rules:' (e.g. '- {metric: top1, min: 0.5}')");
    }
    return gates == null ? GatesSpec.NONE : gates;
  }

  /** Gate rules must name defined tasks and models, and a configured baseline must exist. */
  private static void checkGates(
      GatesSpec gates,
      YamlNode node,
      List<ModelEntry> models,
      List<TaskEntry> tasks,
      Problems problems) {
    if (gates.isEmpty() || !(node instanceof YamlNode.Mapping m)) {
      return;
    }
    if (gates.baseline() != null && !Files.exists(gates.baseline())) {
      problems.add(
          m.keyMark("baseline"),
          "'baseline' in the gates section names "
              + gates.baseline()
              + ", which does not exist; point it at a results.json or a finished run directory");
    }
    List<YamlNode> items =
        m.get("rules") instanceof YamlNode.Sequence seq ? seq.items() : List.of();
    // a task with eval_datasets yields a row per dataset ('task@dataset'), each gated by its name
    List<String> taskNames = tasks.stream().flatMap(t -> t.rowNames().stream()).toList();
    List<String> modelNames = models.stream().map(ModelEntry::name).toList();
    for (int i = 0; i < gates.rules().size(); i++) {
      GateRuleSpec rule = gates.rules().get(i);
      YamlNode.Mark mark = i < items.size() ? items.get(i).mark() : m.mark();
      if (rule.task() != null && !taskNames.contains(rule.task())) {
        problems.add(
            mark,
            "gate rule names task '"
                + rule.task()
                + "', which is not defined; "
                + SpecKeys.suggestion(rule.task(), taskNames)
                + "tasks: "
                + String.join(", ", taskNames));
      }
      if (rule.needsBaseline() && gates.baseline() == null) {
        problems.add(
            mark,
            "a gate rule with max_drop or max_drop_relative needs a baseline: set 'baseline' in the"
                + " gates section to a results.json or run directory (or keep such rules in a separate file for"
                + " 'vleval gate --baseline RUN --gates FILE')");
      }
      if (rule.model() != null && !modelNames.contains(rule.model())) {
        problems.add(
            mark,
            "gate rule names model '"
                + rule.model()
                + "', which is not defined; "
                + SpecKeys.suggestion(rule.model(), modelNames)
                + "models: "
                + String.join(", ", modelNames));
      }
    }
  }

  private RunSettings runSettings(
      YamlNode node, YamlNode.Mark topMark, Path file, SpecBinder binder, Problems problems) {
    RunSection section = null;
    if (node == null
        || (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
      section = new RunSection(null, null, null, null, null, null);
    } else if (node instanceof YamlNode.Mapping m) {
      section = binder.bind(RunSection.class, m, Set.of(), "the run section", problems);
    } else {
      problems.add(
          node.mark(),
          "'run' must be a mapping with keys "
              + SpecKeys.keysOf(RunSection.class)
              + ", found "
              + node.describe());
    }
    if (section == null) {
      return new RunSettings(
          "invalid", 0, binder.baseDirectory().resolve("runs"), 1, 1, defaultCache(environment));
    }
    String name = section.name() != null ? section.name() : stem(file);
    if (!ENTRY_NAME.matcher(name).matches()) {
      problems.add(
          node instanceof YamlNode.Mapping m ? m.keyMark("name") : topMark,
          "run name '" + name + "' must be letters, digits, '.', '_' or '-' (it names a folder)");
    }
    int workers =
        section.workers() != null
            ? section.workers()
            : Math.min(4, Runtime.getRuntime().availableProcessors());
    int batch = section.batchSize() != null ? section.batchSize() : DEFAULT_BATCH_SIZE;
    if (workers < 1 || batch < 1) {
      problems.add(
          node != null ? node.mark() : topMark,
          "'workers' and 'batch_size' in the run section must be at least 1");
    }
    return new RunSettings(
        name,
        section.seed() != null ? section.seed() : 0L,
        section.out() != null ? section.out() : binder.baseDirectory().resolve("runs"),
        Math.max(1, workers),
        Math.max(1, batch),
        section.cache() != null ? section.cache() : defaultCache(environment));
  }

  /** {@code $VLEVAL_CACHE}, else {@code ~/.cache/vleval}. */
  public static Path defaultCache(UnaryOperator<String> environment) {
    String env = environment.apply("VLEVAL_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env).toAbsolutePath().normalize()
        : Path.of(System.getProperty("user.home"), ".cache", "vleval");
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  private List<YamlNode.Mapping> entries(
      YamlNode.Mapping top, String key, boolean required, Problems problems) {
    YamlNode node = top.get(key);
    List<YamlNode.Mapping> out = new ArrayList<>();
    if (node == null
        || (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
      if (required) {
        problems.add(
            node == null ? top.mark() : node.mark(),
            "missing required key '"
                + key
                + "': a run needs at least one "
                + key.substring(0, key.length() - 1));
      }
      return out;
    }
    if (!(node instanceof YamlNode.Sequence seq)) {
      problems.add(
          node.mark(),
          "'"
              + key
              + "' must be a list of mappings (each item starting with '- '), found "
              + node.describe());
      return out;
    }
    if (required && seq.items().isEmpty()) {
      problems.add(
          seq.mark(),
          "'" + key + "' is empty: a run needs at least one " + key.substring(0, key.length() - 1));
    }
    for (YamlNode item : seq.items()) {
      if (item instanceof YamlNode.Mapping m) {
        out.add(m);
      } else {
        problems.add(
            item.mark(), "each item of '" + key + "' must be a mapping, found " + item.describe());
      }
    }
    return out;
  }

  private String text(
      YamlNode.Mapping m, String key, String what, boolean required, Problems problems) {
    YamlNode node = m.get(key);
    if (node == null
        || (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
      if (required) {
        problems.add(
            node == null ? m.mark() : node.mark(), "missing required key '" + key + "' in " + what);
      }
      return null;
    }
    if (node instanceof YamlNode.Scalar s) {
      return s.text();
    }
    problems.add(
        node.mark(),
        "'" + key + "' in " + what + " must be a text value, found " + node.describe());
    return null;
  }

  private String entryName(YamlNode.Mapping m, String what, Problems problems) {
    String name = text(m, "name", what, true, problems);
    if (name != null && !ENTRY_NAME.matcher(name).matches()) {
      problems.add(
          m.get("name").mark(),
          "name '"
              + name
              + "' of "
              + what
              + " must be letters, digits, '.', '_' or '-' (it names files in the run directory)");
      return null;
    }
    return name;
  }

  private Plugin<?> plugin(PluginKind kind, YamlNode.Mapping m, String what, Problems problems) {
    String type = text(m, "type", what, true, problems);
    if (type == null) {
      return null;
    }
    Plugin<?> plugin = registry.find(kind, type).orElse(null);
    if (plugin == null) {
      problems.add(m.get("type").mark(), registry.unknownTypeMessage(kind, type));
    }
    return plugin;
  }

  private ModelEntry modelEntry(YamlNode.Mapping m, SpecBinder binder, Problems problems) {
    return modelEntry(m, binder, problems, "a model");
  }

  /** An entry of {@code models:} or of {@code judges:} ({@code what}: "a model", "a judge"). */
  private ModelEntry modelEntry(
      YamlNode.Mapping m, SpecBinder binder, Problems problems, String what) {
    String kind = what.substring(what.indexOf(' ') + 1);
    String name = entryName(m, what, problems);
    Plugin<?> plugin = plugin(PluginKind.MODEL, m, kind + " '" + name + "'", problems);
    if (name == null || plugin == null) {
      return null;
    }
    Record spec =
        binder.bind(
            plugin.specType(),
            m,
            MODEL_KEYS,
            kind + " '" + name + "' (type " + plugin.type() + ")",
            problems);
    return spec == null ? null : new ModelEntry(name, plugin.type(), spec, location(m));
  }

  private DatasetEntry datasetEntry(YamlNode.Mapping m, SpecBinder binder, Problems problems) {
    String name = entryName(m, "a dataset", problems);
    Plugin<?> plugin = plugin(PluginKind.DATASET, m, "dataset '" + name + "'", problems);
    String onErrorText = text(m, "on_error", "dataset '" + name + "'", false, problems);
    OnError onError = OnError.FAIL;
    if (onErrorText != null) {
      if (onErrorText.equals("skip")) {
        onError = OnError.SKIP;
      } else if (!onErrorText.equals("fail")) {
        problems.add(
            m.get("on_error").mark(),
            "'on_error' in dataset '"
                + name
                + "' is '"
                + onErrorText
                + "'; allowed values: fail, skip");
      }
    }
    if (name == null || plugin == null) {
      return null;
    }
    Record spec =
        binder.bind(
            plugin.specType(),
            m,
            DATASET_KEYS,
            "dataset '" + name + "' (type " + plugin.type() + ")",
            problems);
    return spec == null ? null : new DatasetEntry(name, plugin.type(), onError, spec, location(m));
  }

  /**
   * One task entry; {@code keys} are the entry's own keys besides the task's ({@link #TASK_KEYS} in
   * a run config), {@code where} ends the entry's name in messages (" of 'eval' of stage 's1'").
   */
  private TaskEntry taskEntry(
      YamlNode.Mapping m,
      SpecBinder binder,
      int defaultBatch,
      Set<String> keys,
      String where,
      Problems problems) {
    String name = entryName(m, "a task", problems);
    String what = "task '" + name + "'" + where;
    Plugin<?> plugin = plugin(PluginKind.TASK, m, what, problems);
    String dataset = text(m, "dataset", what, true, problems);
    String train = text(m, "train_dataset", what, false, problems);
    String judge = text(m, "judge", what, false, problems);
    List<String> models = new ArrayList<>();
    YamlNode modelsNode = m.get("models");
    if (modelsNode instanceof YamlNode.Sequence seq) {
      for (YamlNode item : seq.items()) {
        if (item instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
          models.add(s.text());
        } else {
          problems.add(
              item.mark(), "'models' in " + what + " lists model names, found " + item.describe());
        }
      }
    } else if (modelsNode != null) {
      problems.add(
          modelsNode.mark(),
          "'models' in " + what + " must be a list of model names, found " + modelsNode.describe());
    }
    List<String> evalDatasets = names(m, "eval_datasets", "dataset", what, problems);
    int batch = defaultBatch;
    YamlNode batchNode = m.get("batch_size");
    if (batchNode != null) {
      if (batchNode instanceof YamlNode.Scalar s
          && s.kind() == YamlNode.ScalarKind.INTEGER
          && Long.parseLong(s.text()) >= 1
          && Long.parseLong(s.text()) <= 1_000_000) {
        batch = Integer.parseInt(s.text());
      } else {
        problems.add(
            batchNode.mark(),
            "'batch_size' in "
                + what
                + " must be an integer from 1 to 1000000, found "
                + batchNode.describe());
      }
    }
    if (name == null || plugin == null) {
      return null;
    }
    Record spec =
        binder.bind(
            plugin.specType(),
            m,
            keys,
            "task '" + name + "' (type " + plugin.type() + ")" + where,
            problems);
    if (spec == null || dataset == null) {
      return null;
    }
    return new TaskEntry(
        name, plugin.type(), dataset, train, models, batch, spec, location(m), evalDatasets, judge);
  }

  /** A list of entry names under {@code key} ({@code eval_datasets}); empty when absent. */
  private static List<String> names(
      YamlNode.Mapping m, String key, String kind, String what, Problems problems) {
    List<String> names = new ArrayList<>();
    YamlNode node = m.get(key);
    if (node instanceof YamlNode.Sequence seq) {
      for (YamlNode item : seq.items()) {
        if (item instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
          names.add(s.text());
        } else {
          problems.add(
              item.mark(),
              "'" + key + "' in " + what + " lists " + kind + " names, found " + item.describe());
        }
      }
    } else if (node != null
        && !(node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL)) {
      problems.add(
          node.mark(),
          "'"
              + key
              + "' in "
              + what
              + " must be a list of "
              + kind
              + " names, found "
              + node.describe());
    }
    return names;
  }

  private ReporterEntry reporterEntry(YamlNode.Mapping m, SpecBinder binder, Problems problems) {
    Plugin<?> plugin = plugin(PluginKind.REPORTER, m, "a reporter", problems);
    if (plugin == null) {
      return null;
    }
    Record spec =
        binder.bind(
            plugin.specType(), m, REPORTER_KEYS, "reporter '" + plugin.type() + "'", problems);
    return spec == null ? null : new ReporterEntry(plugin.type(), spec, location(m));
  }

  private boolean unique(
      String name, String kind, YamlNode.Mapping m, List<String> seen, Problems problems) {
    if (seen.contains(name)) {
      problems.add(
          m.get("name").mark(),
          "a second " + kind + " is named '" + name + "'; names must be unique");
      return false;
    }
    return true;
  }

  private void check(
      TaskEntry task,
      YamlNode.Mapping m,
      List<ModelEntry> models,
      List<DatasetEntry> datasets,
      Map<String, Class<? extends Sample>> datasetKinds,
      Map<String, Set<Class<? extends Capability>>> modelCaps,
      Set<String> broken,
      Problems problems) {
    TaskProvider<?> provider = registry.task(task.type());
    String what = "task '" + task.name() + "' (" + task.type() + ")";
    List<String> datasetNames = datasets.stream().map(DatasetEntry::name).toList();
    checkDatasets(task, provider, what, m, datasetNames, datasetKinds, broken, problems);
    if (needsJudge(provider, task.spec()) && m.get("judge") == null) {
      problems.add(
          m.mark(),
          what
              + " grades replies with a judge model and names none; add 'judge:' naming a model"
              + " with ImageChat (e.g. an openai-compatible GPT-4 endpoint)");
    }
    List<String> modelNames = models.stream().map(ModelEntry::name).toList();
    List<String> targets = task.models().isEmpty() ? modelNames : task.models();
    Set<Class<? extends Capability>> needed = required(provider, task.spec());
    for (String modelName : targets) {
      if (broken.contains(modelName)) {
        continue;
      }
      if (!modelNames.contains(modelName)) {
        problems.add(
            m.get("models") != null ? m.get("models").mark() : m.mark(),
            what
                + " names model '"
                + modelName
                + "', which is not defined; "
                + SpecKeys.suggestion(modelName, modelNames)
                + "models: "
                + String.join(", ", modelNames));
        continue;
      }
      ModelEntry model =
          models.stream().filter(x -> x.name().equals(modelName)).findFirst().orElseThrow();
      Set<String> missing = missing(needed, modelCaps.get(modelName));
      if (!missing.isEmpty()) {
        problems.add(
            m.mark(),
            what
                + " needs "
                + String.join(" and ", missing)
                + ", which model '"
                + modelName
                + "' ("
                + model.type()
                + ") does not have; list the task's models with 'models:' to leave it out");
        continue;
      }
      for (String problem : backboneProblems(provider, task.spec(), model)) {
        problems.add(
            m.mark(),
            what + " cannot run on model '" + modelName + "' (" + model.type() + "): " + problem);
      }
    }
  }

  /**
   * The capabilities of {@code needed} that {@code has} lacks; none when {@code has} is unknown.
   */
  private static Set<String> missing(
      Set<Class<? extends Capability>> needed, Set<Class<? extends Capability>> has) {
    Set<String> missing = new LinkedHashSet<>();
    for (Class<? extends Capability> c : needed) {
      if (has != null && !has.contains(c)) {
        missing.add(c.getSimpleName());
      }
    }
    return missing;
  }

  /**
   * A task's datasets: {@code dataset}, {@code train_dataset} (required when the task trains a
   * head) and {@code eval_datasets} each defined and of the task's sample kind.
   */
  private void checkDatasets(
      TaskEntry task,
      TaskProvider<?> provider,
      String what,
      YamlNode.Mapping m,
      List<String> datasetNames,
      Map<String, Class<? extends Sample>> datasetKinds,
      Set<String> broken,
      Problems problems) {
    checkDataset(
        task.dataset(), "dataset", provider, what, m, datasetNames, datasetKinds, broken, problems);
    if (task.trainDataset() != null) {
      checkDataset(
          task.trainDataset(),
          "train_dataset",
          provider,
          what,
          m,
          datasetNames,
          datasetKinds,
          broken,
          problems);
    } else if (needsTraining(provider, task.spec())) {
      problems.add(
          m.mark(),
          what
              + " trains a head and needs 'train_dataset' naming a dataset with its training split");
    }
    checkEvalDatasets(task, provider, what, m, datasetNames, datasetKinds, broken, problems);
  }

  /**
   * {@code eval_datasets}: only for a task that evaluates further datasets with one preparation;
   * each a defined dataset of the task's sample kind, named once, other than the task's own.
   */
  private void checkEvalDatasets(
      TaskEntry task,
      TaskProvider<?> provider,
      String what,
      YamlNode.Mapping m,
      List<String> datasetNames,
      Map<String, Class<? extends Sample>> datasetKinds,
      Set<String> broken,
      Problems problems) {
    if (task.evalDatasets().isEmpty()) {
      return;
    }
    YamlNode node = m.get("eval_datasets");
    YamlNode.Mark mark = node != null ? node.mark() : m.mark();
    if (!evaluatesFurther(provider, task.spec())) {
      problems.add(
          mark,
          what
              + " does not take 'eval_datasets': it is evaluated on its 'dataset' only; give each"
              + " dataset a task entry of its own");
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String name : task.evalDatasets()) {
      if (name.equals(task.dataset())) {
        problems.add(
            mark,
            what
                + " lists its own dataset '"
                + name
                + "' in 'eval_datasets'; it is evaluated there already (the row '"
                + task.name()
                + "'): list only the further datasets");
      } else if (!seen.add(name)) {
        problems.add(
            mark, what + " lists dataset '" + name + "' twice in 'eval_datasets'; list it once");
      } else {
        checkDataset(
            name, "eval_datasets", provider, what, m, datasetNames, datasetKinds, broken, problems);
      }
    }
  }

  /**
   * What the task's protocol asks of the model's backbone that it cannot serve; nothing when the
   * model does not say its shape before loading.
   */
  private List<String> backboneProblems(TaskProvider<?> task, Record taskSpec, ModelEntry model) {
    ModelProvider<?> provider = (ModelProvider<?>) registry.model(model.type());
    Optional<BackboneShape> shape;
    try {
      shape = backboneShape(provider, model.spec());
    } catch (VlevalException e) {
      return List.of("its configuration cannot be read: " + e.getMessage());
    }
    return shape.isEmpty() ? List.of() : checkBackbone(task, taskSpec, shape.get());
  }

  private void checkDataset(
      String name,
      String key,
      TaskProvider<?> provider,
      String what,
      YamlNode.Mapping m,
      List<String> names,
      Map<String, Class<? extends Sample>> kinds,
      Set<String> broken,
      Problems problems) {
    YamlNode.Mark mark = m.get(key) != null ? m.get(key).mark() : m.mark();
    if (broken.contains(name)) {
      return;
    }
    if (!names.contains(name)) {
      problems.add(
          mark,
          what
              + " names dataset '"
              + name
              + "', which is not defined; "
              + SpecKeys.suggestion(name, names)
              + "datasets: "
              + (names.isEmpty() ? "(none)" : String.join(", ", names)));
      return;
    }
    Class<? extends Sample> has = kinds.get(name);
    if (has != null && !provider.sampleType().isAssignableFrom(has)) {
      problems.add(
          mark,
          what
              + " reads "
              + provider.sampleType().getSimpleName()
              + " samples, but dataset '"
              + name
              + "' yields "
              + has.getSimpleName()
              + " samples");
    }
  }

  private static void markBroken(boolean failed, YamlNode.Mapping m, Set<String> broken) {
    if (failed && m.get("name") instanceof YamlNode.Scalar s) {
      broken.add(s.text());
    }
  }

  private static ConfigLocation location(YamlNode.Mapping m) {
    return new ConfigLocation(m.mark().file(), m.mark().line(), m.mark().column());
  }

  // The casts below are safe: each spec was bound to the provider's own specType().
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Set<Class<? extends Capability>> capabilities(ModelProvider provider, Record spec) {
    return Set.copyOf(provider.capabilities(spec));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Optional<BackboneShape> backboneShape(ModelProvider provider, Record spec) {
    return provider.backboneShape(spec);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<String> checkBackbone(TaskProvider provider, Record spec, BackboneShape shape) {
    return List.copyOf(provider.checkBackbone(spec, shape));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Class<? extends Sample> sampleType(DatasetProvider provider, Record spec) {
    return provider.sampleType(spec);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Set<Class<? extends Capability>> required(TaskProvider provider, Record spec) {
    return Set.copyOf(provider.requiredCapabilities(spec));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static boolean evaluatesFurther(TaskProvider provider, Record spec) {
    return provider.evaluatesFurtherDatasets(spec);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static boolean needsJudge(TaskProvider provider, Record spec) {
    return provider.needsJudge(spec);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static boolean needsTraining(TaskProvider provider, Record spec) {
    return provider.needsTrainingData(spec);
  }
}
