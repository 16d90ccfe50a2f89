/**
 * Weight-free baseline models (random, pixel colour layout, nearest caption) that give every
 * leaderboard a reference point.
 */
package io.vleval.model.baseline;
