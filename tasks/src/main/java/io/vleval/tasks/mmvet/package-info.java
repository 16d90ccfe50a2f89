/**
 * MM-Vet: the task (open-ended questions graded by a judge model), MM-Vet's few-shot grader prompt,
 * the grade read from the judge's reply and the scores.
 */
package io.vleval.tasks.mmvet;
