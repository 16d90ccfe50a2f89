/**
 * MMBench TSV files: multiple-choice questions with base64 images, circular variants referring to
 * another row's image.
 */
package io.vleval.datasets.mmbench;
