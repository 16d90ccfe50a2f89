/**
 * The four plugin kinds, discovered with java.util.ServiceLoader and addressed by a short type
 * name.
 */
package io.vleval.api.plugin;
