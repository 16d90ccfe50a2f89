package io.vleval.model.internvl.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a HuggingFace-layout checkpoint: a single {@code model.safetensors}, or shards
 * listed by {@code model.safetensors.index.json} ({@code weight_map}: key → shard file name).
 *
 * <p>Every shard is opened and validated up front (headers only); each key the index lists must be
 * present in the shard it names. Tensors are read lazily from memory-mapped shards.
 */
public final class SafetensorsCheckpoint implements TensorSource {

  /** The single-file weights name. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** The sharded-index name. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private final Map<String, SafetensorsFile> fileByKey;
  private final Map<Path, SafetensorsFile> files;

  private SafetensorsCheckpoint(
      Map<String, SafetensorsFile> fileByKey, Map<Path, SafetensorsFile> files) {
    this.fileByKey = fileByKey;
    this.files = files;
  }

  /**
   * Opens a checkpoint: a directory (sharded index preferred, else {@code model.safetensors}) or a
   * single {@code .safetensors} file.
   *
   * @param location the directory or file
   * @return the open checkpoint; close it when done
   * @throws SafetensorsException when no weights are found or any file or the index is invalid
   */
  public static SafetensorsCheckpoint open(Path location) {
    if (Files.isRegularFile(location)) {
      if (location.getFileName().toString().endsWith(".json")) {
        return openIndex(location);
      }
      SafetensorsFile file = SafetensorsFile.open(location);
      Map<String, SafetensorsFile> byKey = new LinkedHashMap<>();
      file.keys().forEach(k -> byKey.put(k, file));
      return new SafetensorsCheckpoint(byKey, Map.of(location, file));
    }
    if (!Files.isDirectory(location)) {
      throw new SafetensorsException(location, "no such file or directory");
    }
    Path index = location.resolve(INDEX_FILE);
    if (Files.isRegularFile(index)) {
      return openIndex(index);
    }
    Path single = location.resolve(SINGLE_FILE);
    if (Files.isRegularFile(single)) {
      return open(single);
    }
    throw new SafetensorsException(location, "holds neither " + INDEX_FILE + " nor " + SINGLE_FILE);
  }

  private static SafetensorsCheckpoint openIndex(Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(index.toFile());
    } catch (IOException e) {
      throw new SafetensorsException(index, "cannot read the index", e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new SafetensorsException(index, "missing 'weight_map' object");
    }
    Path dir = index.toAbsolutePath().getParent();
    Map<Path, SafetensorsFile> files = new LinkedHashMap<>();
    Map<String, SafetensorsFile> byKey = new LinkedHashMap<>();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String shardName = e.getValue().asText("");
        if (!e.getValue().isTextual()
            || shardName.isEmpty()
            || shardName.contains("/")
            || shardName.contains("\\")
            || shardName.startsWith(".")) {
          throw new SafetensorsException(
              index, e.getKey(), "shard '" + e.getValue() + "' is not a plain file name in " + dir);
        }
        Path shardPath = dir.resolve(shardName);
        SafetensorsFile shard = files.get(shardPath);
        if (shard == null) {
          if (!Files.isRegularFile(shardPath)) {
            throw new SafetensorsException(
                index, e.getKey(), "shard " + shardName + " does not exist");
          }
          shard = SafetensorsFile.open(shardPath);
          files.put(shardPath, shard);
        }
        if (!shard.keys().contains(e.getKey())) {
          throw new SafetensorsException(
              index, e.getKey(), "listed in shard " + shardName + " but absent from it");
        }
        byKey.put(e.getKey(), shard);
      }
    } catch (RuntimeException e) {
      files.values().forEach(SafetensorsFile::close);
      throw e;
    }
    return new SafetensorsCheckpoint(byKey, files);
  }

  /**
   * Returns the files this checkpoint reads.
   *
   * @return the shard paths, in index order
   */
  public Set<Path> files() {
    return Collections.unmodifiableSet(files.keySet());
  }

  private SafetensorsFile file(String key) {
    SafetensorsFile f = fileByKey.get(key);
    if (f == null) {
      Path where = files.isEmpty() ? Path.of("") : files.keySet().iterator().next().getParent();
      throw new SafetensorsException(where, key, "no such tensor in the checkpoint");
    }
    return f;
  }

  @Override
  public Set<String> keys() {
    return Collections.unmodifiableSet(fileByKey.keySet());
  }

  @Override
  public TensorInfo info(String key) {
    return file(key).info(key);
  }

  @Override
  public Path fileOf(String key) {
    return file(key).path();
  }

  @Override
  public float[] floats(String key) {
    return file(key).floats(key);
  }

  @Override
  public long[] longs(String key) {
    return file(key).longs(key);
  }

  @Override
  public NDArray toNDArray(String key, NDManager manager) {
    return file(key).toNDArray(key, manager);
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (SafetensorsFile f : files.values()) {
      try {
        f.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
