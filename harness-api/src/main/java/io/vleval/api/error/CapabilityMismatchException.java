package io.vleval.api.error;

/** A task asked a model for a capability the model does not have. */
public final class CapabilityMismatchException extends VlevalException {
  private static final long serialVersionUID = 1L;

  public CapabilityMismatchException(String message) {
    super(message);
  }
}
