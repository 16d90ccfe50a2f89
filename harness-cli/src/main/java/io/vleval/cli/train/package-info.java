/**
 * What {@code vleval train} needs besides the command: the training YAML bound strictly, and the
 * synthetic suite as training data.
 */
package io.vleval.cli.train;
