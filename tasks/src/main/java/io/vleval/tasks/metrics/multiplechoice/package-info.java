/**
 * MMBench-style multiple-choice scoring: VLMEvalKit's rule-based answer extraction, circular and
 * vanilla evaluation and its accuracy report.
 */
package io.vleval.tasks.metrics.multiplechoice;
