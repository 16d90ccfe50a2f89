package io.vleval.tasks.training;

/** The learning rate of each training iteration (0-based), set before the iteration's step. */
@FunctionalInterface
public interface LrSchedule {
  double at(long iteration);
}
