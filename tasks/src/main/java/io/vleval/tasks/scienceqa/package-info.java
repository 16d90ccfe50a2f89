/**
 * ScienceQA-IMG: the task (multiple-choice science questions as InternVL-Chat asks them), the
 * option letter read from a reply (InternVL's and LLaVA's rules) and accuracy overall and per
 * subject, context and grade.
 */
package io.vleval.tasks.scienceqa;
