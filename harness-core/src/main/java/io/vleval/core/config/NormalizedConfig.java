package io.vleval.core.config;

import io.vleval.api.config.DatasetEntry;
import io.vleval.api.config.ModelEntry;
import io.vleval.api.config.ReporterEntry;
import io.vleval.api.config.RunConfig;
import io.vleval.api.config.TaskEntry;
import io.vleval.core.yaml.SpecWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A config in its normalized form: every key written out with defaults filled in, paths relative to
 * the config's folder, in a fixed order. Its SHA-256 identifies what a run computed, so a resumed
 * run can refuse a config that changed.
 */
public record NormalizedConfig(String yaml, String sha256) {

  public static NormalizedConfig of(RunConfig config) {
    SpecWriter w = new SpecWriter(config.source().toAbsolutePath().normalize().getParent());
    Map<String, Object> top = new LinkedHashMap<>();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("name", config.run().name());
    run.put("seed", config.run().seed());
    run.put("out", w.plain(config.run().out()));
    run.put("workers", config.run().workers());
    run.put("batch_size", config.run().batchSize());
    top.put("run", run);
    List<Object> models = new ArrayList<>();
    for (ModelEntry m : config.models()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", m.name());
      e.put("type", m.type());
      e.putAll(w.toMap(m.spec()));
      models.add(e);
    }
    top.put("models", models);
    if (!config.judges().isEmpty()) {
      // written only when present, so configs without judges keep the hash they always had
      List<Object> judges = new ArrayList<>();
      for (ModelEntry m : config.judges()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", m.name());
        e.put("type", m.type());
        e.putAll(w.toMap(m.spec()));
        judges.add(e);
      }
      top.put("judges", judges);
    }
    List<Object> datasets = new ArrayList<>();
    for (DatasetEntry d : config.datasets()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", d.name());
      e.put("type", d.type());
      e.put("on_error", w.plain(d.onError()));
      e.putAll(w.toMap(d.spec()));
      datasets.add(e);
    }
    top.put("datasets", datasets);
    List<Object> tasks = new ArrayList<>();
    for (TaskEntry t : config.tasks()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", t.name());
      e.put("type", t.type());
      e.put("dataset", t.dataset());
      if (t.trainDataset() != null) {
        e.put("train_dataset", t.trainDataset());
      }
      if (!t.models().isEmpty()) {
        e.put("models", t.models());
      }
      e.put("batch_size", t.batchSize());
      if (!t.evalDatasets().isEmpty()) {
        // written only when present, so configs without it keep the hash they always had
        e.put("eval_datasets", t.evalDatasets());
      }
      if (t.judge() != null) {
        e.put("judge", t.judge());
      }
      e.putAll(w.toMap(t.spec()));
      tasks.add(e);
    }
    top.put("tasks", tasks);
    List<Object> reporters = new ArrayList<>();
    for (ReporterEntry r : config.reporters()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("type", r.type());
      e.putAll(w.toMap(r.spec()));
      reporters.add(e);
    }
    top.put("reporters", reporters);
    if (!config.gates().isEmpty()) {
      // written only when present, so configs without gates keep the hash they always had
      top.put("gates", w.toMap(config.gates()));
    }
    String yaml = SpecWriter.yaml(top);
    return new NormalizedConfig(yaml, sha256(yaml));
  }

  public static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
