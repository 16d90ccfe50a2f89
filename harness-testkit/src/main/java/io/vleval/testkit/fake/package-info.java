/**
 * Small deterministic fakes (a model with every capability, in-memory datasets) for plugin tests.
 */
package io.vleval.testkit.fake;
