/** Run configs: loading and validating YAML into a RunConfig, and its normalized, hashed form. */
package io.vleval.core.config;
