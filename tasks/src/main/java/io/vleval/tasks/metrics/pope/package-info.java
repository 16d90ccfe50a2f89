/**
 * POPE's object-hallucination scores: its yes/no reading of a reply and accuracy, precision,
 * recall, F1 and yes-ratio per split.
 */
package io.vleval.tasks.metrics.pope;
