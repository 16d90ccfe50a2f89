/**
 * What the VQA-family loaders share: streaming the elements of a large annotation JSON, and one
 * listed question that becomes a sample, or the problem that made it unreadable.
 */
package io.vleval.datasets.vqa;
