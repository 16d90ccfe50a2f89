/** What the free-text dialogue tasks (VQA family, POPE, MME, MM-Vet) share: asking the model. */
package io.vleval.tasks.dialogue;
