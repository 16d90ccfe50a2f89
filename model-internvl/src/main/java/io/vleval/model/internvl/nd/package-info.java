/** NDArray helpers shared by the model blocks and the training code. */
package io.vleval.model.internvl.nd;
