/**
 * InternViT configuration: parsing a checkpoint's {@code config.json}, named presets and the
 * parameter shape table.
 */
package io.vleval.model.internvl.config;
