/**
 * Writing files so that readers see the old content or the new, never half of it (shared by the
 * runner and reporters).
 */
package io.vleval.api.files;
