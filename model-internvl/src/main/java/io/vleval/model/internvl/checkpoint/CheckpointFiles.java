package io.vleval.model.internvl.checkpoint;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.model.internvl.nd.Devices;
import io.vleval.model.internvl.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a checkpoint folder in the HuggingFace layout the {@code internvl} provider reads with no
 * conversion: {@code config.json}, {@code model.safetensors} (float32, the reference key names) and
 * {@code tokenizer.json}.
 */
public final class CheckpointFiles {

  /** The built-in character-level tokenizer of the tiny presets (a class-path resource). */
  public static final String TINY_TOKENIZER =
      "/io/vleval/model/internvl/provider/tiny-tokenizer.json";

  private CheckpointFiles() {}

  /**
   * Writes the three files.
   *
   * @param dir the folder (created if needed)
   * @param config the config.json content
   * @param tensors key → array, written as F32 in this order
   * @param metadata {@code __metadata__} entries (e.g. the stage that wrote it)
   */
  public static void write(
      Path dir, ObjectNode config, Map<String, NDArray> tensors, Map<String, String> metadata) {
    try {
      Files.createDirectories(dir);
      SafetensorsWriter w = new SafetensorsWriter();
      w.metadata("format", "pt");
      metadata.forEach(w::metadata);
      for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
        w.addF32(e.getKey(), e.getValue().getShape().getShape(), Devices.floats(e.getValue()));
      }
      w.write(dir.resolve("model.safetensors"));
      Files.writeString(
          dir.resolve("config.json"), config.toPrettyString() + "\n", StandardCharsets.UTF_8);
      try (InputStream in = CheckpointFiles.class.getResourceAsStream(TINY_TOKENIZER)) {
        if (in == null) {
          throw new IllegalStateException("the class path lacks " + TINY_TOKENIZER);
        }
        Files.copy(in, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Copies the loadable files of a checkpoint (config, weights, tokenizer) to another folder,
   * replacing it.
   *
   * @param checkpoint the source folder
   * @param target the destination
   */
  public static void export(Path checkpoint, Path target) {
    try {
      Files.createDirectories(target);
      for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
        Files.copy(checkpoint.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
