/** MM-Vet's grading: its few-shot grader prompt, the grade read from the reply, the scores. */
package io.vleval.tasks.metrics.mmvet;
