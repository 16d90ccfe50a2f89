/**
 * MMBench-style multiple-choice dialogue: the reference prompt, VLMEvalKit's answer extraction,
 * circular evaluation.
 */
package io.vleval.tasks.mmbench;
