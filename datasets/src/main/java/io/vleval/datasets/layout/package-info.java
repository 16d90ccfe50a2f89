/**
 * What every loader shares: paths kept inside the dataset root, fingerprints, lazy file-backed
 * sources, cursors.
 */
package io.vleval.datasets.layout;
