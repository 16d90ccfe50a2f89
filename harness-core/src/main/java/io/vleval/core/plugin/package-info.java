/**
 * Plugin discovery: the registry of every provider found through ServiceLoader, by kind and type
 * name.
 */
package io.vleval.core.plugin;
