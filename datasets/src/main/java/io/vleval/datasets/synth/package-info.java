/**
 * The synthetic suite: a compositional world of coloured shapes written in the public datasets'
 * layouts.
 */
package io.vleval.datasets.synth;
