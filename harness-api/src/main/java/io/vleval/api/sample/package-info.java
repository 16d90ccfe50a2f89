/**
 * Typed samples a dataset yields and a task consumes: images, label maps, captions, videos,
 * questions.
 */
package io.vleval.api.sample;
