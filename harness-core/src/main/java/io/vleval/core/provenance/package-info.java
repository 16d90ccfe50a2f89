/** Provenance: what the harness records about itself so results can be traced and reproduced. */
package io.vleval.core.provenance;
