/**
 * The timing hook: where a task's time goes (decoding, preprocessing, the model, the metrics), as
 * reported by the code doing the work to the timer the harness installs for the task.
 */
package io.vleval.api.timing;
