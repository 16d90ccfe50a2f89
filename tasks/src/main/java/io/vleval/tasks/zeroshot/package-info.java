/**
 * Zero-shot classification of images and videos: class names x prompt templates against image or
 * clip embeddings.
 */
package io.vleval.tasks.zeroshot;
