package io.vleval.api.plugin;

/**
 * What every plugin kind has in common. A provider is cheap: constructing it does no I/O and loads
 * no weights or native code; its factory method builds the heavy object when a run needs it.
 *
 * @param <S> the record the plugin's YAML binds to (see {@link io.vleval.api.spec})
 */
public interface Plugin<S extends Record> {

  /** The short name users write as {@code type:} in YAML: lower case, digits and '-'. */
  String type();

  /** One line for {@code vleval list}. */
  String description();

  /** The record this plugin's options bind to. */
  Class<S> specType();
}
