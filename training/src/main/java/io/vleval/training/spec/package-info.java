/**
 * The training YAML as records ({@code vleval train CONFIG}): run settings, data, stages, optimizer
 * and schedule.
 */
package io.vleval.training.spec;
