/**
 * The {@code internvl} model plugin: its YAML spec, presets, and the capabilities it offers for
 * each checkpoint kind and head.
 */
package io.vleval.model.internvl.provider;
