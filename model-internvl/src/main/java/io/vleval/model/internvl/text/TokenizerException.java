package io.vleval.model.internvl.text;

import io.vleval.api.error.VlevalException;

/** A checkpoint whose tokenizer cannot be used; the message says what was found and what to do. */
public class TokenizerException extends VlevalException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message one line: where, what was found, what is expected
   */
  public TokenizerException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message one line
   * @param cause the underlying failure
   */
  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
