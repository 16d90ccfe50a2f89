package io.vleval.training.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.vleval.model.internvl.nd.Devices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The run-wide training settings: defaults and the device option. */
class TrainSettingsTest {

  @Test
  void trainsOnTheCpuUnlessToldOtherwiseAndRefusesUnknownDevices() {
    assertThat(new TrainSettings(null, null, null, null, null, null).device()).isEqualTo("cpu");
    assertThat(new TrainSettings(null, null, null, null, "gpu:1", null).device())
        .isEqualTo("gpu:1");
    assertThatThrownBy(() -> new TrainSettings(null, null, null, null, "tpu", null))
        .hasMessageContaining("'device' = 'tpu'");
    assertThat(new TrainSettings(null, null, null, null, null, null).precision())
        .isEqualTo("float32");
    assertThatThrownBy(() -> new TrainSettings(null, null, null, null, null, "bfloat16"))
        .hasMessageContaining("'precision' = 'bfloat16'")
        .hasMessageContaining(TrainSettings.MIXED_FLOAT16);
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    // auto takes the first GPU, else the CPU; a GPU PyTorch does not see is refused with what it
    // sees
    assertThat(Devices.parse("auto")).isEqualTo(gpus > 0 ? Device.gpu(0) : Device.cpu());
    assertThatThrownBy(() -> Devices.parse("gpu:" + gpus))
        .hasMessageContaining("PyTorch sees " + gpus + " GPU(s)");
  }

  @Test
  void aListOfDevicesTrainsDataParallelAndAutoTakesEveryGpu() {
    assertThat(new TrainSettings(null, null, null, null, "gpu:0,gpu:1", null).device())
        .isEqualTo("gpu:0,gpu:1");
    assertThatThrownBy(() -> new TrainSettings(null, null, null, null, "gpu:0,", null))
        .hasMessageContaining("gpu:0,gpu:1");
    assertThatThrownBy(() -> new TrainSettings(null, null, null, null, "auto,cpu", null))
        .hasMessageContaining("'device'");
    assertThat(Devices.parseTraining("cpu")).containsExactly(Device.cpu());
    assertThat(Devices.parseTraining("cpu,cpu")).containsExactly(Device.cpu(), Device.cpu());
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    List<Device> every = new ArrayList<>();
    for (int i = 0; i < gpus; i++) {
      every.add(Device.gpu(i));
    }
    assertThat(Devices.parseTraining("auto")).isEqualTo(gpus == 0 ? List.of(Device.cpu()) : every);
    assertThatThrownBy(() -> Devices.parseTraining("cpu,gpu:" + gpus))
        .hasMessageContaining("PyTorch sees " + gpus + " GPU(s)");
    // a micro-batch must have a sample for every replica
    StageSpec small =
        new StageSpec(
            "s",
            StageKind.CONTRASTIVE,
            new ModelInitSpec("tiny-internvl", null, null, 0L, null, null),
            1,
            2,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(
            new TrainSpec(
                    new TrainSettings(null, null, null, null, "cpu,cpu", null), List.of(small))
                .stages())
        .hasSize(1);
    assertThatThrownBy(
            () ->
                new TrainSpec(
                    new TrainSettings(null, null, null, null, "cpu,cpu,cpu", null), List.of(small)))
        .hasMessage(
            "stage 's' has batch_size 2, fewer samples than the 3 devices of 'device' (cpu,cpu,cpu) it is split over");
    if (gpus > 0) {
      assertThat(Devices.parseTraining("gpu:0,gpu:0"))
          .containsExactly(Device.gpu(0), Device.gpu(0));
      assertThatThrownBy(() -> Devices.parseTraining("cpu,gpu:0"))
          .hasMessageContaining("mixes the CPU and GPUs");
    }
  }
}
