/** MME's yes/no questions: a folder per subtask of images and question files. */
package io.vleval.datasets.mme;
