package io.vleval.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.model.internvl.provider.InternVlSpec;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** Spark's task resources become the model's device option; no GPU is needed to check it. */
class TaskDevicesTest {

  private static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of(TaskDevices.GPU, new ResourceInformation(TaskDevices.GPU, addresses));
  }

  @Test
  void oneGpuIsThatDevice() {
    assertThat(TaskDevices.deviceSpec(gpus("1"))).isEqualTo("gpu:1");
  }

  @Test
  void severalGpusAreTheModelsDeviceListInSparksOrder() {
    assertThat(TaskDevices.deviceSpec(gpus("2", "0", "3"))).isEqualTo("gpu:2,gpu:0,gpu:3");
  }

  @Test
  void withoutGpuResourcesTheConfigsDeviceStays() {
    assertThat(TaskDevices.deviceSpec(Map.of())).isNull();
    assertThat(TaskDevices.deviceSpec(gpus())).isNull();
    assertThat(
            TaskDevices.deviceSpec(
                Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))))
        .isNull();
    // outside a Spark task (the driver, a test) there are no task resources
    assertThat(TaskDevices.ofCurrentTask()).isNull();
    InternVlSpec spec = new InternVlSpec(null, "tiny", "cpu", null, null, null, null, null);
    assertThat(TaskDevices.withDevice(spec, null)).isSameAs(spec);
  }

  @Test
  void anAddressThatIsNoIndexIsNamedWithTheSettingToFix() {
    assertThatThrownBy(() -> TaskDevices.deviceSpec(gpus("GPU-5f2a")))
        .isInstanceOf(VlevalException.class)
        .hasMessageContaining("'GPU-5f2a'")
        .hasMessageContaining("spark.executor.resource.gpu.discoveryScript");
  }

  @Test
  void theModelsDeviceIsReplacedAndItsOtherOptionsKept() {
    InternVlSpec spec =
        new InternVlSpec(null, "tiny", "auto", InternVlSpec.Dtype.FLOAT16, 4, null, 32, 7L);
    Record onGpus = TaskDevices.withDevice(spec, TaskDevices.deviceSpec(gpus("0", "1")));
    assertThat(onGpus)
        .isEqualTo(
            new InternVlSpec(
                null, "tiny", "gpu:0,gpu:1", InternVlSpec.Dtype.FLOAT16, 4, null, 32, 7L));
  }

  /** A model without a device option, such as a baseline. */
  record NoDevice(int dim, String name) {}

  @Test
  void optionsWithoutADeviceAreLeftAlone() {
    NoDevice spec = new NoDevice(3, "pixels");
    assertThat(TaskDevices.withDevice(spec, "gpu:0")).isSameAs(spec);
  }
}
