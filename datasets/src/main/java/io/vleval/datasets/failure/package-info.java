/**
 * Plain words for users: failures reported by the JDK and third-party decoders, and the JSON values
 * a loader found where it expected others.
 */
package io.vleval.datasets.failure;
