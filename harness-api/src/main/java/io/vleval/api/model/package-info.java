/** Models and their capabilities: the interfaces a task asks a model for. */
package io.vleval.api.model;
