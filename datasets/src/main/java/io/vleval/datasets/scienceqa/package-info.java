/** ScienceQA's multiple-choice questions: problems.json, pid_splits.json and images/. */
package io.vleval.datasets.scienceqa;
