/** Video decoding with FFmpeg (through JavaCV) and the reference frame sampling. */
package io.vleval.datasets.video;
