package io.vleval.core.run;

import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.LabelMapSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SegmentationPair;

/**
 * Decodes a sample's images ahead of the model, in a pipeline worker. A decoding failure is kept
 * and thrown again when the task asks for the image, so {@code on_error} still decides what
 * happens. Videos are left lazy (how many frames to sample is the task's setting), and sample types
 * this harness does not know pass through unchanged.
 */
final class Preload {
  private Preload() {}

  static Sample of(Sample sample) {
    if (sample instanceof LabelledImage s) {
      return new LabelledImage(s.id(), image(s.image()), s.label(), s.acceptedLabels());
    }
    if (sample instanceof SegmentationPair s) {
      return new SegmentationPair(s.id(), image(s.image()), labels(s.labels()));
    }
    if (sample instanceof CaptionedImage s) {
      return new CaptionedImage(s.id(), image(s.image()), s.captions());
    }
    if (sample instanceof MultipleChoiceQuestion s) {
      return new MultipleChoiceQuestion(
          s.id(),
          s.questionIndex(),
          s.image() == null ? null : image(s.image()),
          s.question(),
          s.hint(),
          s.options(),
          s.answer(),
          s.category(),
          s.l2Category());
    }
    return sample;
  }

  private static ImageSource image(ImageSource source) {
    RgbImage image;
    try {
      image = source.load();
    } catch (RuntimeException e) {
      return failing(source.origin(), e);
    }
    return ImageSource.of(image, source.origin());
  }

  private static LabelMapSource labels(LabelMapSource source) {
    LabelMap map;
    RuntimeException failure = null;
    try {
      map = source.load();
    } catch (RuntimeException e) {
      map = null;
      failure = e;
    }
    LabelMap loaded = map;
    RuntimeException error = failure;
    return new LabelMapSource() {
      @Override
      public LabelMap load() {
        if (error != null) {
          throw error;
        }
        return loaded;
      }

      @Override
      public String origin() {
        return source.origin();
      }
    };
  }

  private static ImageSource failing(String origin, RuntimeException error) {
    return new ImageSource() {
      @Override
      public RgbImage load() {
        throw error;
      }

      @Override
      public String origin() {
        return origin;
      }
    };
  }
}
