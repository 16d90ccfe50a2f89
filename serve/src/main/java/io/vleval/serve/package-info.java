/**
 * {@code vleval serve}: an OpenAI-compatible HTTP server that answers chat completions with any
 * model offering {@link io.vleval.api.model.ImageChat}, batching concurrent requests.
 */
package io.vleval.serve;
