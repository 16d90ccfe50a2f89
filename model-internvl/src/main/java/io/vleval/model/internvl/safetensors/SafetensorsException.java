package io.vleval.model.internvl.safetensors;

import io.vleval.api.error.VlevalException;
import java.nio.file.Path;

/**
 * A safetensors file or sharded checkpoint that cannot be read: its message is one line that names
 * the file, the tensor key where there is one, and the problem.
 */
public class SafetensorsException extends VlevalException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception for a problem with a whole file.
   *
   * @param file the file
   * @param problem what is wrong, found and expected
   */
  public SafetensorsException(Path file, String problem) {
    super(file + ": " + problem);
  }

  /**
   * Creates an exception for a problem with one tensor.
   *
   * @param file the file
   * @param key the tensor key
   * @param problem what is wrong, found and expected
   */
  public SafetensorsException(Path file, String key, String problem) {
    super(file + ": tensor '" + key + "': " + problem);
  }

  /**
   * Creates an exception that wraps an I/O failure.
   *
   * @param file the file
   * @param problem what was being done
   * @param cause the I/O failure
   */
  public SafetensorsException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem + ": " + cause.getMessage(), cause);
  }
}
