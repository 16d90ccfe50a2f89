/**
 * Linear probing: the reference protocol (augmented images through the frozen backbone every epoch,
 * Mixup/CutMix, a BN + linear head) and its cached-features variant, few-shot shares, and one head
 * scored on several evaluation datasets.
 */
package io.vleval.tasks.linearprobe;
