package io.vleval.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vleval.api.result.ConfidenceInterval;
import io.vleval.api.result.Direction;
import io.vleval.api.result.MetricValue;
import org.junit.jupiter.api.Test;

/** A results file never yields a number it did not hold: null and absent values read as NaN. */
class MetricValueJsonTest {

  private static MetricValue read(String json) throws JsonProcessingException {
    return ResultCodec.mapper().readValue(json, MetricValue.class);
  }

  @Test
  void aNullValueReadsAsNaNNotZero() throws JsonProcessingException {
    MetricValue m =
        read(
            "{\"name\":\"acc1\",\"value\":null,\"direction\":\"HIGHER_IS_BETTER\",\"unit\":\"%\","
                + "\"interval\":{\"lower\":null,\"upper\":0.7,\"level\":0.95,\"resamples\":1000}}");
    assertThat(m.value()).isNaN();
    assertThat(m.interval().lower()).isNaN();
    assertThat(m.interval().upper()).isEqualTo(0.7);
  }

  @Test
  void anAbsentValueReadsAsNaN() throws JsonProcessingException {
    assertThat(read("{\"name\":\"acc1\",\"direction\":\"HIGHER_IS_BETTER\",\"unit\":\"\"}").value())
        .isNaN();
  }

  @Test
  void writtenValuesRoundTrip() throws JsonProcessingException {
    MetricValue m =
        new MetricValue(
            "CIDEr",
            2.87,
            Direction.HIGHER_IS_BETTER,
            "",
            new ConfidenceInterval(2.59, 3.14, 0.95, 1000));
    assertThat(read(ResultCodec.mapper().writeValueAsString(m))).isEqualTo(m);
    MetricValue nan = MetricValue.higherIsBetter("acc5", Double.NaN, "%");
    assertThat(read(ResultCodec.mapper().writeValueAsString(nan)).value()).isNaN();
  }
}
