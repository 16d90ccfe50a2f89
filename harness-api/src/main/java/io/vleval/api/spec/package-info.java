/**
 * How a plugin describes its YAML: a Java record whose components, in snake_case, are the keys it
 * accepts. Supported component types: String, boolean, int, long, double (boxed or not),
 * java.nio.file.Path (relative to the config file, with ${VAR} expansion), enums (written in lower
 * case with '-' for '_'), List, Map with String keys, and nested records.
 */
package io.vleval.api.spec;
