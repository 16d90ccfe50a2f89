/** MM-Vet's open-ended questions: {@code mm-vet.json} and its {@code images/} folder. */
package io.vleval.datasets.mmvet;
