/**
 * The run configuration as bound from YAML: run settings, the model, dataset, task and reporter
 * entries, and the gates.
 */
package io.vleval.api.config;
