/**
 * Weight-free baseline models (random, pixel colour layout) that give every leaderboard a reference
 * point.
 */
package io.vleval.core.baseline;
