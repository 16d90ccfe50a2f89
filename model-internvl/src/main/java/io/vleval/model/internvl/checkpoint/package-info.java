/**
 * Named weight tables read from a checkpoint with every missing, unexpected and mis-shaped key
 * reported at once.
 */
package io.vleval.model.internvl.checkpoint;
