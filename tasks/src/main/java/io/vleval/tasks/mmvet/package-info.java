/** The MM-Vet task: open-ended questions graded by a judge model with MM-Vet's grader prompt. */
package io.vleval.tasks.mmvet;
