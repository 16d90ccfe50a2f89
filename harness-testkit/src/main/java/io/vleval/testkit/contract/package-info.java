/**
 * Contract tests every plugin's test extends: discovery, type names, spec round trip, determinism,
 * end to end.
 */
package io.vleval.testkit.contract;
