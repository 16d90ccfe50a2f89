/**
 * Typed samples a dataset yields and a task consumes: images, label maps, captions, videos,
 * questions, conversations.
 */
package io.vleval.api.sample;
