/**
 * MMBench-style multiple-choice dialogue: the reference prompt, VLMEvalKit's answer extraction,
 * circular and vanilla evaluation, its accuracy report, and the {@code vleval score mmbench} TSV
 * reader.
 */
package io.vleval.tasks.mmbench;
