/**
 * MME: the task (yes/no perception and cognition questions as InternVL-Chat asks them), MME's
 * reading of a reply and its scores (acc, acc+ per subtask, their sums).
 */
package io.vleval.tasks.mme;
