/**
 * The OpenAI chat-completions wire format as this server speaks it: requests read and checked,
 * replies and errors written in OpenAI's shapes.
 */
package io.vleval.serve.protocol;
