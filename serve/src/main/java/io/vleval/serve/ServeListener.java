package io.vleval.serve;

import java.util.List;

/**
 * What the server tells its owner (the command prints it; the server itself never writes to the
 * console). Calls come from the server's threads.
 */
public interface ServeListener {

  /** Does nothing. */
  ServeListener NONE = new ServeListener() {};

  /**
   * The model threw on the requests {@code ids}; each was answered 500 and the server keeps
   * serving.
   */
  default void modelFailed(List<String> ids, RuntimeException failure) {}

  /** A reply could not be written (the client went away); {@code failure} says why. */
  default void replyFailed(String id, Exception failure) {}
}
