/**
 * Safe YAML reading into a tree that keeps line and column, and binding of that tree onto spec
 * records.
 */
package io.vleval.core.yaml;
