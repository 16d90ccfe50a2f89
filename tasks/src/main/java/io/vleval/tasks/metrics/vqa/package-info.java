/**
 * VQA-family scoring (VQAv2, TextVQA, VizWiz, GQA): each reference scorer's answer normalisation,
 * the ten-answer VQA accuracy in its variants, GQA's exact match, and their per-type averages.
 */
package io.vleval.tasks.metrics.vqa;
