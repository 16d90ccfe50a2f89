package io.vleval.model.internvl.nd;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.vleval.api.error.VlevalException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The {@code device:} option of models and training runs, and copies of results to the host. */
public final class Devices {

  /** One device: what {@code device:} accepts where a single device is meant. */
  public static final Pattern SPEC = Pattern.compile("auto|cpu|gpu:\\d+");

  /**
   * What a model's or a training run's {@code device:} accepts: {@code auto}, or one device or a
   * comma-separated list.
   */
  public static final Pattern LIST_SPEC = Pattern.compile("auto|(cpu|gpu:\\d+)(,(cpu|gpu:\\d+))*");

  /** What a training run's {@code device:} accepts (the same as a model's). */
  public static final Pattern TRAINING_SPEC = LIST_SPEC;

  private Devices() {}

  /**
   * Resolves a device option against what the engine sees.
   *
   * @param spec {@code auto} (the first GPU when PyTorch sees one, else the CPU), {@code cpu} or
   *     {@code gpu:N}
   * @return the device
   * @throws VlevalException when a GPU is asked for that PyTorch does not see
   */
  public static Device parse(String spec) {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    if (spec.equals("cpu") || (spec.equals("auto") && gpus == 0)) {
      return Device.cpu();
    }
    if (spec.equals("auto")) {
      return Device.gpu(0);
    }
    int id = Integer.parseInt(spec.substring("gpu:".length()));
    if (id >= gpus) {
      throw new VlevalException(
          "device: "
              + spec
              + " asked for, but PyTorch sees "
              + gpus
              + " GPU(s) (the CPU build of libtorch sees none); use device: auto or cpu");
    }
    return Device.gpu(id);
  }

  /**
   * Resolves a training run's {@code device:} option: the devices its replicas train on (data
   * parallelism when there are several).
   *
   * @param spec {@code auto} (every GPU PyTorch sees, else the CPU), or a comma-separated list of
   *     {@code cpu} and {@code gpu:N}; a device listed twice holds two replicas, which is no faster
   *     but checks sharding on one device ({@code cpu,cpu}, {@code gpu:0,gpu:0})
   * @return the devices, the first the one whose replica is updated and saved
   * @throws VlevalException when a GPU is asked for that PyTorch does not see, or GPUs are mixed
   *     with the CPU
   */
  public static List<Device> parseTraining(String spec) {
    return parseList(spec, "train on GPUs or on the CPU");
  }

  /**
   * Resolves a model's {@code device:} option: the devices its replicas evaluate on.
   *
   * @param spec {@code auto} (every GPU PyTorch sees, else the CPU), or a comma-separated list of
   *     {@code cpu} and {@code gpu:N}; a device listed twice holds two replicas ({@code cpu,cpu})
   * @return the devices, in the order listed
   * @throws VlevalException when a GPU is asked for that PyTorch does not see, or GPUs are mixed
   *     with the CPU
   */
  public static List<Device> parseEvaluation(String spec) {
    return parseList(spec, "evaluate on GPUs or on the CPU");
  }

  private static List<Device> parseList(String spec, String advice) {
    if (spec.equals("auto")) {
      int gpus = Engine.getEngine("PyTorch").getGpuCount();
      List<Device> all = new ArrayList<>();
      for (int i = 0; i < gpus; i++) {
        all.add(Device.gpu(i));
      }
      return all.isEmpty() ? List.of(Device.cpu()) : all;
    }
    List<Device> out = new ArrayList<>();
    for (String one : spec.split(",")) {
      out.add(parse(one));
    }
    if (out.stream().map(Device::isGpu).distinct().count() > 1) {
      throw new VlevalException("device: " + spec + " mixes the CPU and GPUs; " + advice);
    }
    return out;
  }

  /**
   * The name a run records for several devices.
   *
   * @param devices the devices, in order
   * @return their names joined by commas, e.g. {@code gpu:0,gpu:1}
   */
  public static String names(List<Device> devices) {
    return String.join(",", devices.stream().map(Devices::name).toList());
  }

  /**
   * The name a run records.
   *
   * @param d a device
   * @return {@code cpu} or {@code gpu:N}
   */
  public static String name(Device d) {
    return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
  }

  /**
   * Copies an array's values to Java as float32, from any device and float type.
   *
   * @param a the array (left as it is)
   * @return its values, row-major
   */
  public static float[] floats(NDArray a) {
    if (a.getDevice().isGpu() || a.getDataType() != DataType.FLOAT32) {
      try (NDArray host = Precision.toFloat32(a).toDevice(Device.cpu(), true)) {
        return host.toFloatArray();
      }
    }
    return a.toFloatArray();
  }
}
