/** MME's scores: its yes/no/other reading of a reply, acc and acc+ per subtask, and their sums. */
package io.vleval.tasks.metrics.mme;
