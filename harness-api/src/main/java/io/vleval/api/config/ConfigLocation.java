package io.vleval.api.config;

/** Where something was written in a config file, for messages that point at it. */
public record ConfigLocation(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
