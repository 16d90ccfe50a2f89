/**
 * Linear heads trained with DJL on frozen features: batch norm, a linear layer, SGD with Nesterov
 * momentum.
 */
package io.vleval.tasks.head;
