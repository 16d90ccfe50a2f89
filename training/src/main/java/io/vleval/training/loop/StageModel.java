package io.vleval.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model being trained: its weights by stable name, and a way to save it as a loadable checkpoint.
 */
public interface StageModel extends AutoCloseable {

  /**
   * @return every weight by a stable name (optimizer state is keyed by it); arrays owned by the
   *     model
   */
  Map<String, NDArray> parameters();

  /**
   * @return the side (pixels) of the square images the model reads, which its stage's data is
   *     preprocessed to
   */
  int imageSize();

  /**
   * @return the manager micro-batch managers hang from
   */
  NDManager manager();

  /**
   * Writes the model into a folder in the layout its loader reads (config.json, model.safetensors,
   * tokenizer.json).
   *
   * @param dir an existing, empty folder
   */
  void save(Path dir);

  @Override
  void close();
}
