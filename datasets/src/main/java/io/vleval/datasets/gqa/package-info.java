/** GQA's public layout: {@code <split>_questions.json} over {@code images/}. */
package io.vleval.datasets.gqa;
