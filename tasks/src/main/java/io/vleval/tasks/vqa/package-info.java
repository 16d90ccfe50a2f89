/**
 * The VQA-family task plugins ({@code vqav2}, {@code textvqa}, {@code vizwiz}, {@code gqa}):
 * prompts and decoding as InternVL-Chat's evaluation scripts, scoring as the benchmarks' reference
 * scorers.
 */
package io.vleval.tasks.vqa;
