/**
 * Model capabilities that hand over DJL types (parameters, arrays under autograd): a trainable
 * image backbone that a task fine-tunes under its own head, with stochastic depth and layer-wise
 * learning-rate decay as the reference trains it.
 */
package io.vleval.api.djl;
