/**
 * Tasks at work: the protocol object, its per-model session, per-sample records and the outcome.
 */
package io.vleval.api.task;
