/**
 * What the stages train on: the recipe's datasets opened through the registry's loaders, each
 * stage's examples from its {@code data:} roles (held as handles or streamed), images decoded per
 * batch, and the seeded order examples are drawn in.
 */
package io.vleval.training.data;
