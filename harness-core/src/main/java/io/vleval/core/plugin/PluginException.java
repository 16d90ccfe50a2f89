package io.vleval.core.plugin;

import io.vleval.api.error.VlevalException;

/**
 * A plugin set that cannot work: a duplicate type name, a malformed one, a provider that fails to
 * load.
 */
public final class PluginException extends VlevalException {
  private static final long serialVersionUID = 1L;

  public PluginException(String message) {
    super(message);
  }

  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}
