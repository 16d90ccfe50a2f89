/**
 * ScienceQA's scores: the option letter read from a reply (InternVL's and LLaVA's rules) and
 * accuracy overall and per subject, context and grade.
 */
package io.vleval.tasks.metrics.scienceqa;
