/**
 * Linear probing: frozen image features, cached on disk, and a linear classifier trained with DJL.
 */
package io.vleval.tasks.linearprobe;
