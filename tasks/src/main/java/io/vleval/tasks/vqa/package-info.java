/**
 * The VQA family ({@code vqav2}, {@code textvqa}, {@code vizwiz}, {@code gqa}): prompts and
 * decoding as InternVL-Chat's evaluation scripts; each reference scorer's answer normalisation, the
 * ten-answer VQA accuracy in its variants, GQA's exact match and their per-type averages; and the
 * {@code vleval score} readers of the four benchmarks' files.
 */
package io.vleval.tasks.vqa;
