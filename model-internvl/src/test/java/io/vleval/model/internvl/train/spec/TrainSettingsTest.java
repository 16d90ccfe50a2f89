package io.vleval.model.internvl.train.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.vleval.model.internvl.nd.Devices;
import org.junit.jupiter.api.Test;

/** The run-wide training settings: defaults and the device option. */
class TrainSettingsTest {

    @Test
    void trainsOnTheCpuUnlessToldOtherwiseAndRefusesUnknownDevices() {
        assertThat(new TrainSettings(null, null, null, null, null, null).device()).isEqualTo("cpu");
        assertThat(new TrainSettings(null, null, null, null, "gpu:1", null).device()).isEqualTo("gpu:1");
        assertThatThrownBy(() -> new TrainSettings(null, null, null, null, "tpu", null)).hasMessageContaining("'device' = 'tpu'");
        assertThat(new TrainSettings(null, null, null, null, null, null).precision()).isEqualTo("float32");
        assertThatThrownBy(() -> new TrainSettings(null, null, null, null, null, "bfloat16"))
                .hasMessageContaining("'precision' = 'bfloat16'").hasMessageContaining(TrainSettings.MIXED_FLOAT16);
        int gpus = ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
        // auto takes the first GPU, else the CPU; a GPU PyTorch does not see is refused with what it sees
        assertThat(Devices.parse("auto")).isEqualTo(gpus > 0 ? Device.gpu(0) : Device.cpu());
        assertThatThrownBy(() -> Devices.parse("gpu:" + gpus)).hasMessageContaining("PyTorch sees " + gpus + " GPU(s)");
    }
}
