package io.vleval.api.result;

/** Which way a metric improves; gates and leaderboards need it to tell a regression. */
public enum Direction {
  HIGHER_IS_BETTER,
  LOWER_IS_BETTER
}
