/**
 * The user-facing failures: one unchecked root and the few subtypes a caller may want to tell
 * apart.
 */
package io.vleval.api.error;
