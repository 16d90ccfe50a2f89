package io.vleval.engine.spark;

import io.vleval.api.error.VlevalException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The GPUs Spark's resource scheduling gave a task, spelled as a model's {@code device} option
 * spells devices: {@code gpu:N} for one, {@code gpu:N,gpu:M} (one replica each) for several.
 * Spark's GPU addresses are the indices its discovery script reports, which are PyTorch's device
 * numbers on that machine.
 */
final class TaskDevices {

  /** Spark's resource name for GPUs ({@code spark.executor.resource.gpu.amount}). */
  static final String GPU = "gpu";

  /** The option a model plugin's spec names its device with. */
  static final String DEVICE = "device";

  private TaskDevices() {}

  /** The running Spark task's GPUs as a device option, or {@code null} when it was given none. */
  static String ofCurrentTask() {
    TaskContext task = TaskContext.get();
    return task == null ? null : deviceSpec(task.resourcesJMap());
  }

  /**
   * The device option for a task's resources.
   *
   * @return {@code gpu:A} or {@code gpu:A,gpu:B,...} in Spark's order, or {@code null} when the
   *     resources hold no GPU address
   */
  static String deviceSpec(Map<String, ResourceInformation> resources) {
    ResourceInformation gpus = resources.get(GPU);
    if (gpus == null || gpus.addresses().length == 0) {
      return null;
    }
    List<String> devices = new ArrayList<>();
    for (String address : gpus.addresses()) {
      if (!address.matches("\\d+")) {
        throw new VlevalException(
            "Spark gave this task the GPU address '"
                + address
                + "', which is not a device index; the GPU discovery script"
                + " (spark.executor.resource.gpu.discoveryScript, spark.worker.resource.gpu"
                + ".discoveryScript) must report the indices PyTorch numbers the GPUs by (0, 1, ...)");
      }
      devices.add("gpu:" + Integer.parseInt(address));
    }
    return String.join(",", devices);
  }

  /**
   * A model's options with {@code device} set to {@code device}: the same record type, built by its
   * canonical constructor (so the plugin's own checks apply), or {@code spec} itself when {@code
   * device} is {@code null} or the options have no {@code device} of type {@code String} (a model
   * that runs on no device, such as a baseline).
   */
  static Record withDevice(Record spec, String device) {
    if (device == null) {
      return spec;
    }
    RecordComponent[] components = spec.getClass().getRecordComponents();
    boolean found = false;
    for (RecordComponent c : components) {
      found |= c.getName().equals(DEVICE) && c.getType() == String.class;
    }
    if (!found) {
      return spec;
    }
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        if (components[i].getName().equals(DEVICE)) {
          values[i] = device;
        } else {
          // a plugin's options record need not be public
          Method accessor = components[i].getAccessor();
          accessor.setAccessible(true);
          values[i] = accessor.invoke(spec);
        }
      }
      Constructor<? extends Record> canonical = spec.getClass().getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (InvocationTargetException e) {
      throw new VlevalException(
          "the model's options refuse the device Spark gave the task ("
              + device
              + "): "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          spec.getClass().getName() + ": cannot set the device of these options", e);
    }
  }
}
