/** The run configuration as bound from YAML: run settings and the model, dataset, task and reporter entries. */
package io.vleval.api.config;
