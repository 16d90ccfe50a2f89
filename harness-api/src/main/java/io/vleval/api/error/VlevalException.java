package io.vleval.api.error;

/**
 * The root of every failure caused by the user's input (a config, a dataset, a checkpoint) rather
 * than by a bug. The command line prints its message as one line, without a stack trace, and exits
 * with status 2.
 */
public class VlevalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VlevalException(String message) {
    super(message);
  }

  public VlevalException(String message, Throwable cause) {
    super(message, cause);
  }
}
