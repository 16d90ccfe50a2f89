/**
 * Reading and writing the safetensors checkpoint format (single files and sharded indexes),
 * validated before anything is allocated.
 */
package io.vleval.model.internvl.safetensors;
