package io.vleval.api.plugin;

import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.Capability;
import io.vleval.api.sample.Sample;
import io.vleval.api.task.SampleRecord;
import io.vleval.api.task.Task;
import java.util.List;
import java.util.Set;

/**
 * Makes tasks. Registered in {@code META-INF/services/io.vleval.api.plugin.TaskProvider}.
 *
 * <p>To write one:
 *
 * <ol>
 *   <li>Declare a record for the protocol settings, each with the reference default, as {@link
 *       #specType()}.
 *   <li>Say which sample type it consumes and which model capabilities it needs; the planner checks
 *       both before any model or dataset is loaded.
 *   <li>Return a {@link Task} whose sessions turn batches into {@link SampleRecord}s and records
 *       into metrics.
 * </ol>
 */
public interface TaskProvider<S extends Record> extends Plugin<S> {

  Class<? extends Sample> sampleType();

  Set<Class<? extends Capability>> requiredCapabilities(S spec);

  /**
   * What this spec asks of a model's backbone that one of this shape cannot serve (a block beyond
   * its depth, an input side that is not a multiple of its patch), each as one line saying what the
   * spec asks and what the backbone allows; checked at validation, before anything loads. The
   * planner adds the task's and the model's names.
   *
   * @param shape the backbone of a model the task runs on
   * @return the problems, none when the spec fits
   */
  default List<String> checkBackbone(S spec, BackboneShape shape) {
    return List.of();
  }

  /**
   * Whether the task cannot run without a judge model ({@code judge:}) to grade or parse its
   * replies (MM-Vet); validation refuses such a task entry without one, before anything loads.
   */
  default boolean needsJudge(S spec) {
    return false;
  }

  /** Whether the task needs a {@code train_dataset} (linear probing, segmentation heads). */
  default boolean needsTrainingData(S spec) {
    return false;
  }

  /**
   * Whether the task takes {@code eval_datasets}: further evaluation datasets scored with what it
   * prepares once per model (a trained head evaluated on ImageNet and its variants), each its own
   * result row. Such a task's sessions implement {@link io.vleval.api.task.TaskSession#on}.
   */
  default boolean evaluatesFurtherDatasets(S spec) {
    return false;
  }

  Task<?, ?> create(S spec);
}
